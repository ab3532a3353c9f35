"""Pure tests of the working-day arithmetic: no database."""

from datetime import date

import chinese_calendar
import pytest

from kaigong.calendars.seed import seed_years, year_rows
from kaigong.calendars.workdays import (
    Pause,
    WorkCalendar,
    add_working_days,
    explain_due_date,
    working_days_between,
)

from .calendar_data import (
    ADJUSTED_WORKDAYS,
    BREAKS,
    DUE_DATES,
    break_days,
    days_of,
    literal_calendar,
    literal_is_workday,
)


def seeded_calendar() -> WorkCalendar:
    """The calendar the data migration loads, built from the same rows, without a database."""
    overrides, reasons, kinds = {}, {}, {}
    for year in seed_years():
        for row in year_rows(year):
            overrides[row["date"]] = row["is_workday"]
            reasons[row["date"]] = row["name"]
            kinds[row["date"]] = row["kind"]
    return WorkCalendar(
        overrides=overrides, known_years=frozenset(seed_years()), reasons=reasons, kinds=kinds
    )


SEEDED = seeded_calendar()
LITERAL = literal_calendar()
EMPTY = WorkCalendar(overrides={}, known_years=frozenset(), reasons={})


@pytest.mark.parametrize("day", list(days_of(2025, 2026)), ids=str)
def test_every_day_of_2025_and_2026_matches_the_notices_and_chinesecalendar(day):
    expected = literal_is_workday(day)

    assert SEEDED.is_workday(day) is expected
    assert LITERAL.is_workday(day) is expected
    assert chinese_calendar.is_workday(day) is expected


@pytest.mark.parametrize("name,first,last", BREAKS, ids=lambda v: str(v))
def test_every_weekday_of_a_break_is_a_named_holiday(name, first, last):
    weekdays = [d for d, n in break_days().items() if first <= d <= last and d.weekday() < 5]

    for day in weekdays:
        assert SEEDED.is_workday(day) is False
        assert SEEDED.kinds[day] in {"holiday", "in_lieu"}
    # chinesecalendar files 25 Sep 2026 and 6 Oct 2025 under 中秋; the break is named either way
    assert {SEEDED.reasons[d] for d in weekdays} <= {name, "中秋", "国庆节"}


@pytest.mark.parametrize("day", ADJUSTED_WORKDAYS, ids=str)
def test_every_adjusted_weekend_is_a_working_day(day):
    assert day.weekday() >= 5
    assert SEEDED.is_workday(day) is True
    assert SEEDED.kinds[day] == "adjusted_workday"
    assert SEEDED.reasons[day].endswith("调休上班")


@pytest.mark.parametrize("start,days,expected,why", DUE_DATES, ids=lambda v: str(v))
def test_add_working_days_across_every_2025_2026_break(start, days, expected, why):
    assert add_working_days(start, days, calendar=SEEDED) == expected
    assert add_working_days(start, days, calendar=LITERAL) == expected
    assert chinese_calendar.find_workday(days, start) == expected


@pytest.mark.parametrize("start,days,expected,why", DUE_DATES, ids=lambda v: str(v))
def test_working_days_between_inverts_add_working_days(start, days, expected, why):
    assert working_days_between(start, expected, calendar=SEEDED) == days
    assert working_days_between(expected, start, calendar=SEEDED) == -days


def test_spring_festival_2026_example_is_explained_day_by_day():
    # given the acceptance on Thu 12 Feb 2026 and a 5-working-day limit
    # when the due date is explained
    result = explain_due_date(date(2026, 2, 12), 5, calendar=SEEDED)

    # then 13 Feb, 14 Feb (Sat, 调休上班) and 24–26 Feb count, the break is skipped
    assert result.due_on == date(2026, 2, 26)
    assert result.counted == (
        date(2026, 2, 13),
        date(2026, 2, 14),
        date(2026, 2, 24),
        date(2026, 2, 25),
        date(2026, 2, 26),
    )
    assert [a.day for a in result.adjusted] == [date(2026, 2, 14)]
    assert result.adjusted[0].reason == "春节调休上班"
    skipped = {s.day: (s.kind, s.reason) for s in result.skipped}
    assert sorted(skipped) == [date(2026, 2, d) for d in range(15, 24)]
    assert skipped[date(2026, 2, 15)] == ("weekend", "周末")
    assert skipped[date(2026, 2, 16)] == ("holiday", "春节")
    assert skipped[date(2026, 2, 20)] == ("in_lieu", "春节")
    assert result.provisional is False
    assert result.provisional_years == ()


def test_national_day_2025_example_counts_both_adjusted_weekends():
    result = explain_due_date(date(2025, 9, 26), 20, calendar=SEEDED)

    assert result.due_on == date(2025, 10, 30)
    assert len(result.counted) == 20
    assert [a.day for a in result.adjusted] == [date(2025, 9, 28), date(2025, 10, 11)]
    holidays = [s.day for s in result.skipped if s.kind != "weekend"]
    assert holidays == [date(2025, 10, d) for d in (1, 2, 3, 6, 7, 8)]


def test_count_start_counts_the_acceptance_day_when_it_is_a_working_day():
    monday = date(2026, 3, 2)

    assert add_working_days(monday, 1, calendar=SEEDED, count_start=True) == monday
    assert add_working_days(monday, 5, calendar=SEEDED, count_start=True) == date(2026, 3, 6)
    assert add_working_days(monday, 5, calendar=SEEDED) == date(2026, 3, 9)


def test_count_start_on_a_holiday_starts_at_the_next_working_day():
    result = explain_due_date(date(2026, 10, 1), 1, calendar=SEEDED, count_start=True)

    assert result.due_on == date(2026, 10, 8)
    assert result.skipped[0].day == date(2026, 10, 1)
    assert result.skipped[0].reason == "国庆节"


def test_zero_days_is_due_on_the_start_day():
    result = explain_due_date(date(2026, 3, 2), 0, calendar=SEEDED)

    assert result.due_on == date(2026, 3, 2)
    assert result.counted == ()
    assert result.skipped == ()


def test_days_inside_a_pause_do_not_count_and_carry_the_pause_reason():
    # given a 3-working-day pause for an expert review in the middle of a 5-day limit
    pause = Pause(date(2026, 3, 4), date(2026, 3, 6), "专家评审")

    # when the due date is computed
    result = explain_due_date(date(2026, 3, 2), 5, calendar=SEEDED, pauses=[pause])

    # then the pause pushes the due date by three working days
    assert result.due_on == date(2026, 3, 12)
    paused = [(s.day, s.reason) for s in result.skipped if s.kind == "paused"]
    assert paused == [(date(2026, 3, d), "专家评审") for d in (4, 5, 6)]
    assert result.pauses == (pause,)


def test_a_pause_over_a_weekend_reports_the_days_as_paused():
    pause = Pause(date(2026, 3, 6), date(2026, 3, 9), "听证")

    result = explain_due_date(date(2026, 3, 5), 1, calendar=SEEDED, pauses=[pause])

    assert result.due_on == date(2026, 3, 10)
    assert [s.kind for s in result.skipped] == ["paused"] * 4


def test_a_year_without_data_is_computed_monday_to_friday_and_provisional():
    # given a calendar that knows 2026 only (2027 is not published)
    # when a limit crosses into 2027 over New Year's Day
    result = explain_due_date(date(2026, 12, 30), 3, calendar=SEEDED)

    # then 1 Jan 2027 (a Friday) counts like any weekday and the result is provisional
    assert result.due_on == date(2027, 1, 4)
    assert result.counted == (date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 4))
    assert result.provisional is True
    assert result.provisional_years == (2027,)


def test_a_due_date_inside_known_years_is_not_provisional_even_near_the_edge():
    result = explain_due_date(date(2026, 12, 28), 3, calendar=SEEDED)

    assert result.due_on == date(2026, 12, 31)
    assert result.provisional is False


def test_an_empty_calendar_is_monday_to_friday():
    assert add_working_days(date(2027, 2, 5), 1, calendar=EMPTY) == date(2027, 2, 8)
    assert EMPTY.is_known(date(2027, 2, 5)) is False


@pytest.mark.parametrize("days", [-1, 1.5, True, "3"])
def test_bad_day_counts_are_refused(days):
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 2), days, calendar=SEEDED)


def test_a_pause_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        add_working_days(
            date(2026, 3, 2),
            1,
            calendar=SEEDED,
            pauses=[Pause(date(2026, 3, 5), date(2026, 3, 4), "x")],
        )


def test_working_days_between_the_same_day_is_zero():
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 2), calendar=SEEDED) == 0


def test_seed_covers_every_chinesecalendar_exception():
    # every holiday on a weekday and every worked weekend of 2004–2026 becomes a row
    for day in chinese_calendar.holidays:
        if day.weekday() < 5:
            assert SEEDED.overrides.get(day) is False, day
    for day in chinese_calendar.workdays:
        if day.weekday() >= 5:
            assert SEEDED.overrides.get(day) is True, day
    assert all(
        chinese_calendar.is_workday(day) is is_workday
        for day, is_workday in SEEDED.overrides.items()
    )
