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
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_holds
from kaigong.cases.constants import CaseStatus
from kaigong.cases.hashing import canonical_json, sm3_hex
from kaigong.cases.hooks import acting_for, event_recorded
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


def _with_acting_for(actor: Any, case: Case, data: dict[str, Any] | None):
    """
    A helper's event carries the mandate it acted under (``on_behalf``: "X 代 Y（委托书 M）"),
    hashed into the chain with the rest, so that the history shows who acted for whom.
    """
    if not getattr(actor, "pk", None) or not user_holds(actor, Role.HELPER):
        return data
    if user_holds(actor, Role.APPLICANT, enterprise_id=case.enterprise_id):
        return data
    context = acting_for(actor, case, None)
    if not context:
        return data
    return {**(data or {}), "on_behalf": context}


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
    plain = plain_json(_with_acting_for(actor, case, data))
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


# The columns the verifier reads of an event, as one tuple per row (perf: no model
# instances, and the actor's public id joined in the same query).
_EVENT_COLUMNS = (
    "case_id",
    "seq",
    "prev_hash",
    "hash",
    "kind",
    "actor__public_id",
    "occurred_at",
    "data",
)


def _event_rows(case_ids: Any = None, *, since: Any = None):
    rows = CaseEvent.objects.order_by("case_id", "seq")
    if case_ids is not None:
        rows = rows.filter(case_id__in=case_ids)
    if since is not None:
        rows = rows.filter(occurred_at__gte=since)
    return rows.values_list(*_EVENT_COLUMNS).iterator(chunk_size=5000)


def _chain_state(
    case: Case,
    rows: Any,
    *,
    start: tuple[int, str] = (0, GENESIS_HASH),
    check_status: bool = True,
) -> ChainState:
    """
    The breaks of one case's chain read from ``rows`` (``_EVENT_COLUMNS`` tuples in seq
    order), starting after ``start`` (count, head): the genesis for a full check, a signed
    checkpoint's entry for an incremental one. ``check_status``: the rows hold every
    transition (a full check), or the status is checked only when they hold one.
    """
    label, public_id = _label(case), str(case.public_id)
    breaks: list[ChainBreak] = []
    hashes: dict[int, str] = {}
    transitions: list[tuple[str, dict[str, Any]]] = []
    last_seq, last_hash = start
    expected_seq, expected_prev = last_seq + 1, last_hash
    for _case_id, seq, prev_hash, stored_hash, kind, actor_id, occurred_at, data in rows:
        if seq < expected_seq:
            continue  # before the starting point (an incremental read may include some)
        if seq > expected_seq:
            gap = f"{expected_seq}-{seq - 1}" if seq - 1 > expected_seq else ""
            breaks.append(ChainBreak(label, public_id, expected_seq, BreakKind.DELETED, gap))
        elif prev_hash != expected_prev:
            breaks.append(ChainBreak(label, public_id, seq, BreakKind.EDITED, "prev_hash"))
        digest = event_hash(
            case_public_id=public_id,
            seq=seq,
            kind=kind,
            actor_public_id=str(actor_id) if actor_id else "",
            occurred_at=occurred_at,
            data=data,
            prev_hash=prev_hash,
        )
        if digest != stored_hash:
            breaks.append(ChainBreak(label, public_id, seq, BreakKind.EDITED, "hash"))
        hashes[seq] = stored_hash
        if _is_transition(data):
            transitions.append((kind, data))
        expected_prev, expected_seq = stored_hash, seq + 1
        last_seq, last_hash = seq, stored_hash
    if case.event_count > last_seq:
        detail = f"{last_seq}/{case.event_count}"
        breaks.append(ChainBreak(label, public_id, last_seq + 1, BreakKind.TRUNCATED, detail))
    elif case.event_count != last_seq or case.chain_head != last_hash:
        detail = f"{case.event_count}/{last_seq}"
        breaks.append(ChainBreak(label, public_id, last_seq, BreakKind.HEAD_MISMATCH, detail))
    if check_status or transitions:
        status = expected_status(transitions)
        if case.status != status:
            detail = f"{case.status}≠{status}"
            breaks.append(ChainBreak(label, public_id, 0, BreakKind.STATUS_MISMATCH, detail))
    return ChainState(breaks=breaks, hashes=hashes)


def case_event_chain_state(case: Case) -> ChainState:
    """Every break in the case's chain and its row (head, count, status), in chain order."""
    return _chain_state(case, _event_rows([case.pk]))


_ROW_FIELDS = ("id", "public_id", "number", "status", "event_count", "chain_head")


def case_event_chain_verify(case: Case) -> ChainBreak | None:
    """The first break in the case's chain and row (as stored now, not as ``case`` was read),
    or None when everything verifies."""
    stored = Case.objects.only(*_ROW_FIELDS).get(pk=case.pk)
    breaks = case_event_chain_state(stored).breaks
    return breaks[0] if breaks else None


# An event written by a transaction that began before a checkpoint may carry an earlier
# time than the checkpoint: the incremental read starts this long before it.
INCREMENTAL_MARGIN = timedelta(hours=1)


class _Grouped:
    """The event rows of a stream ordered by case id, handed out one case at a time."""

    def __init__(self, rows: Any) -> None:
        self._rows = iter(rows)
        self._next = next(self._rows, None)

    def take(self, case_id: int) -> list[tuple]:
        while self._next is not None and self._next[0] < case_id:
            self._next = next(self._rows, None)  # events of a case row that is gone
        taken = []
        while self._next is not None and self._next[0] == case_id:
            taken.append(self._next)
            self._next = next(self._rows, None)
        return taken


def case_event_chains_verify(
    *, all_checkpoints: bool = False, incremental: bool = False
) -> list[ChainBreak]:
    """
    Verify every case's chain and row, and the signed checkpoints of the chain heads;
    return every break found, in case order, the checkpoints' own breaks first.
    ``all_checkpoints`` also checks the entries of every checkpoint, not only the anchor's.

    perf (issue #16, part 4): in bulk, two streams (the cases, and every event in (case,
    seq) order, one query with the actors joined) merged in one pass instead of queries per
    case. ``incremental``: each case is checked from the latest valid checkpoint's entry
    on, reading only the events since that checkpoint (less ``INCREMENTAL_MARGIN``); a
    case whose row still equals its entry costs nothing more. Events before a checkpoint
    were verified when it was signed, and an edit of them is found by the full run
    (docs/lifecycle.md, "Tamper evidence": incremental daily, full weekly).
    """
    from kaigong.cases.services.checkpoints import checkpoint_anchors, checkpoints_verify

    breaks, latest = checkpoints_verify(all_entries=all_checkpoints)
    anchors = checkpoint_anchors(latest)
    incremental = incremental and latest is not None
    since = latest.taken_at - INCREMENTAL_MARGIN if incremental else None
    events = _Grouped(_event_rows(since=since))
    cases = Case.objects.order_by("id").only(*_ROW_FIELDS).iterator(chunk_size=5000)
    for case in cases:
        anchor = anchors.pop(str(case.public_id), None)
        rows = events.take(case.pk)
        if incremental and anchor is not None:
            if (case.event_count, case.chain_head) == anchor:
                continue  # nothing since the signed checkpoint
            if not rows or rows[0][1] > anchor[0] + 1:  # older than the margin: read it all
                rows = list(_event_rows([case.pk]))
            state = _chain_state(case, rows, start=anchor, check_status=False)
            breaks.extend(state.breaks)
            continue
        if incremental:  # a case the checkpoint does not hold: its whole history
            rows = list(_event_rows([case.pk]))
        state = _chain_state(case, rows)
        breaks.extend(state.breaks)
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
