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

from kaigong.cases.constants import CaseStatus
from kaigong.cases.hashing import canonical_json, sm3_hex
from kaigong.cases.hooks import event_recorded
from kaigong.cases.models import Case, CaseEvent, CaseItem
from kaigong.cases.models.case import GENESIS_HASH


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


def event_build(
    *,
    case: Case,
    seq: int,
    prev_hash: str,
    kind: str,
    actor: Any = None,
    data: dict[str, Any] | None = None,
    item: CaseItem | None = None,
) -> CaseEvent:
    """The next event of ``case`` at ``seq`` after ``prev_hash``, hashed, not saved yet."""
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
    return CaseEvent(
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


def chain_position(case_pk: int) -> tuple[int, str]:
    """(event count, head) of the case, read under its row lock."""
    return (
        Case.objects.select_for_update()
        .filter(pk=case_pk)
        .values_list("event_count", "chain_head")
        .get()
    )


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
    Append one event to the case's chain and move the case row's head and count with it.
    Call inside the transaction of the change. ``case_locked`` says the caller holds the
    case's row lock and ``case`` is the row it read under it (the transitions do): the head
    and count it carries are used, and the row's UPDATE ``WHERE event_count = <that count>``
    proves them current (a stale row costs one re-read). Otherwise the lock is taken here.
    """
    if case_locked:
        count, head = case.event_count, case.chain_head
    else:
        count, head = chain_position(case.pk)
    event = event_build(
        case=case, seq=count + 1, prev_hash=head, kind=kind, actor=actor, data=data, item=item
    )
    moved = Case.objects.filter(pk=case.pk, event_count=count).update(
        event_count=count + 1, chain_head=event.hash
    )
    if moved != 1:  # the row carried an older head: read the current one and redo
        count, head = chain_position(case.pk)
        event = event_build(
            case=case, seq=count + 1, prev_hash=head, kind=kind, actor=actor, data=data, item=item
        )
        Case.objects.filter(pk=case.pk).update(event_count=count + 1, chain_head=event.hash)
    event.save(force_insert=True)
    case.event_count, case.chain_head = event.seq, event.hash
    event_recorded(event.kind, case.pk, event.data)  # ADR 0002: apps above hear it on commit
    return event


class BreakKind:
    """What a break is, as ``verify_event_chains`` names it."""

    DELETED = "deleted"  # an event is missing inside the chain (a gap in the sequence)
    EDITED = "edited"  # an event's content or link no longer hashes to what follows it
    TRUNCATED = "truncated"  # the case row counts more events than its history holds
    HEAD_MISMATCH = "head_mismatch"  # the case row's head is not its last event's hash
    STATUS_MISMATCH = "status_mismatch"  # the row's status is not the history's last to-status
    CHECKPOINT_MISMATCH = "checkpoint_mismatch"  # the chain no longer reaches a signed head
    BAD_SIGNATURE = "bad_signature"  # a checkpoint's SM2 signature does not verify


@dataclass(frozen=True)
class ChainBreak:
    case_number: str
    case_public_id: str
    seq: int  # the position in the case's chain (0: the case row itself or the checkpoint)
    reason: str  # a BreakKind
    detail: str = ""


@dataclass(frozen=True)
class ChainState:
    """What the history of one case says, as read by the verifier."""

    breaks: list[ChainBreak]
    hashes: dict[int, str]  # seq → hash of every event present


def _label(case: Case) -> str:
    return case.number or str(case.public_id)


def _is_transition(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and bool(data.get("action"))
        and bool(data.get("to"))
        and "item" not in data  # an item's transition moves the item, not the case
    )


def expected_status(events: list[tuple[str, dict[str, Any]]]) -> str:
    """
    The status a history leads to: the last case transition's recorded to-status (an event
    of the transition path carries its action and its to-status, whatever its kind: an
    upload or a saved form is recorded as its own kind).
    """
    for _kind, data in reversed(events):
        if _is_transition(data):
            return str(data["to"])
    return CaseStatus.DRAFT


def case_event_chain_state(case: Case) -> ChainState:
    """Every break in the case's chain and its row (head, count, status), in chain order."""
    label, public_id = _label(case), str(case.public_id)
    breaks: list[ChainBreak] = []
    hashes: dict[int, str] = {}
    transitions: list[tuple[str, dict[str, Any]]] = []
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last_seq, last_hash = 0, GENESIS_HASH
    events = CaseEvent.objects.filter(case_id=case.pk).select_related("actor").order_by("seq")
    for event in events.iterator():
        if event.seq > expected_seq:
            gap = f"{expected_seq}-{event.seq - 1}" if event.seq - 1 > expected_seq else ""
            breaks.append(ChainBreak(label, public_id, expected_seq, BreakKind.DELETED, gap))
        elif event.prev_hash != expected_prev:
            breaks.append(ChainBreak(label, public_id, event.seq, BreakKind.EDITED, "prev_hash"))
        digest = event_hash(
            case_public_id=public_id,
            seq=event.seq,
            kind=event.kind,
            actor_public_id=str(event.actor.public_id) if event.actor_id else "",
            occurred_at=event.occurred_at,
            data=event.data,
            prev_hash=event.prev_hash,
        )
        if digest != event.hash:
            breaks.append(ChainBreak(label, public_id, event.seq, BreakKind.EDITED, "hash"))
        hashes[event.seq] = event.hash
        if _is_transition(event.data):
            transitions.append((event.kind, event.data))
        expected_prev, expected_seq = event.hash, event.seq + 1
        last_seq, last_hash = event.seq, event.hash
    if case.event_count > last_seq:
        detail = f"{last_seq}/{case.event_count}"
        breaks.append(ChainBreak(label, public_id, last_seq + 1, BreakKind.TRUNCATED, detail))
    elif case.event_count != last_seq or case.chain_head != last_hash:
        detail = f"{case.event_count}/{last_seq}"
        breaks.append(ChainBreak(label, public_id, last_seq, BreakKind.HEAD_MISMATCH, detail))
    status = expected_status(transitions)
    if case.status != status:
        detail = f"{case.status}≠{status}"
        breaks.append(ChainBreak(label, public_id, 0, BreakKind.STATUS_MISMATCH, detail))
    return ChainState(breaks=breaks, hashes=hashes)


_ROW_FIELDS = ("id", "public_id", "number", "status", "event_count", "chain_head")


def case_event_chain_verify(case: Case) -> ChainBreak | None:
    """The first break in the case's chain and row (as stored now, not as ``case`` was read),
    or None when everything verifies."""
    stored = Case.objects.only(*_ROW_FIELDS).get(pk=case.pk)
    breaks = case_event_chain_state(stored).breaks
    return breaks[0] if breaks else None


def case_event_chains_verify(*, all_checkpoints: bool = False) -> list[ChainBreak]:
    """
    Verify every case's chain and row, and the signed checkpoints of the chain heads;
    return every break found, in case order, the checkpoints' own breaks first.
    ``all_checkpoints`` also checks the entries of every checkpoint, not only the anchor's.
    """
    from kaigong.cases.services.checkpoints import checkpoint_anchors, checkpoints_verify

    breaks, latest = checkpoints_verify(all_entries=all_checkpoints)
    anchors = checkpoint_anchors(latest)
    for case in Case.objects.order_by("id").only(*_ROW_FIELDS).iterator():
        state = case_event_chain_state(case)
        breaks.extend(state.breaks)
        anchor = anchors.pop(str(case.public_id), None)
        if anchor is not None:
            count, head = anchor
            reached = GENESIS_HASH if count == 0 else state.hashes.get(count)
            if reached != head:
                detail = f"#{latest.seq}"
                breaks.append(
                    ChainBreak(
                        _label(case),
                        str(case.public_id),
                        count,
                        BreakKind.CHECKPOINT_MISMATCH,
                        detail,
                    )
                )
    for public_id, (count, _head) in sorted(anchors.items()):
        # a case the checkpoint signed is gone from the database
        breaks.append(
            ChainBreak(public_id, public_id, count, BreakKind.CHECKPOINT_MISMATCH, "case missing")
        )
    return breaks
