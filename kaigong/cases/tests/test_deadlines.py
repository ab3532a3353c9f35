"""Due dates across holidays, pauses, extensions, key projects and a calendar import."""

import datetime as dt
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from kaigong.calendars.services import calendar_notice_import
from kaigong.calendars.tests.factories import example_notice
from kaigong.cases.constants import ErrorCode, ItemStatus, WarningColour
from kaigong.cases.deadlines import (
    correction_notice_due_on,
    item_due_explanation,
    warning_colour,
)
from kaigong.cases.models import ClockPause
from kaigong.cases.services.clock import (
    item_extension_approve,
    item_extension_request,
    item_pause,
    item_resume,
)
from kaigong.cases.tests.conftest import SHANGHAI
from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world
from kaigong.core.exceptions import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def _at(day: date, hour: int = 10):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False
    )


def test_due_dates_across_the_spring_festival():
    # rule: worked example of docs/legal.md#counting — accepted Thu 12 Feb 2026, 5 WD → 26 Feb
    with _at(date(2026, 2, 12)):
        world = lifecycle_world()
        case = CaseFactory(world=world, accepted=True)
    item = item_of(case, "M1")
    assert item.promised_due_on == date(2026, 2, 26)
    assert item.statutory_due_on == date(2026, 3, 18)
    explained = item_due_explanation(item, on=date(2026, 2, 12))
    assert explained.counted == (
        date(2026, 2, 13),
        date(2026, 2, 14),
        date(2026, 2, 24),
        date(2026, 2, 25),
        date(2026, 2, 26),
    )
    assert date(2026, 2, 16) in {s.day for s in explained.skipped}


def test_correction_notice_is_due_five_working_days_after_receipt():
    assert correction_notice_due_on(date(2026, 2, 12)) == date(2026, 2, 26)
    assert correction_notice_due_on(date(2026, 3, 2)) == date(2026, 3, 9)


def test_pause_moves_the_due_dates_by_the_paused_working_days(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)
    monday.move_to(dt.datetime(2026, 3, 4, 9, tzinfo=SHANGHAI))  # Wednesday
    item = item_pause(
        item=item_of(case, "M1"),
        actor=world.reviewer1,
        kind="special_procedure",
        reason="专家评审",
        evidence="专家评审通知书",
        planned_working_days=5,
    )
    assert item.status == ItemStatus.PAUSED
    monday.move_to(dt.datetime(2026, 3, 9, 9, tzinfo=SHANGHAI))  # next Monday
    item = item_resume(item=item_of(case, "M1"), actor=world.reviewer1)
    assert item.status == ItemStatus.IN_REVIEW
    # 4, 5, 6 March did not count: 9 March + 3 WD, 30 March + 3 WD
    assert item.promised_due_on == date(2026, 3, 12)
    assert item.statutory_due_on == date(2026, 4, 2)
    pause = ClockPause.objects.get(item=item)
    assert (pause.started_on, pause.resumed_on) == (date(2026, 3, 4), date(2026, 3, 9))
    assert {
        s.day for s in item_due_explanation(item, on=date(2026, 3, 9)).skipped if s.kind == "paused"
    } == {
        date(2026, 3, 4),
        date(2026, 3, 5),
        date(2026, 3, 6),
        date(2026, 3, 7),
        date(2026, 3, 8),
    }
    case.refresh_from_db()
    assert case.promised_due_on == date(2026, 3, 12)


def test_pause_needs_reason_and_evidence(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)
    with pytest.raises(InvalidInput) as excinfo:
        item_pause(
            item=item_of(case, "M1"),
            actor=world.reviewer1,
            kind="special_procedure",
            reason="",
            evidence="x",
            planned_working_days=5,
        )
    assert excinfo.value.code == ErrorCode.REASON_REQUIRED


def test_extension_adds_working_days_with_the_approvers_consent(
    monday, django_capture_on_commit_callbacks
):
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)
    extension = item_extension_request(
        item=item_of(case, "M1"), actor=world.reviewer1, working_days=10, reason="需现场核查"
    )
    with pytest.raises(Conflict) as excinfo:
        item_extension_request(
            item=item_of(case, "M1"), actor=world.reviewer1, working_days=5, reason="再延"
        )
    assert excinfo.value.code == ErrorCode.EXTENSION_INVALID
    with django_capture_on_commit_callbacks(execute=True):
        item = item_extension_approve(extension=extension, actor=world.approver1)
    assert item.extension_days == 10
    assert item.promised_due_on == date(2026, 3, 23)
    assert item.statutory_due_on == date(2026, 4, 14)  # 清明 4–6 April skipped
    extension.refresh_from_db()
    assert extension.approved_by == world.approver1
    assert extension.notice_sent_at is not None
    assert world.enterprise.notifications.filter(kind="item_extended").count() == 1
    with pytest.raises(Conflict) as excinfo:
        item_extension_approve(extension=extension, actor=world.approver1)
    assert excinfo.value.code == ErrorCode.EXTENSION_NOT_PENDING


def test_extension_is_limited_to_fifteen_days(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)
    for days in (0, 16, True):
        with pytest.raises(InvalidInput) as excinfo:
            item_extension_request(
                item=item_of(case, "M1"), actor=world.reviewer1, working_days=days, reason="x"
            )
        assert excinfo.value.code == ErrorCode.EXTENSION_INVALID


def test_key_project_shortens_promised_limits_only(monday):
    world = lifecycle_world(key_project=True, factor=Decimal("0.70"))
    case = CaseFactory(world=world, accepted=True)
    item = item_of(case, "M1")
    assert item.promised_due_on == date(2026, 3, 6)  # ceil(5 × 0.7) = 4 WD
    assert item.statutory_due_on == date(2026, 3, 30)


def test_bundle_limit_runs_from_acceptance(monday):
    world = lifecycle_world(promised_limit=10, key_project=True, factor=Decimal("0.70"))
    case = CaseFactory(world=world, accepted=True)
    assert case.promised_due_on == date(2026, 3, 11)  # ceil(10 × 0.7) = 7 WD


def test_calendar_import_recomputes_provisional_due_dates(django_capture_on_commit_callbacks):
    with _at(date(2026, 12, 28)):
        world = lifecycle_world()
        case = CaseFactory(world=world, accepted=True)
        item = item_of(case, "M1")
        assert item.provisional is True
        assert item.promised_due_on == date(2027, 1, 4)
        assert item.statutory_due_on == date(2027, 1, 25)
        version = item.version
        with django_capture_on_commit_callbacks(execute=True):
            calendar_notice_import(notice=example_notice(), actor=None)
    item.refresh_from_db()
    assert item.provisional is False
    assert item.promised_due_on == date(2027, 1, 5)  # 1 January is a holiday
    assert item.statutory_due_on == date(2027, 1, 26)
    assert item.version == version + 1
    case.refresh_from_db()
    assert case.promised_due_on == date(2027, 1, 5)


def test_warning_colours():
    on = date(2026, 3, 2)
    assert warning_colour(None, on=on, warning_days=2) == WarningColour.NONE
    assert warning_colour(date(2026, 2, 27), on=on, warning_days=2) == WarningColour.RED
    assert warning_colour(on, on=on, warning_days=2) == WarningColour.YELLOW
    assert warning_colour(date(2026, 3, 4), on=on, warning_days=2) == WarningColour.YELLOW
    assert warning_colour(date(2026, 3, 5), on=on, warning_days=2) == WarningColour.GREEN
    assert (
        warning_colour(date(2026, 3, 5), on=on + timedelta(days=1), warning_days=2)
        == WarningColour.YELLOW
    )


def test_bundle_dates_account_for_waiting_items(monday):
    # given M2 waits for M1's result, so only M1's clock runs at acceptance
    from kaigong.calendars.selectors import work_calendar
    from kaigong.calendars.workdays import add_working_days
    from kaigong.cases.deadlines import region_of

    world = lifecycle_world(dependency="requires_result")
    case = CaseFactory(world=world, accepted=True)
    m1, m2 = item_of(case, "M1"), item_of(case, "M2")
    assert m2.status == ItemStatus.WAITING and m2.promised_due_on is None
    # then the bundle's dates run to the end of M2, counted from M1's due dates
    calendar = work_calendar(region_of(case))
    assert case.promised_due_on == add_working_days(m1.promised_due_on, 5, calendar=calendar)
    assert case.statutory_due_on == add_working_days(m1.statutory_due_on, 20, calendar=calendar)
    assert case.promised_due_on <= case.statutory_due_on


def test_a_bundle_promise_never_passes_the_statutory_date(monday):
    # given a bundle promising 60 working days for matters whose law allows 20
    world = lifecycle_world(promised_limit=60)
    # when it is accepted
    case = CaseFactory(world=world, accepted=True)
    # then the promise is cut to the statutory date (承诺时限 ≤ 法定时限)
    statutory = max(i.statutory_due_on for i in case.items.all() if i.statutory_due_on)
    assert case.statutory_due_on == statutory
    assert case.promised_due_on == statutory


def test_a_pause_carries_its_planned_working_days_and_end_on_the_calendar():
    # rule: the applicant is told in writing how long the procedure takes (行政许可法 art. 45)
    # given an item accepted before the Spring Festival of 2026 (Sat 14 Feb is worked)
    with _at(date(2026, 2, 11)):
        world = lifecycle_world()
        case = CaseFactory(world=world, accepted=True)
    # when the reviewer pauses it on Thu 12 Feb for 3 working days
    with _at(date(2026, 2, 12)):
        item_pause(
            item=item_of(case, "M1"),
            actor=world.reviewer1,
            kind="special_procedure",
            reason="检测",
            evidence="检测委托书",
            planned_working_days=3,
        )
    # then the pause counts its first day: 12, 13 and the worked Saturday 14 Feb
    pause = ClockPause.objects.get(item=item_of(case, "M1"))
    assert (pause.planned_working_days, pause.planned_end_on) == (3, date(2026, 2, 14))


@pytest.mark.parametrize("days", [None, 0, "5", True, 366])
def test_a_pause_needs_its_planned_working_days(monday, days):
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)
    with pytest.raises(InvalidInput) as excinfo:
        item_pause(
            item=item_of(case, "M1"),
            actor=world.reviewer1,
            kind="special_procedure",
            reason="检测",
            evidence="检测委托书",
            planned_working_days=days,
        )
    assert excinfo.value.code == ErrorCode.PLANNED_DAYS_REQUIRED
    assert not ClockPause.objects.filter(item=item_of(case, "M1")).exists()


def test_the_recompute_costs_the_same_queries_for_one_or_many_unchanged_items(monday):
    # given accepted cases whose due dates are already right for 2026
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaigong.cases.services.clock import deadlines_recompute_open

    world = lifecycle_world()
    CaseFactory(world=world, accepted=True)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert deadlines_recompute_open([2026]) == 0  # nothing changes
        return len(captured)

    # the calendar's list of regions with days of their own is read once per calendar
    # version (a process memo, like the calendars themselves): warm it first
    queries()
    one = queries()
    for _ in range(4):
        CaseFactory(world=world, accepted=True)

    # then five cases cost what one costs: the items in one batch with their pauses, and
    # the calendar read once for the run, not once per item
    assert queries() == one
    # and an item whose clock cannot touch the year is not read at all
    assert deadlines_recompute_open([2019]) == 0


def test_a_recompute_told_the_changed_days_walks_only_the_items_whose_clock_spans_one(monday):
    # given an item whose stored due date has gone stale (as if a recompute were owed)
    from kaigong.cases.models import CaseItem
    from kaigong.cases.services.clock import deadlines_recompute_open

    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)
    item = item_of(case, "M1")
    right = item.promised_due_on
    CaseItem.objects.filter(pk=item.pk).update(promised_due_on=right + timedelta(days=1))
    latest = max(item.statutory_due_on or right, right) + timedelta(days=1)

    # when the changed days lie after its clock's span, the item is not even read
    assert deadlines_recompute_open([2026], days={latest + timedelta(days=30)}) == 0
    item.refresh_from_db()
    assert item.promised_due_on == right + timedelta(days=1)
    # nor when nothing changed
    assert deadlines_recompute_open([2026], days=set()) == 0

    # when one lies inside it, the item is walked and its date put right
    assert deadlines_recompute_open([2026], days={item.clock_started_on + timedelta(days=1)}) == 1
    item.refresh_from_db()
    assert item.promised_due_on == right
