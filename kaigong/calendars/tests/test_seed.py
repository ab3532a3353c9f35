"""The data migration and ``calendar_seed`` load what chinesecalendar knows."""

from datetime import date

import chinese_calendar
import pytest

from kaigong.calendars.models import CalendarDay, CalendarYear
from kaigong.calendars.services import calendar_seed

from .calendar_data import ADJUSTED_WORKDAYS, break_days
from .seeding import national_calendar_seeded


@pytest.fixture(autouse=True)
def _the_migration_seed(db):
    """
    The seed of the data migration, as ``migrate`` left it. A test on real commits
    (``transaction=True``) that ran earlier on the same worker ends with a flush, which empties
    the calendar; then the migration's own function is run again here, so these tests still
    check what the migration seeds.
    """
    national_calendar_seeded()


@pytest.mark.django_db
def test_migration_seeds_every_chinesecalendar_year_with_its_notice():
    years = CalendarYear.objects.filter(region_code="")

    assert sorted(years.values_list("year", flat=True)) == list(range(2004, 2027))
    y2026 = years.get(year=2026)
    assert y2026.title == "国务院办公厅关于2026年部分节假日安排的通知"
    assert y2026.notice_number == "国办发明电〔2025〕7号"
    assert y2026.source_url.endswith("content_7047090.htm")
    assert y2026.origin == "chinesecalendar"


@pytest.mark.django_db
def test_seeded_rows_are_exactly_the_exceptions_of_2025_and_2026():
    rows = {
        d.date: d for d in CalendarDay.objects.filter(region_code="", date__year__in=[2025, 2026])
    }
    expected_off = {d for d in break_days() if d.weekday() < 5}

    assert {d for d, r in rows.items() if not r.is_workday} == expected_off
    assert {d for d, r in rows.items() if r.is_workday} == set(ADJUSTED_WORKDAYS)
    assert rows[date(2026, 2, 16)].name == "春节"
    assert rows[date(2026, 2, 14)].name == "春节调休上班"
    assert rows[date(2025, 2, 3)].kind == "in_lieu"


@pytest.mark.django_db
def test_seeded_rows_agree_with_chinesecalendar_for_every_year():
    for row in CalendarDay.objects.filter(region_code=""):
        assert chinese_calendar.is_workday(row.date) is row.is_workday, row.date


@pytest.mark.django_db
def test_calendar_seed_is_idempotent_and_restores_a_missing_year():
    # given everything seeded by the migration, when seeding again, then nothing changes
    count = CalendarDay.objects.count()
    assert calendar_seed(actor=None) == []
    assert CalendarDay.objects.count() == count

    # given 2025 removed, when seeding, then only 2025 comes back with the same rows
    CalendarYear.objects.filter(region_code="", year=2025).delete()
    created = calendar_seed(actor=None)

    assert [c.year for c in created] == [2025]
    assert CalendarDay.objects.count() == count
