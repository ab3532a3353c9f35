"""Notice import: validation, replace semantics, listeners, audit, regional overrides."""

from datetime import date

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import user_with_role
from kaigong.calendars.models import CalendarDay, CalendarYear
from kaigong.calendars.selectors import due_date
from kaigong.calendars.services import (
    calendar_notice_import,
    register_calendar_change_listener,
    unregister_calendar_change_listener,
)
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.models import AuditRecord

from .factories import example_notice, regional_notice


@pytest.fixture
def listener():
    calls = []

    def record(years, days):
        calls.append(years)

    register_calendar_change_listener(record)
    yield calls
    unregister_calendar_change_listener(record)


@pytest.mark.django_db
def test_importing_2027_changes_due_dates_and_calls_listeners(
    listener, django_capture_on_commit_callbacks
):
    # given 2027 unknown: Thu 4 Feb 2027 + 1 is Friday 5 Feb, computed Mon–Fri, provisional
    before = due_date(date(2027, 2, 4), 1)
    assert before.due_on == date(2027, 2, 5)
    assert before.provisional is True
    assert before.provisional_years == (2027,)

    # when the (example) 2027 notice is imported
    with django_capture_on_commit_callbacks(execute=True):
        year = calendar_notice_import(notice=example_notice(), actor=None)

    # then 5–12 Feb are off, Sat 13 Feb works, and the result is no longer provisional
    after = due_date(date(2027, 2, 4), 1)
    assert after.due_on == date(2027, 2, 13)
    assert after.provisional is False
    assert listener == [frozenset({2027})]
    assert year.notice_number == "示例〔2027〕0号"
    assert year.days.count() == 23


@pytest.mark.django_db
def test_listeners_are_not_called_when_the_import_fails(
    listener, django_capture_on_commit_callbacks
):
    notice = example_notice()
    notice["holidays"][0]["start"] = "2027-13-01"

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput):
        calendar_notice_import(notice=notice, actor=None)

    assert listener == []


@pytest.mark.django_db
def test_a_broken_notice_imports_nothing_and_lists_every_error():
    notice = example_notice()
    notice["unknown"] = 1
    notice["adjusted_workdays"][1]["date"] = "2027-04-26"  # a Monday
    notice["holidays"][3]["start"] = "2026-05-01"
    days_before = CalendarDay.objects.count()

    with pytest.raises(InvalidInput) as error:
        calendar_notice_import(notice=notice, actor=None)

    assert error.value.code == "invalid_notice"
    assert {p["code"] for p in error.value.invalid_params} == {
        "unknown_key",
        "adjusted_workday_not_weekend",
        "date_outside_year",
    }
    assert CalendarYear.objects.filter(year=2027).exists() is False
    assert CalendarDay.objects.count() == days_before


@pytest.mark.django_db
def test_an_imported_year_is_replaced_only_on_request():
    calendar_notice_import(notice=example_notice(), actor=None)
    changed = example_notice()
    changed["notice_number"] = "示例〔2027〕1号"
    changed["adjusted_workdays"] = [{"date": "2027-02-14", "name": "春节调休上班"}]

    # when imported again without replace, then it is refused and nothing changes
    with pytest.raises(Conflict) as error:
        calendar_notice_import(notice=changed, actor=None)
    assert error.value.code == "calendar_year_exists"
    assert due_date(date(2027, 2, 12), 1).due_on == date(2027, 2, 13)

    # when imported with replace, then the old days are gone and the new ones count
    year = calendar_notice_import(notice=changed, actor=None, replace=True)
    assert year.notice_number == "示例〔2027〕1号"
    assert CalendarYear.objects.filter(year=2027, region_code="").count() == 1
    assert due_date(date(2027, 2, 12), 1).due_on == date(2027, 2, 14)


@pytest.mark.django_db
def test_replacing_a_seeded_year_is_possible_and_keeps_other_years():
    notice = example_notice()
    notice["year"] = 2026
    notice["holidays"] = [{"name": "临时", "start": "2026-03-02", "end": "2026-03-02"}]
    notice["adjusted_workdays"] = []

    calendar_notice_import(notice=notice, actor=None, replace=True)

    assert due_date(date(2026, 2, 27), 1).due_on == date(2026, 3, 3)  # 28 Feb no longer works
    assert due_date(date(2025, 9, 26), 20).due_on == date(2025, 10, 30)


@pytest.mark.django_db
def test_import_writes_an_audit_record_naming_the_actor():
    keeper = user_with_role(Role.CATALOG_ADMIN)

    year = calendar_notice_import(notice=example_notice(), actor=keeper)

    record = AuditRecord.objects.get(action="calendar.notice_imported")
    assert record.actor == keeper
    assert record.object_id == str(year.public_id)
    assert record.data["year"] == 2027
    assert record.data["days"] == 23
    assert year.imported_by == keeper


@pytest.mark.parametrize(
    "role", [Role.WINDOW_CLERK, Role.REVIEWER, Role.SUPERVISOR, Role.APPLICANT]
)
@pytest.mark.django_db
def test_only_keepers_and_superusers_may_import(role):
    with pytest.raises(PermissionDenied):
        calendar_notice_import(notice=example_notice(), actor=user_with_role(role))

    assert CalendarYear.objects.filter(year=2027).exists() is False


@pytest.mark.django_db
def test_a_regional_notice_overrides_only_its_region():
    # given a local festival on Wed 27 and Thu 28 May 2026 in region 652300
    calendar_notice_import(notice=regional_notice("652300"), actor=None)

    # then the region skips those days and the nation does not
    regional = due_date(date(2026, 5, 26), 1, region_code="652300")
    national = due_date(date(2026, 5, 26), 1)
    assert regional.due_on == date(2026, 5, 29)
    assert [(s.kind, s.reason) for s in regional.skipped] == [("local", "古尔邦节")] * 2
    assert national.due_on == date(2026, 5, 27)
    assert regional.provisional is False


@pytest.mark.django_db
def test_a_regional_row_wins_over_the_national_row_for_the_same_date():
    # given a region whose own notice names 13 Feb, 16 Feb (national 春节) and the worked
    # Saturday 14 Feb (national 春节调休上班) after its own festival
    notice = regional_notice("540000")
    notice["holidays"] = [
        {"name": "藏历新年", "start": "2026-02-13", "end": "2026-02-13"},
        {"name": "藏历新年", "start": "2026-02-16", "end": "2026-02-16"},
    ]
    notice["adjusted_workdays"] = [{"date": "2026-02-14", "name": "藏历新年调休上班"}]
    calendar_notice_import(notice=notice, actor=None)

    # when a 2-day limit starts on 12 Feb in that region
    result = due_date(date(2026, 2, 12), 2, region_code="540000")

    # then the region's rows explain those dates, the national rows the others
    reasons = {s.day: s.reason for s in result.skipped}
    assert result.due_on == date(2026, 2, 24)
    assert reasons[date(2026, 2, 13)] == "藏历新年"
    assert reasons[date(2026, 2, 16)] == "藏历新年"
    assert reasons[date(2026, 2, 17)] == "春节"
    assert result.adjusted[0].reason == "藏历新年调休上班"
    national = due_date(date(2026, 2, 12), 2)  # nationally 13 Feb is an ordinary Friday
    assert national.due_on == date(2026, 2, 14)
    assert national.adjusted[0].reason == "春节调休上班"


@pytest.mark.django_db
def test_a_failing_listener_is_retried_by_the_relay_until_it_succeeds(
    django_capture_on_commit_callbacks,
):
    # given a listener that fails twice (after the commit and at the relay's first pass)
    from django.utils import timezone

    from kaigong.core.models import OutboxDelivery
    from kaigong.core.relay import outbox_relay_run

    calls = []

    def flaky(years, days):
        calls.append(years)
        if len(calls) < 3:
            raise RuntimeError("listener down")

    register_calendar_change_listener(flaky)
    try:
        # when a notice is imported: it commits (no error raised) though the listener failed
        with django_capture_on_commit_callbacks(execute=True):
            calendar_notice_import(notice=example_notice(), actor=None)
        first = outbox_relay_run()
        delivery = OutboxDelivery.objects.get(consumer="calendars.listeners")
        # (its backoff is over)
        OutboxDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        second = outbox_relay_run()
    finally:
        unregister_calendar_change_listener(flaky)

    # then the relay retried it and the third call succeeded
    assert calls == [frozenset({2027})] * 3
    assert first.failed == 1 and second.delivered == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2


@pytest.mark.django_db
def test_an_import_tells_the_listeners_which_days_changed(django_capture_on_commit_callbacks):
    # the days a listener may skip everything else for: 2027 was Mon–Fri before the notice,
    # so what changed are its holidays on weekdays and its 调休 workdays on weekends
    notice = example_notice()
    holidays = set()
    for run in notice["holidays"]:
        day, end = date.fromisoformat(run["start"]), date.fromisoformat(run["end"])
        while day <= end:
            holidays.add(day)
            day = date.fromordinal(day.toordinal() + 1)
    workdays = {date.fromisoformat(d["date"]) for d in notice["adjusted_workdays"]}
    expected = {d for d in holidays if d.weekday() < 5} | {d for d in workdays if d.weekday() >= 5}
    seen = []

    def record(years, days):
        seen.append((years, days))

    register_calendar_change_listener(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            calendar_notice_import(notice=example_notice(), actor=None)
        # the same notice again changes no day: the listeners are told so
        with django_capture_on_commit_callbacks(execute=True):
            calendar_notice_import(notice=example_notice(), actor=None, replace=True)
    finally:
        unregister_calendar_change_listener(record)

    assert expected and seen == [(frozenset({2027}), expected), (frozenset({2027}), frozenset())]
