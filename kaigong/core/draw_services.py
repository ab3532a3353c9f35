"""
Keeping verifiable draws (kaigong/core/draws.py): prepare, reveal, and the published record.

    draw_prepare(purpose, candidates, count, actor, subject=…)  freezes the list, commits a seed
    draw_reveal(draw, witnesses, actor)                          reveals it and fixes the result
    draw_record(draw)                                            what is published (no seed before reveal)
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .draws import (
    ALGORITHM,
    Candidate,
    candidates_hash,
    draw_compute,
    seed_commitment,
    validate_candidates,
)
from .exceptions import Conflict, InvalidInput
from .models import Draw
from .services import audit_record


def draw_prepare(
    *,
    purpose: str,
    candidates: list[Candidate],
    count: int,
    actor: Any,
    subject: models.Model | None = None,
) -> Draw:
    """Freeze the candidate list and commit to a fresh random seed (only its hash is shown)."""
    validate_candidates(candidates, count)
    seed = secrets.token_hex(32)
    draw = Draw.objects.create(
        purpose=purpose[:200],
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(getattr(subject, "public_id", "") or getattr(subject, "pk", "") or ""),
        algorithm=ALGORITHM,
        candidates=[
            {"id": c.id, "label": c.label, "weight": c.weight}
            for c in sorted(candidates, key=lambda c: c.id)
        ],
        candidates_hash=candidates_hash(candidates),
        count=count,
        seed_commitment=seed_commitment(seed),
        seed=seed,
        prepared_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="draw_prepared",
        obj=draw,
        summary=f"{purpose[:200]}: {len(candidates)} → {count}",
        data={"candidates_hash": draw.candidates_hash, "seed_commitment": draw.seed_commitment},
    )
    return draw


def draw_candidates(draw: Draw) -> list[Candidate]:
    return [
        Candidate(id=c["id"], label=c.get("label", ""), weight=int(c.get("weight", 1)))
        for c in draw.candidates
    ]


@transaction.atomic
def draw_reveal(*, draw: Draw, witnesses: list[str], actor: Any) -> Draw:
    """Reveal the seed before the witnesses and fix the result; once only."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if draw.is_revealed:
        raise Conflict(_("This draw has already been made."), code="draw_already_revealed")
    names = [str(w).strip()[:50] for w in witnesses if str(w).strip()]
    if not names:
        raise InvalidInput(
            _("Name at least one witness of the draw."), code="draw_witness_required"
        )
    draw.result = draw_compute(draw_candidates(draw), draw.seed, draw.count)
    draw.witnesses = names
    draw.revealed_at = timezone.now()
    draw.revealed_by = actor if getattr(actor, "pk", None) else None
    draw.save(update_fields=["result", "witnesses", "revealed_at", "revealed_by", "updated_at"])
    audit_record(
        actor=actor,
        action="draw_revealed",
        obj=draw,
        summary=draw.purpose,
        data={"result": draw.result, "witnesses": names},
    )
    return draw


def draw_record(draw: Draw) -> dict[str, Any]:
    """The published record: everything a stranger needs to re-run the draw."""
    return {
        "id": str(draw.public_id),
        "purpose": draw.purpose,
        "algorithm": draw.algorithm,
        "candidates": draw.candidates,
        "candidates_hash": draw.candidates_hash,
        "count": draw.count,
        "seed_commitment": draw.seed_commitment,
        "prepared_at": draw.created_at.isoformat(),
        "seed": draw.seed if draw.is_revealed else None,
        "revealed_at": draw.revealed_at.isoformat() if draw.revealed_at else None,
        "witnesses": draw.witnesses,
        "result": draw.result if draw.is_revealed else [],
    }
