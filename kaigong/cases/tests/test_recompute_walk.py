"""
The due-date recompute after a calendar import (issue #16, part 4): the walk computes each
open item's dates from plain columns (``DueIndex``) and moves only the items whose dates
change, through ``item_due_changes`` and the ``recompute`` transition. Items across the
Spring Festival (调休 Saturdays), a county with a festival of its own, pauses (补正 /
特别程序, open and closed), an extension, the start day counted, hour and natural-day
limits, a key project and provisional items; a county festival added in the middle.
"""

import datetime as dt
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from kaigong.calendars.services import calendar_notice_import
from kaigong.calendars.tests.factories import regional_notice
from kaigong.calendars.tests.seeding import national_calendar_seeded
from kaigong.cases.constants import ITEM_CLOCK_STATUSES, CaseAction, EventKind, ItemAction
from kaigong.cases.deadlines import DueIndex
from kaigong.cases.models import CaseEvent, CaseItem
from kaigong.cases.services import clock
from kaigong.cases.services.clock import (
    deadlines_recompute_open,
    item_due_changes,
    item_extension_approve,
    item_extension_request,
    item_pause,
    item_resume,
)
from kaigong.cases.tests.conftest import SHANGHAI
from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world
from kaigong.catalog.constants import LimitUnit
from kaigong.catalog.models import MatterVersion
from kaigong.core.clock import local_date

pytestmark = pytest.mark.django_db

FIELDS = ("promised_due_on", "statutory_due_on", "yellow_from_on", "provisional")


def _at(day: date, hour: int = 10):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False
    )


def _pause(item, actor, day, days=3, *, reason="补正"):
    with _at(day):
        return item_pause(
            item=item,
            actor=actor,
            kind="special_procedure",
            reason=reason,
            evidence="通知书",
            planned_working_days=days,
        )


def _open_items():
    return list(
        CaseItem.objects.filter(
            status__in=list(ITEM_CLOCK_STATUSES), clock_started_on__isnull=False
        )
        .select_related("case__project", "case__bundle", "matter_version__matter")
        .prefetch_related("pauses")
        .order_by("id")
    )


def _stored(item) -> tuple:
    return tuple(getattr(item, f) for f in FIELDS)


def _expected(item, on) -> tuple:
    changes = item_due_changes(item, on=on, pauses=item.pauses.all())
    return tuple(changes[f] for f in FIELDS)


@pytest.fixture
def world():
    """Open items of every kind, stored dates right for the calendar as it is."""
    national_calendar_seeded()  # the Spring Festival of 2026, whatever a flush left
    national = lifecycle_world()
    # M3: promised in working hours (20 h → 3 WD), statutory in natural days
    MatterVersion.objects.filter(matter__code="M3").update(
        promised_limit=20,
        promised_limit_unit=LimitUnit.WORKING_HOURS,
        statutory_limit=30,
        statutory_limit_unit=LimitUnit.NATURAL_DAYS,
    )
    key = lifecycle_world(key_project=True, factor=Decimal("0.70"), prefix="K")
    county = lifecycle_world(
        prefix="X",
        centre_name="昌吉州政务服务中心",
        centre_region="652300",
        project_region="652300",
    )
    calendar_notice_import(notice=regional_notice("652300", 2026), actor=None)  # 27–28 May
    cases = {}
    with _at(date(2026, 2, 12)):  # before the Spring Festival
        cases["spring"] = CaseFactory(world=national, accepted=True, with_optional=True)
        cases["key"] = CaseFactory(world=key, accepted=True)
    with _at(date(2026, 3, 2)):
        cases["paused"] = CaseFactory(world=national, accepted=True, with_optional=True)
    with _at(date(2026, 5, 25)):
        cases["county"] = CaseFactory(world=county, accepted=True)
    with _at(date(2026, 12, 28)):  # runs into 2027, which has no calendar yet
        cases["provisional"] = CaseFactory(world=national, accepted=True)
    paused = cases["paused"]
    # a closed 补正 (4–6 Mar) on M1, an open 特别程序 on M2 from 5 Mar, an extension on M3
    with _at(date(2026, 3, 3)):
        extension = item_extension_request(
            item=item_of(paused, "M3"), actor=national.reviewer3, working_days=10, reason="现场核查"
        )
        item_extension_approve(extension=extension, actor=national.approver3)
    _pause(item_of(paused, "M1"), national.reviewer1, date(2026, 3, 4))
    with _at(date(2026, 3, 9)):
        item_resume(item=item_of(paused, "M1"), actor=national.reviewer1)
    _pause(item_of(paused, "M2"), national.reviewer2, date(2026, 3, 5), 10, reason="专家评审")
    # the start day counts for the spring case's M2 (as a matter that counts it would)
    CaseItem.objects.filter(pk=item_of(cases["spring"], "M2").pk).update(count_start_day=True)
    return cases


def test_the_walk_puts_right_exactly_the_items_whose_dates_are_stale(world, monkeypatch):
    flagged: list[int] = []
    unchanged_path = clock._recompute_stale

    def recording(stale, *args):
        flagged.extend(stale)
        return unchanged_path(stale, *args)

    monkeypatch.setattr(clock, "_recompute_stale", recording)
    with _at(date(2026, 3, 10)):
        today = local_date()
        items = _open_items()
        stale = {i.pk for i in items if _stored(i) != _expected(i, today)}
        # the start-day item (its flag set behind the services' back), and the open pause,
        # which has stopped the clock five more days (6–10 March) since it began
        assert stale == {item_of(world["spring"], "M2").pk, item_of(world["paused"], "M2").pk}
        assert deadlines_recompute_open([2026]) == 2
    assert set(flagged) == stale
    spring_m2 = item_of(world["spring"], "M2")
    # 12, 13, 14 (worked Saturday), 24, 25 February
    assert spring_m2.promised_due_on == date(2026, 2, 25)
    event = CaseEvent.objects.filter(case=world["spring"], kind=EventKind.ITEM_TRANSITION).last()
    assert event.data["action"] == ItemAction.RECOMPUTE and event.data["years"] == [2026]


def test_a_county_festival_moves_exactly_the_items_whose_clock_counts_it(world, monkeypatch):
    flagged: list[int] = []
    unchanged_path = clock._recompute_stale

    def recording(stale, *args):
        flagged.extend(stale)
        return unchanged_path(stale, *args)

    with _at(date(2026, 3, 10)):
        deadlines_recompute_open([2026])  # the start-day item put right first
        # when 沂南 (371321) declares Thu 12 March a festival of its own
        notice = regional_notice("371321", 2026)
        notice["holidays"] = [{"name": "测试节", "start": "2026-03-12", "end": "2026-03-12"}]
        calendar_notice_import(notice=notice, actor=None)
        today = local_date()
        before = {i.pk: _stored(i) for i in _open_items()}
        expected = {i.pk: _expected(i, today) for i in _open_items()}
        moved = {pk for pk in before if before[pk] != expected[pk]}
        monkeypatch.setattr(clock, "_recompute_stale", recording)
        assert deadlines_recompute_open([2026]) == len(moved)
    # the walk flagged exactly the moved items, and stored what item_due_changes computes
    assert set(flagged) == moved
    after = {i.pk: _stored(i) for i in _open_items()}
    assert after == expected
    # hand-counted: the spring case's M1 (20 WD from 12 Feb) ended on Wed 18 March; with
    # 12 March off it ends on Thu 19 March; its promised date (26 Feb) does not move
    spring = item_of(world["spring"], "M1")
    assert (spring.promised_due_on, spring.statutory_due_on) == (
        date(2026, 2, 26),
        date(2026, 3, 19),
    )
    # the closed 补正 item: 9 March + 3 WD was 12 March, now 13 March
    assert item_of(world["paused"], "M1").promised_due_on == date(2026, 3, 13)
    # 昌吉 (652300) counts on its own calendar, 2027's items on none yet: not moved
    county = {i.pk for i in world["county"].items.all()}
    provisional = {i.pk for i in world["provisional"].items.all()}
    assert not moved & (county | provisional)
    assert all(after[pk] == before[pk] for pk in county | provisional if pk in before)
    # the cases' dates were refreshed through their own transition
    assert CaseEvent.objects.filter(
        case=world["spring"], kind=EventKind.CASE_TRANSITION, data__action=CaseAction.RECOMPUTE
    ).exists()


def test_due_index_counts_hours_natural_days_and_pauses_as_the_walk(world):
    with _at(date(2026, 3, 10)):
        index = DueIndex()
        # 20 working hours → 3 WD from Thu 12 Feb: 13, 14, 24 Feb; 30 natural days + the
        # 3 paused days (14–16 Feb) → 17 March
        promised, statutory, yellow, provisional = index.fields(
            date(2026, 2, 12),
            (3, 30),
            (LimitUnit.WORKING_HOURS, LimitUnit.NATURAL_DAYS),
            region="",
            count_start=False,
            pauses=[(date(2026, 2, 14), date(2026, 2, 16))],
            warning_days=2,
        )
    # paused 14–16 Feb: 13, 24, 25 Feb
    assert (promised, statutory, provisional) == (date(2026, 2, 25), date(2026, 3, 17), False)
    # 2 days' warning (no pause in it): from Sat 14 Feb (worked) 24, 25 Feb; from 13 Feb
    # it is 14, 24 Feb
    assert yellow == date(2026, 2, 14)
