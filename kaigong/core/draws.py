"""
The verifiable draw (DESIGN.md §10): experts, intermediaries and post-approval targets are
all drawn this way, so that anyone can re-run a draw from what was published.

    1. prepare: the candidate list is frozen and its hash published; a random seed is chosen
       and only its commitment (SHA-256 of the seed) is published.
    2. reveal:  in front of the witnesses the seed is revealed; the result follows from the
       frozen list and the seed alone.
    3. verify:  anyone recomputes the hash, the commitment and the result (``draw_compute``,
       or the standalone ``scripts/verify_draw.py``, which needs only Python's stdlib).

The algorithm (docs/draws.md): each candidate ``c`` gets ``h_c = HMAC-SHA256(seed,
candidates_hash + ":" + c.id)`` read as a 256-bit integer, ``u_c = (h_c + 1) / (2^256 + 1)``
in (0, 1), and the key ``ln(u_c) / w_c`` with its integer weight ``w_c`` (1 for a plain
draw), computed with ``decimal`` at 60 digits (correctly rounded, so the same everywhere).
The ``count`` candidates with the largest keys are drawn, largest first (ties by id): a
weighted sample without replacement (Efraimidis–Spirakis), uniform when all weights are 1.

This module is pure (no database); ``kaigong.core.draw_services`` keeps the records.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from .exceptions import InvalidInput

ALGORITHM = "kaigong-draw-v1"
_CONTEXT = Context(prec=60)
_TWO_256 = Decimal(2) ** 256
MAX_WEIGHT = 1000


@dataclass(frozen=True)
class Candidate:
    id: str
    label: str = ""
    weight: int = 1


def canonical_candidates(candidates: list[Candidate]) -> bytes:
    """The frozen list as published: sorted by id, compact JSON, UTF-8."""
    rows = [
        {"id": c.id, "label": c.label, "weight": c.weight}
        for c in sorted(candidates, key=lambda c: c.id)
    ]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def candidates_hash(candidates: list[Candidate]) -> str:
    return hashlib.sha256(canonical_candidates(candidates)).hexdigest()


def seed_commitment(seed_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()


def validate_candidates(candidates: list[Candidate], count: int) -> None:
    ids = [c.id for c in candidates]
    if not candidates:
        raise InvalidInput(_("There is no candidate to draw from."), code="draw_no_candidates")
    if len(set(ids)) != len(ids):
        raise InvalidInput(_("A candidate appears twice."), code="draw_duplicate_candidate")
    if any(not (1 <= c.weight <= MAX_WEIGHT) for c in candidates):
        raise InvalidInput(
            _("Each weight is a whole number from 1 to %(max)d.") % {"max": MAX_WEIGHT},
            code="draw_bad_weight",
        )
    if not (1 <= count <= len(candidates)):
        raise InvalidInput(
            _("Between 1 and %(n)d candidates can be drawn.") % {"n": len(candidates)},
            code="draw_bad_count",
        )


def _key(seed: bytes, list_hash: str, candidate: Candidate) -> Decimal:
    digest = hmac.new(seed, f"{list_hash}:{candidate.id}".encode(), hashlib.sha256).digest()
    u = _CONTEXT.divide(Decimal(int.from_bytes(digest, "big") + 1), _TWO_256 + 1)
    return _CONTEXT.divide(u.ln(_CONTEXT), Decimal(candidate.weight))


def draw_compute(candidates: list[Candidate], seed_hex: str, count: int) -> list[str]:
    """The ids drawn, in drawing order: a pure function of the frozen list and the seed."""
    validate_candidates(candidates, count)
    list_hash = candidates_hash(candidates)
    seed = bytes.fromhex(seed_hex)
    ranked = sorted(candidates, key=lambda c: (-_key(seed, list_hash, c), c.id))
    return [c.id for c in ranked[:count]]


@dataclass(frozen=True)
class Verification:
    list_hash_ok: bool
    commitment_ok: bool
    result_ok: bool
    recomputed: list[str]

    @property
    def ok(self) -> bool:
        return self.list_hash_ok and self.commitment_ok and self.result_ok


def draw_verify(published: dict[str, Any]) -> Verification:
    """
    Re-run a draw from its published record (the JSON ``draw_record`` gives): the candidate
    list, its hash, the commitment, the revealed seed, the count and the result.
    """
    candidates = [
        Candidate(id=str(c["id"]), label=str(c.get("label", "")), weight=int(c.get("weight", 1)))
        for c in published["candidates"]
    ]
    seed = str(published.get("seed") or "")
    recomputed = draw_compute(candidates, seed, int(published["count"])) if seed else []
    return Verification(
        list_hash_ok=candidates_hash(candidates) == published["candidates_hash"],
        commitment_ok=bool(seed) and seed_commitment(seed) == published["seed_commitment"],
        result_ok=bool(seed) and recomputed == list(published.get("result") or []),
        recomputed=recomputed,
    )
