from django.core.management import CommandError, call_command

import pytest

from kaigong.cases.models import CaseEvent
from kaigong.cases.services.events import GENESIS_HASH, case_event_chain_verify
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world

pytestmark = pytest.mark.django_db


def test_events_are_chained_from_genesis(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert case_event_chain_verify(case) is None


def test_command_passes_on_intact_chains(monday, capsys):
    world = lifecycle_world()
    CaseFactory(world=world, submitted=True)
    call_command("verify_event_chains")
    assert capsys.readouterr().out.strip() != ""


def test_tampering_with_one_event_is_named_by_the_command(monday):
    # given two cases with intact histories
    world = lifecycle_world()
    good = CaseFactory(world=world, submitted=True)
    bad = CaseFactory(world=world, accepted=True)
    # when one event's data is changed behind the services' back
    target = CaseEvent.objects.filter(case=bad).order_by("seq")[2]
    CaseEvent.objects.filter(pk=target.pk).update(data={**target.data, "sha256": "0" * 64})
    # then the chain breaks exactly there and the command names case and seq
    found = case_event_chain_verify(bad)
    assert (found.seq, found.reason, found.detail) == (target.seq, "edited", "hash")
    assert case_event_chain_verify(good) is None
    with pytest.raises(CommandError):
        call_command("verify_event_chains")


def test_a_removed_event_breaks_the_sequence(monday, capsys):
    world = lifecycle_world()
    case = CaseFactory(world=world, submitted=True)
    CaseEvent.objects.filter(case=case, seq=2).delete()
    found = case_event_chain_verify(case)
    assert (found.seq, found.reason) == (2, "deleted")
    with pytest.raises(CommandError):
        call_command("verify_event_chains")
    assert f"{case.number}" in capsys.readouterr().err
