"""
Anchored tamper evidence: the case row's head and count, the status its history implies,
and the SM2-signed checkpoints of every head (docs/lifecycle.md, "Tamper evidence").
Each test tampers behind the services' back, as a database administrator would.
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.core.management import CommandError, call_command

import pytest

from kaigong.cases.constants import CaseStatus, EventKind
from kaigong.cases.models import Case, CaseEvent, ChainCheckpoint
from kaigong.cases.models.case import GENESIS_HASH
from kaigong.cases.services.checkpoints import chain_checkpoint_take
from kaigong.cases.services.events import (
    BreakKind,
    case_event_chains_verify,
    case_event_record,
    event_hash,
)
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monday):
    return lifecycle_world()


def _kinds(breaks):
    return [(b.case_number, b.seq, b.reason) for b in breaks]


def _events(case):
    return list(CaseEvent.objects.filter(case=case).select_related("actor").order_by("seq"))


def _rehash_from(case, seq: int) -> None:
    """What a forger with write access does: recompute every hash from ``seq`` on and set
    the case row's head and count to match."""
    events = _events(case)
    prev = events[seq - 2].hash if seq > 1 else GENESIS_HASH
    for event in events[seq - 1 :]:
        digest = event_hash(
            case_public_id=str(case.public_id),
            seq=event.seq,
            kind=event.kind,
            actor_public_id=str(event.actor.public_id) if event.actor_id else "",
            occurred_at=event.occurred_at,
            data=event.data,
            prev_hash=prev,
        )
        CaseEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=digest)
        prev = digest
    Case.objects.filter(pk=case.pk).update(event_count=len(events), chain_head=prev)


def test_the_case_row_carries_its_head_and_count(world):
    # given a case taken through submission and acceptance by the services
    case = CaseFactory(world=world, accepted=True)
    # then its row holds the number of its events and the hash of the last one
    events = _events(case)
    row = Case.objects.get(pk=case.pk)
    assert row.event_count == len(events) > 2
    assert row.chain_head == events[-1].hash
    assert case_event_chains_verify() == []


def test_a_stale_case_object_still_extends_the_current_head(world):
    # given a case object read before another event was appended
    case = CaseFactory(world=world, submitted=True)
    stale = Case.objects.get(pk=case.pk)
    case_event_record(case=case, kind=EventKind.FORM_DATA_SET, data={"n": 1})
    # when the stale object is used as if it were the locked row
    case_event_record(case=stale, kind=EventKind.FORM_DATA_SET, data={"n": 2}, case_locked=True)
    # then the chain is still gap-free and the row's head is its last event
    events = _events(case)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert Case.objects.get(pk=case.pk).chain_head == events[-1].hash
    assert case_event_chains_verify() == []


def test_deleting_the_last_event_is_named_truncated(world, capsys):
    # given an accepted case
    case = CaseFactory(world=world, accepted=True)
    last = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    # when its last event is deleted
    CaseEvent.objects.filter(pk=last.pk).delete()
    # then the verifier names the truncation at that position, and the command exits non-zero
    assert (case.number, last.seq, BreakKind.TRUNCATED) in _kinds(case_event_chains_verify())
    with pytest.raises(CommandError):
        call_command("verify_event_chains")
    err = capsys.readouterr().err
    assert case.number in err and "truncated" in err


def test_deleting_a_middle_event_is_named_deleted(world):
    case = CaseFactory(world=world, accepted=True)
    CaseEvent.objects.filter(case=case, seq=2).delete()
    assert _kinds(case_event_chains_verify()) == [(case.number, 2, BreakKind.DELETED)]


def test_editing_an_event_is_named_edited(world):
    case = CaseFactory(world=world, accepted=True)
    target = CaseEvent.objects.get(case=case, seq=2)
    CaseEvent.objects.filter(pk=target.pk).update(data={**target.data, "x": 1})
    assert _kinds(case_event_chains_verify()) == [(case.number, 2, BreakKind.EDITED)]


def test_a_case_row_s_head_edited_in_the_database_is_named(world):
    # given an accepted case with three or more events
    case = CaseFactory(world=world, accepted=True)
    count = CaseEvent.objects.filter(case=case).count()
    # when its chain head is overwritten in the database (the history left as it is)
    Case.objects.filter(pk=case.pk).update(chain_head="0" * 64)
    # then the verifier names the row's head as not the last event's, at the last position
    assert _kinds(case_event_chains_verify()) == [(case.number, count, BreakKind.HEAD_MISMATCH)]


def test_an_event_appended_behind_the_services_back_is_named(world):
    # given an accepted case, and a forged event correctly hashed onto its last one
    case = CaseFactory(world=world, accepted=True)
    last = _events(case)[-1]
    forged = CaseEvent.objects.create(
        case=case,
        seq=last.seq + 1,
        kind=last.kind,
        actor=last.actor,
        occurred_at=last.occurred_at,
        data={"note": "伪造"},
        prev_hash=last.hash,
        hash="",
    )
    digest = event_hash(
        case_public_id=str(case.public_id),
        seq=forged.seq,
        kind=forged.kind,
        actor_public_id=str(last.actor.public_id) if last.actor_id else "",
        occurred_at=forged.occurred_at,
        data=forged.data,
        prev_hash=last.hash,
    )
    CaseEvent.objects.filter(pk=forged.pk).update(hash=digest)
    # then the chain itself holds, but the case row still counts one event fewer: named
    assert _kinds(case_event_chains_verify()) == [
        (case.number, forged.seq, BreakKind.HEAD_MISMATCH)
    ]


def test_a_status_changed_in_the_database_is_named(world):
    # given an accepted case whose last case transition went to "accepted"
    case = CaseFactory(world=world, accepted=True)
    # when its status is set to "issued" in the database
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ISSUED)
    # then the verifier names the disagreement with the history
    found = case_event_chains_verify()
    assert _kinds(found) == [(case.number, 0, BreakKind.STATUS_MISMATCH)]
    assert CaseStatus.ACCEPTED in found[0].detail


def test_every_break_is_reported_not_only_the_first(world, capsys):
    # given three cases, two tampered in different ways
    good = CaseFactory(world=world, submitted=True)
    edited = CaseFactory(world=world, accepted=True)
    truncated = CaseFactory(world=world, accepted=True)
    for seq in (2, 3):
        event = CaseEvent.objects.get(case=edited, seq=seq)
        CaseEvent.objects.filter(pk=event.pk).update(data={**event.data, "x": seq})
    CaseEvent.objects.filter(case=truncated).order_by("-seq").first().delete()
    # when the command runs
    with pytest.raises(CommandError):
        call_command("verify_event_chains")
    # then it names every break: both edited events and the truncation; not the good case
    kinds = _kinds(case_event_chains_verify())
    assert (edited.number, 2, BreakKind.EDITED) in kinds
    assert (edited.number, 3, BreakKind.EDITED) in kinds
    assert any(k[0] == truncated.number and k[2] == BreakKind.TRUNCATED for k in kinds)
    assert not any(k[0] == good.number for k in kinds)
    err = capsys.readouterr().err
    assert err.count(edited.number) == 2 and truncated.number in err


def test_a_recomputed_forgery_passes_the_chain_but_not_the_checkpoint(world, capsys):
    # given an accepted case and a signed checkpoint of every head
    case = CaseFactory(world=world, accepted=True)
    result = chain_checkpoint_take()
    assert result.refused == [] and result.checkpoint.case_count == 1
    assert case_event_chains_verify() == []
    # when an event before the checkpoint is forged and the chain and head recomputed
    target = CaseEvent.objects.get(case=case, seq=2)
    CaseEvent.objects.filter(pk=target.pk).update(data={**target.data, "forged": True})
    _rehash_from(case, 2)
    # then only the signed checkpoint gives it away, and the command says so
    count = result.checkpoint.entries[0][1]
    found = case_event_chains_verify()
    assert _kinds(found) == [(case.number, count, BreakKind.CHECKPOINT_MISMATCH)]
    with pytest.raises(CommandError):
        call_command("verify_event_chains")
    assert "checkpoint_mismatch" in capsys.readouterr().err


def test_a_forged_truncation_with_a_rewritten_row_fails_the_checkpoint(world):
    # given a checkpoint; when the last event is deleted and the row's head moved back
    case = CaseFactory(world=world, accepted=True)
    chain_checkpoint_take()
    CaseEvent.objects.filter(case=case).order_by("-seq").first().delete()
    _rehash_from(case, 1)
    # then the chain no longer reaches the checkpointed count (and the status, last set by
    # the deleted acceptance, disagrees with what is left)
    assert [b.reason for b in case_event_chains_verify()] == [
        BreakKind.STATUS_MISMATCH,
        BreakKind.CHECKPOINT_MISMATCH,
    ]


def test_events_after_a_checkpoint_extend_it(world):
    # given a checkpoint, then more events through the services and a second checkpoint
    case = CaseFactory(world=world, submitted=True)
    chain_checkpoint_take()
    case_event_record(case=case, kind=EventKind.FORM_DATA_SET, data={"n": 1})
    second = chain_checkpoint_take()
    # then both checkpoints verify, chained, and the second signs the new head
    assert second.refused == [] and second.checkpoint.seq == 2
    assert second.checkpoint.entries[0][2] == Case.objects.get(pk=case.pk).chain_head
    assert case_event_chains_verify() == []


def test_a_checkpoint_refuses_to_sign_a_tampered_head(world):
    # given a checkpoint; when an event is forged and recomputed before the next one
    case = CaseFactory(world=world, accepted=True)
    first = chain_checkpoint_take().checkpoint
    target = CaseEvent.objects.get(case=case, seq=1)
    CaseEvent.objects.filter(pk=target.pk).update(data={"forged": True})
    _rehash_from(case, 1)
    case_event_record(case=case, kind=EventKind.FORM_DATA_SET, data={"n": 1})
    # then the next checkpoint keeps the old signed entry and names the case
    second = chain_checkpoint_take()
    assert [b.case_number for b in second.refused] == [case.number]
    assert second.checkpoint.entries == first.entries


@pytest.mark.parametrize("field", ["entries", "signature", "case_count"])
def test_an_altered_checkpoint_is_named_signature_invalid(world, field):
    case = CaseFactory(world=world, submitted=True)
    checkpoint = chain_checkpoint_take().checkpoint
    change = {
        "entries": [[str(case.public_id), 1, "f" * 64]],
        "signature": checkpoint.signature[:-4] + "0000",
        "case_count": 7,
    }[field]
    ChainCheckpoint.objects.filter(pk=checkpoint.pk).update(**{field: change})
    assert [b.reason for b in case_event_chains_verify()] == [BreakKind.BAD_SIGNATURE]


def test_a_checkpoint_signed_by_another_key_is_refused(world, settings, tmp_path):
    # given a checkpoint signed with a key the verifier does not trust
    CaseFactory(world=world, submitted=True)
    settings.KAIGONG_KEY_DIR = tmp_path / "forger-keys"
    chain_checkpoint_take()
    # when the verifier trusts the platform's own key
    settings.KAIGONG_KEY_DIR = tmp_path / "platform-keys"
    call_command("integrity_key_create")
    # then the forger's checkpoint is named
    assert [b.reason for b in case_event_chains_verify()] == [BreakKind.BAD_SIGNATURE]


def test_a_deleted_middle_checkpoint_breaks_the_checkpoint_chain(world):
    CaseFactory(world=world, submitted=True)
    for _ in range(3):
        chain_checkpoint_take()
    ChainCheckpoint.objects.filter(seq=2).delete()
    found = case_event_chains_verify()
    assert [(b.case_number, b.reason) for b in found] == [
        ("checkpoint #3", BreakKind.CHECKPOINT_MISMATCH)
    ]


def test_the_backfill_gives_existing_cases_their_head_and_count(world):
    # given cases whose rows lost (or never had) their head and count
    case = CaseFactory(world=world, accepted=True)
    events = _events(case)
    Case.objects.filter(pk=case.pk).update(event_count=0, chain_head=GENESIS_HASH)
    # when the data migration runs
    migration = importlib.import_module("kaigong.cases.migrations.0007_case_chain_head_backfill")
    migration.backfill(apps, None)
    # then the row holds them again
    row = Case.objects.get(pk=case.pk)
    assert (row.event_count, row.chain_head) == (len(events), events[-1].hash)


def test_a_spoiled_newest_checkpoint_does_not_disable_the_older_anchor(world):
    # given two checkpoints; when the newest one's signature is spoiled and an event
    # before the first is forged and recomputed
    case = CaseFactory(world=world, accepted=True)
    chain_checkpoint_take()
    newest = chain_checkpoint_take().checkpoint
    ChainCheckpoint.objects.filter(pk=newest.pk).update(signature="00")
    target = CaseEvent.objects.get(case=case, seq=1)
    CaseEvent.objects.filter(pk=target.pk).update(data={"forged": True})
    _rehash_from(case, 1)
    # then both the spoiled checkpoint and the forgery (against the first) are named
    assert [b.reason for b in case_event_chains_verify()] == [
        BreakKind.BAD_SIGNATURE,
        BreakKind.CHECKPOINT_MISMATCH,
    ]


def test_all_checkpoints_checks_the_entries_of_older_ones(world):
    case = CaseFactory(world=world, submitted=True)
    oldest = chain_checkpoint_take().checkpoint
    chain_checkpoint_take()
    ChainCheckpoint.objects.filter(pk=oldest.pk).update(
        entries=[[str(case.public_id), 1, "f" * 64]]
    )
    # the anchor (the newest) is intact; only the full check reads the older entries
    assert case_event_chains_verify() == []
    found = case_event_chains_verify(all_checkpoints=True)
    assert [(b.case_number, b.reason) for b in found] == [
        ("checkpoint #1", BreakKind.BAD_SIGNATURE)
    ]
    with pytest.raises(CommandError):
        call_command("verify_event_chains", "--all-checkpoints")


def test_the_incremental_check_reads_only_what_came_after_the_checkpoint(world, monday):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given three cases under a signed checkpoint, an hour and more ago
    cases = [CaseFactory(world=world, submitted=True) for _ in range(3)]
    chain_checkpoint_take()
    monday.shift(3 * 3600)
    assert case_event_chains_verify(incremental=True) == []

    # when one case gets a new event and another's new event is then edited
    case_event_record(case=cases[0], kind=EventKind.FORM_DATA_SET, data={"n": 1})
    edited = case_event_record(case=cases[1], kind=EventKind.FORM_DATA_SET, data={"n": 2})
    CaseEvent.objects.filter(pk=edited.pk).update(data={"n": 3})

    # then the incremental check names the edit at its position, as the full one does
    wanted = [(cases[1].number or str(cases[1].public_id), edited.seq, BreakKind.EDITED)]
    assert _kinds(case_event_chains_verify(incremental=True)) == wanted
    assert _kinds(case_event_chains_verify()) == wanted

    # and it does not read the events the checkpoint covers: the same number of queries
    # with three more unchanged cases
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            case_event_chains_verify(incremental=True)
        return len(captured)

    before = queries()
    more = [CaseFactory(world=world, submitted=True) for _ in range(3)]
    chain_checkpoint_take()
    monday.shift(3 * 3600)
    assert queries() == before
    assert more  # (they are under the new checkpoint)


def test_the_incremental_check_names_a_forged_head_and_the_full_one_a_truncation(world, monday):
    # given two cases under a checkpoint; then one's signed last event is deleted and the
    # other's row is given a forged head
    case = CaseFactory(world=world, submitted=True)
    other = CaseFactory(world=world, submitted=True)
    chain_checkpoint_take()
    monday.shift(3 * 3600)
    last = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    CaseEvent.objects.filter(pk=last.pk).delete()
    Case.objects.filter(pk=other.pk).update(chain_head="0" * 64)

    quick = {(b.case_public_id, b.reason) for b in case_event_chains_verify(incremental=True)}
    full = {(b.case_public_id, b.reason) for b in case_event_chains_verify()}

    # then the incremental check sees the row that no longer matches its signed entry, and
    # the full check (weekly) also the history cut under the checkpoint
    assert (str(other.public_id), BreakKind.HEAD_MISMATCH) in quick
    assert (str(other.public_id), BreakKind.HEAD_MISMATCH) in full
    assert (str(case.public_id), BreakKind.TRUNCATED) in full


def test_the_bulk_check_reads_the_same_few_queries_for_more_cases(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    CaseFactory(world=world, submitted=True)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert case_event_chains_verify() == []
        return len(captured)

    one = queries()
    for _ in range(4):
        CaseFactory(world=world, accepted=True)
    assert queries() == one
