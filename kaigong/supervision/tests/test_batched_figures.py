"""
The job's figures read in batches of plain tuples (selectors.facts_batch, issue #11) are
the figures of one item's path (selectors.item_facts on the model instance), row for row,
on a world with a holiday (清明 2026: Sat 4 … Mon 6 April), a pause and a withdrawal; and
the supervision queues count up to a cap ("more than N").

Hand counts, seen Fri 10 April 2026, every case accepted Thu 2 April, M1's limit 5:
* open: (2, 10 Apr] = 3 7 8 9 10 = 5 (4–6 清明 and the weekend skipped), not more than 5;
  promised 2 Apr + 5 working days = 10 Apr.
* paused Tue 7, resumed Thu 9: the pause's days 7 8 are 特别程序, 5 − 2 = 3.
* withdrawn Wed 8: the clock stops that day, (2, 8 Apr] = 3 7 8 = 3, never overdue.
"""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest
import time_machine

from kaigong.calendars.tests.seeding import national_calendar_seeded
from kaigong.cases.models import CaseItem
from kaigong.cases.services.clock import item_pause, item_resume
from kaigong.cases.services.intake import case_withdraw
from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world
from kaigong.supervision.models import ItemMetric
from kaigong.supervision.services import _metric_values, metrics_refresh

from .conftest import at

pytestmark = pytest.mark.django_db

SEEN = date(2026, 4, 10)
COLUMNS = [
    f.attname
    for f in ItemMetric._meta.concrete_fields
    if f.attname not in ("id", "item_id", "computed_at")
]


@pytest.fixture
def april_world():
    national_calendar_seeded()
    with time_machine.travel(at(2026, 4, 2), tick=False) as clock:  # Thu 2 April: 受理
        world = lifecycle_world()
        plain = CaseFactory(world=world, accepted=True)
        paused = CaseFactory(world=world, accepted=True)
        withdrawn = CaseFactory(world=world, accepted=True)
        clock.move_to(at(2026, 4, 7))  # Tue 7, after 清明
        item_pause(
            item=item_of(paused, "M1"), actor=world.reviewer1, kind="special_procedure",
            reason="专家评审", evidence="专家评审通知书", planned_working_days=3,
        )  # fmt: skip
        clock.move_to(at(2026, 4, 8))
        case_withdraw(case=withdrawn, actor=world.applicant, reason="不再申请")
        clock.move_to(at(2026, 4, 9))
        item_resume(item=item_of(paused, "M1"), actor=world.reviewer1)
    return world, plain, paused, withdrawn


def test_the_batched_figures_are_the_per_item_figures_row_for_row(april_world):
    _world, plain, paused, withdrawn = april_world
    with time_machine.travel(at(2026, 4, 10), tick=False):
        done = metrics_refresh(on=SEEN, batch=2)  # batches of two: the chunks are joined
        items = CaseItem.objects.select_related("case__project", "case__bundle", "matter_version")
        per_item = {
            i.id: _metric_values(i, on=SEEN)
            for i in items.prefetch_related("pauses").order_by("id")
        }
    stored = {m.item_id: m for m in ItemMetric.objects.all()}

    assert done == len(per_item) == len(stored) >= 3
    for item_id, values in per_item.items():
        row = stored[item_id]
        assert {c: getattr(row, c) for c in COLUMNS} == {c: values[c] for c in COLUMNS}, item_id

    # and the figures are the hand counts of the module's docstring
    def figures(case):
        m = stored[item_of(case, "M1").id]
        return m.approval_days, m.special_days, m.overdue, m.open

    assert figures(plain) == (5, 0, False, True)
    assert stored[item_of(plain, "M1").id].promised_on == date(2026, 4, 10)
    assert figures(paused) == (3, 2, False, True)
    assert figures(withdrawn) == (3, 0, False, False)
    assert stored[item_of(withdrawn, "M1").id].finished_on == date(2026, 4, 8)


def test_a_queue_counts_up_to_its_cap(april_world, monkeypatch):
    from django.test import Client

    from kaigong.cases.tests.api.conftest import client_for
    from kaigong.core.api.pagination import CappedCountPagination
    from kaigong.supervision import selectors

    world, *_ = april_world
    supervisor = world.users["supervisor"]
    with time_machine.travel(dt.datetime(2026, 4, 30, 10, tzinfo=at(2026, 4, 30).tzinfo)):
        api = client_for(supervisor)
        full = api.get("/api/v1/supervision/queues/overdue/?page_size=1").json()
        # the two open M1 items (and their cases' other open items) are red by 30 April
        assert full["count"] >= 2 and full["count_capped"] is False
        assert full["next"] and full["previous"] is None

        monkeypatch.setattr(CappedCountPagination, "count_cap", 1)
        capped = api.get("/api/v1/supervision/queues/overdue/?page_size=1").json()
        second = api.get(capped["next"]).json()
        monkeypatch.setattr(selectors, "QUEUE_COUNT_CAP", 1)
        page = Client()
        page.force_login(supervisor)
        html = page.get("/supervision/queues/overdue/").content.decode()

    assert (capped["count"], capped["count_capped"], len(capped["results"])) == (1, True, 1)
    assert second["results"][0]["id"] != capped["results"][0]["id"]
    assert second["previous"] is not None
    assert "超过 1 条" in html
