"""Revision numbers under concurrency: two keepers at once both get a number, in turn."""

from __future__ import annotations

import threading
from datetime import date
from unittest import mock

from django.db import connection
from django.db.models import QuerySet

import pytest

from kaigong.catalog.constants import RevisionKind
from kaigong.catalog.models import CatalogRevision
from kaigong.catalog.services import revision_create


def _create(title: str) -> CatalogRevision:
    return revision_create(
        title=title, kind=RevisionKind.CATALOGUE_ADJUSTMENT, effective_on=date(2026, 3, 1)
    )


@pytest.mark.django_db
def test_a_number_taken_meanwhile_is_retried_with_the_next_one():
    first = _create("第一次修订")
    real = QuerySet.aggregate
    stale = iter([{"n": 0}])  # the first read misses the revision just committed

    def aggregate(self, *args, **kwargs):
        if self.model is CatalogRevision:
            return next(stale, None) or real(self, *args, **kwargs)
        return real(self, *args, **kwargs)

    with mock.patch.object(QuerySet, "aggregate", aggregate):
        second = _create("第二次修订")
    assert (first.number, second.number) == (1, 2)
    assert CatalogRevision.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_keepers_creating_revisions_at_the_same_instant_all_get_distinct_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers")
    barrier = threading.Barrier(4)
    errors: list[Exception] = []

    def keeper(n: int) -> None:
        try:
            barrier.wait()
            _create(f"修订{n}")
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=keeper, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(CatalogRevision.objects.values_list("number", flat=True)) == [1, 2, 3, 4]
