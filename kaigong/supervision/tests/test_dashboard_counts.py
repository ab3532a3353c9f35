"""
The dashboard's live counts: red, yellow and green from one scan of the open items, and the
paused ones (特别程序中) from the same scan, for every scope — checked against the colour the
worklist shows on each item (``annotate_warning``, per row), not against the counting query.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
import time_machine

from kaigong.cases.constants import ItemStatus
from kaigong.cases.models import CaseItem
from kaigong.cases.tests.factories import CaseFactory
from kaigong.cases.warning_colours import annotate_warning
from kaigong.supervision.selectors import colour_counts, queue_counts

from .conftest import at
from .factories import SEEN_ON, supervision_world

pytestmark = pytest.mark.django_db


def test_the_colours_and_the_paused_count_match_the_items_colours_in_one_query():
    sw = supervision_world()
    with time_machine.travel(at(2026, 3, 9), tick=False):
        more = [CaseFactory(world=sw.world, accepted=True) for _ in range(2)]
    # spread the stored dates so that every colour occurs, and pause one item
    items = list(CaseItem.objects.filter(case__in=[sw.red_case, *more]).order_by("id"))
    for n, item in enumerate(items):
        due = SEEN_ON + timedelta(days=(n % 5) * 3 - 4)
        CaseItem.objects.filter(pk=item.pk).update(
            promised_due_on=due, yellow_from_on=due - timedelta(days=3)
        )
    CaseItem.objects.filter(pk=items[1].pk).update(status=ItemStatus.PAUSED)

    for scope in (None, {sw.world.departments[0].pk}):
        rows = annotate_warning(CaseItem.objects.all(), on=SEEN_ON)
        if scope is not None:
            rows = rows.filter(department_id__in=scope)
        by_row = Counter(r.warning for r in rows)
        paused = sum(1 for r in rows if r.status == ItemStatus.PAUSED)

        with CaptureQueriesContext(connection) as captured:
            counts = colour_counts(scope, on=SEEN_ON)
        assert len(captured) == 1
        assert {c: counts[c] for c in ("red", "yellow", "green")} == {
            c: by_row[c] for c in ("red", "yellow", "green")
        }
        assert counts["special"] == paused >= (1 if scope is None else 0)
        if scope is None:  # the world has every colour
            assert all(by_row[c] for c in ("red", "yellow", "green"))
        queues = queue_counts(scope, on=SEEN_ON, colours=counts)
        assert (queues["warning"], queues["overdue"], queues["special"]) == (
            by_row["yellow"],
            by_row["red"],
            paused,
        )
