"""
Signed checkpoints of the case histories' heads (anchored tamper evidence).

A chain of SM3 hashes shows that a history was not changed *unless it was recomputed*:
whoever can write the database can rewrite an event, rehash every later one and set the
case row's head. A checkpoint closes that gap: it lists ``[case public id, event count,
head]`` for every case and is signed (SM2) by the platform integrity key, whose private
half is a file outside the database (certificates/signing.py). A forgery of any event at
or before a checkpointed count changes the hash at that count, which no longer equals the
signed head; the forger would need the key to sign a new checkpoint.

``chain_checkpoint_take`` (a periodic job, ``kaigong.cases.chain_checkpoint``) signs the
next checkpoint. Before a case's head enters it, the events appended since the previous
checkpoint are verified to extend the previously signed head and to reach the row's head
and count; a case that fails keeps its previous entry and is returned as a break, so a
checkpoint never signs a tampered state it could have noticed.

Checkpoints are chained too (``prev_digest``): removing or altering one breaks the next.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaigong.cases.hashing import canonical_json, sm3_hex
from kaigong.cases.models import Case, CaseEvent, ChainCheckpoint
from kaigong.cases.models.case import GENESIS_HASH
from kaigong.cases.services.events import BreakKind, ChainBreak, event_hash
from kaigong.certificates.keystore import KeyFileMissing
from kaigong.certificates.signing import platform_public_key, platform_sign, platform_verify

logger = logging.getLogger(__name__)


def checkpoint_payload(
    *, seq: int, taken_at: datetime, case_count: int, entries_sm3: str, prev_digest: str
) -> bytes:
    """The bytes a checkpoint's signature covers (its digest is SM3 of them)."""
    stamp = taken_at.astimezone(UTC).isoformat(timespec="microseconds")
    return canonical_json(
        {
            "seq": seq,
            "taken_at": stamp,
            "case_count": case_count,
            "entries_sm3": entries_sm3,
            "prev_digest": prev_digest,
        }
    )


def entries_digest(entries: list[Any]) -> str:
    return sm3_hex(canonical_json(entries))


def _extends(case: Case, count: int, head: str) -> bool:
    """Do the events after ``count`` chain on from ``head`` to the row's head and count?"""
    events = (
        CaseEvent.objects.filter(case_id=case.pk, seq__gt=count)
        .select_related("actor")
        .order_by("seq")
    )
    expected_seq, expected_prev = count + 1, head
    for event in events.iterator():
        digest = event_hash(
            case_public_id=str(case.public_id),
            seq=event.seq,
            kind=event.kind,
            actor_public_id=str(event.actor.public_id) if event.actor_id else "",
            occurred_at=event.occurred_at,
            data=event.data,
            prev_hash=event.prev_hash,
        )
        if (event.seq, event.prev_hash, event.hash) != (expected_seq, expected_prev, digest):
            return False
        expected_seq, expected_prev = event.seq + 1, event.hash
    return (expected_seq - 1, expected_prev) == (case.event_count, case.chain_head)


def checkpoint_sign_and_store(
    entries: list[list[Any]], *, previous: ChainCheckpoint | None
) -> ChainCheckpoint:
    """
    The checkpoint after ``previous`` over ``entries`` (sorted ``[public_id, count, head]``
    rows): its payload digested with SM3, signed with the platform key, and stored.
    """
    seq = previous.seq + 1 if previous is not None else 1
    taken_at = timezone.now()
    prev_digest = previous.digest if previous is not None else GENESIS_HASH
    entries_sm3 = entries_digest(entries)
    payload = checkpoint_payload(
        seq=seq,
        taken_at=taken_at,
        case_count=len(entries),
        entries_sm3=entries_sm3,
        prev_digest=prev_digest,
    )
    signed = platform_sign(payload)
    return ChainCheckpoint.objects.create(
        seq=seq,
        taken_at=taken_at,
        case_count=len(entries),
        entries=entries,
        entries_sm3=entries_sm3,
        prev_digest=prev_digest,
        digest=sm3_hex(payload),
        key_id=signed.key_id,
        public_key_hex=signed.public_key_hex,
        signature=signed.signature_hex,
    )


@dataclass(frozen=True)
class CheckpointResult:
    checkpoint: ChainCheckpoint
    refused: list[ChainBreak]  # cases whose new events did not verify (previous entry kept)


@transaction.atomic
def chain_checkpoint_take() -> CheckpointResult:
    """Sign the next checkpoint of every case's chain head (see the module doc)."""
    previous = ChainCheckpoint.objects.select_for_update().order_by("-seq").first()
    before: dict[str, tuple[int, str]] = {}
    if previous is not None:
        before = {row[0]: (row[1], row[2]) for row in previous.entries}
    entries, refused = [], []
    fields = ("id", "public_id", "number", "event_count", "chain_head")
    for case in Case.objects.only(*fields).iterator():
        public_id = str(case.public_id)
        count, head = before.get(public_id, (0, GENESIS_HASH))
        if (case.event_count, case.chain_head) != (count, head) and not _extends(case, count, head):
            refused.append(
                ChainBreak(
                    case.number or public_id,
                    public_id,
                    count,
                    BreakKind.CHECKPOINT_MISMATCH,
                    "not extending the last checkpoint",
                )
            )
            if public_id in before:
                entries.append([public_id, count, head])
            continue
        entries.append([public_id, case.event_count, case.chain_head])
    entries.sort()
    checkpoint = checkpoint_sign_and_store(entries, previous=previous)
    for found in refused:
        logger.error("chain_checkpoint_refused case=%s seq=%s", found.case_number, found.seq)
    return CheckpointResult(checkpoint=checkpoint, refused=refused)


def _checkpoint_break(seq: int, kind: str, detail: str) -> ChainBreak:
    return ChainBreak(f"checkpoint #{seq}", "", 0, kind, detail)


def _entries_break(checkpoint: ChainCheckpoint) -> ChainBreak | None:
    entries = checkpoint.entries
    if entries_digest(entries) != checkpoint.entries_sm3 or len(entries) != checkpoint.case_count:
        detail = "entries differ from the signed digest"
        return _checkpoint_break(checkpoint.seq, BreakKind.BAD_SIGNATURE, detail)
    return None


def checkpoints_verify(
    *, all_entries: bool = False
) -> tuple[list[ChainBreak], ChainCheckpoint | None]:
    """
    Check every checkpoint's signature (against the trusted platform public key, not the
    one its row names) and that each follows the previous one; check the entries of the
    latest valid one against its signed digest (of every one with ``all_entries``). Return
    the breaks and the latest checkpoint that verifies whole, which anchors the chains (an
    invalid newer one does not disable the older anchors).
    """
    breaks: list[ChainBreak] = []
    headers = ChainCheckpoint.objects.order_by("seq").defer("entries")
    if not headers.exists():
        return breaks, None
    try:
        trusted = platform_public_key()
    except (KeyFileMissing, ValueError) as error:  # reported, not raised
        breaks.append(_checkpoint_break(0, BreakKind.BAD_SIGNATURE, f"no public key: {error}"))
        return breaks, None
    expected_seq, expected_prev = 1, GENESIS_HASH
    valid: list[int] = []  # pks of the checkpoints whose header verifies, in order
    for checkpoint in headers.iterator():
        ok = True
        if checkpoint.seq != expected_seq or checkpoint.prev_digest != expected_prev:
            detail = f"expected #{expected_seq} after {expected_prev[:12]}"
            breaks.append(_checkpoint_break(checkpoint.seq, BreakKind.CHECKPOINT_MISMATCH, detail))
        payload = checkpoint_payload(
            seq=checkpoint.seq,
            taken_at=checkpoint.taken_at,
            case_count=checkpoint.case_count,
            entries_sm3=checkpoint.entries_sm3,
            prev_digest=checkpoint.prev_digest,
        )
        if sm3_hex(payload) != checkpoint.digest or not platform_verify(
            payload, checkpoint.signature, trusted
        ):
            breaks.append(
                _checkpoint_break(checkpoint.seq, BreakKind.BAD_SIGNATURE, "signature invalid")
            )
            ok = False
        expected_seq, expected_prev = checkpoint.seq + 1, checkpoint.digest
        if ok:
            valid.append(checkpoint.pk)
    anchor = None
    checked = valid if all_entries else []
    for pk in checked:
        found = _entries_break(ChainCheckpoint.objects.get(pk=pk))
        if found is not None:
            breaks.append(found)
            valid.remove(pk)
    for pk in reversed(valid):
        candidate = ChainCheckpoint.objects.get(pk=pk)
        found = None if all_entries else _entries_break(candidate)
        if found is None:
            anchor = candidate
            break
        breaks.append(found)
    return breaks, anchor


def checkpoint_anchors(checkpoint: ChainCheckpoint | None) -> dict[str, tuple[int, str]]:
    """{case public id: (count, head)} of a verified checkpoint (empty without one)."""
    if checkpoint is None:
        return {}
    return {row[0]: (int(row[1]), str(row[2])) for row in checkpoint.entries}
