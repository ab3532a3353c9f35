"""Counters taken in one statement (kaigong/core/counters.py), on the case number counter."""

from django.db import transaction

import pytest

from kaigong.cases.models import CaseNumberCounter
from kaigong.core.counters import counters_add

pytestmark = pytest.mark.django_db


def take(increments):
    return counters_add(
        CaseNumberCounter, keys=("prefix", "year"), column="last", increments=increments
    )


def test_a_missing_counter_is_created_with_the_increment_and_an_existing_one_moved_on():
    CaseNumberCounter.objects.create(prefix="KG", year=2026, last=41)

    taken = take({("KG", 2026): 1, ("KG", 2027): 3})

    assert taken == {("KG", 2026): 42, ("KG", 2027): 3}
    stored = dict(((c.prefix, c.year), c.last) for c in CaseNumberCounter.objects.all())
    assert stored == {("KG", 2026): 42, ("KG", 2027): 3}
    assert take({("KG", 2027): 2}) == {("KG", 2027): 5}


def test_a_rollback_gives_the_numbers_back():
    take({("KG", 2026): 1})

    with pytest.raises(RuntimeError), transaction.atomic():
        assert take({("KG", 2026): 1}) == {("KG", 2026): 2}
        raise RuntimeError("the caller's transaction failed")

    assert take({("KG", 2026): 1}) == {("KG", 2026): 2}


def test_nothing_to_take_writes_nothing():
    assert take({}) == {}
    assert not CaseNumberCounter.objects.exists()
