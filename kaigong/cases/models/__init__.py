from .case import Case, CaseItem, CaseNumberCounter, IdempotencyRecord
from .events import CaseEvent, ChainCheckpoint
from .intake import Commitment, Correction, Denial
from .materials import SubmittedMaterial
from .review import ClockPause, ConditionalResult, Extension, Opinion

__all__ = [
    "Case",
    "CaseEvent",
    "CaseItem",
    "CaseNumberCounter",
    "ChainCheckpoint",
    "ClockPause",
    "Commitment",
    "ConditionalResult",
    "Correction",
    "Denial",
    "Extension",
    "IdempotencyRecord",
    "Opinion",
    "SubmittedMaterial",
]
