"""
The case history: one append-only chain of ``CaseEvent`` rows per case.

Each event's hash is SM3 over the canonical JSON of
``[case public id, seq, kind, actor public id or "", occurred_at (UTC ISO), data, prev_hash]``;
the first event's ``prev_hash`` is 64 zeros. Changing, removing or reordering any event
breaks the chain from that event on, and ``case_event_chain_verify`` names it.

``case_event_record`` is the only writer. Callers hold the case's row lock (every
transition does), so sequence numbers are gap-free; the unique (case, seq) constraint is
the backstop.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaigong.cases.hashing import canonical_json, sm3_hex
from kaigong.cases.models import Case, CaseEvent, CaseItem

GENESIS_HASH = "0" * 64


def event_hash(
    *,
    case_public_id: str,
    seq: int,
    kind: str,
    actor_public_id: str,
    occurred_at: datetime,
    data: Any,
    prev_hash: str,
) -> str:
    stamp = occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    payload = [str(case_public_id), seq, kind, actor_public_id, stamp, data, prev_hash]
    return sm3_hex(canonical_json(payload))


def plain_json(data: dict[str, Any] | None) -> dict[str, Any]:
    """The JSON value as the database will give it back (dates, decimals, UUIDs → strings)."""
    return json.loads(canonical_json(data or {}))


# perf: part of the caller's transaction, no savepoint of its own (errors abort it all)
@transaction.atomic(savepoint=False)
def case_event_record(
    *,
    case: Case,
    kind: str,
    actor: Any = None,
    data: dict[str, Any] | None = None,
    item: CaseItem | None = None,
    case_locked: bool = False,
) -> CaseEvent:
    """
    Append one event to the case's chain. Call inside the transaction of the change;
    ``case_locked`` says the caller already holds the case's row lock in it (the
    transitions do), else it is taken here.
    """
    if not case_locked:
        Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()
    last = (
        CaseEvent.objects.filter(case_id=case.pk)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    occurred_at = timezone.now()
    actor = actor if getattr(actor, "pk", None) else None
    plain = plain_json(data)
    digest = event_hash(
        case_public_id=str(case.public_id),
        seq=seq,
        kind=str(kind),
        actor_public_id=str(actor.public_id) if actor else "",
        occurred_at=occurred_at,
        data=plain,
        prev_hash=prev_hash,
    )
    return CaseEvent.objects.create(
        case_id=case.pk,
        seq=seq,
        kind=str(kind),
        item=item,
        actor=actor,
        occurred_at=occurred_at,
        data=plain,
        prev_hash=prev_hash,
        hash=digest,
    )


@dataclass(frozen=True)
class ChainBreak:
    case_number: str
    case_public_id: str
    seq: int
    reason: str  # "hash" | "prev_hash" | "sequence"


def case_event_chain_verify(case: Case) -> ChainBreak | None:
    """The first break in the case's chain, or None when every event verifies."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    events = CaseEvent.objects.filter(case_id=case.pk).select_related("actor").order_by("seq")
    for event in events.iterator():
        label = case.number or str(case.public_id)
        if event.seq != expected_seq:
            return ChainBreak(label, str(case.public_id), expected_seq, "sequence")
        if event.prev_hash != expected_prev:
            return ChainBreak(label, str(case.public_id), event.seq, "prev_hash")
        digest = event_hash(
            case_public_id=str(case.public_id),
            seq=event.seq,
            kind=event.kind,
            actor_public_id=str(event.actor.public_id) if event.actor_id else "",
            occurred_at=event.occurred_at,
            data=event.data,
            prev_hash=event.prev_hash,
        )
        if digest != event.hash:
            return ChainBreak(label, str(case.public_id), event.seq, "hash")
        expected_prev = event.hash
        expected_seq += 1
    return None


def case_event_chains_verify() -> list[ChainBreak]:
    """Verify every case's chain; return every break found (one per broken case)."""
    breaks = []
    for case in Case.objects.order_by("id").only("id", "public_id", "number").iterator():
        found = case_event_chain_verify(case)
        if found is not None:
            breaks.append(found)
    return breaks
