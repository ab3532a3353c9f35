"""
``WorkdayIndex``: the N-th working day, provisional and first-yellow day by bisection, as
the due-date recompute after a calendar import reads them (issue #16, part 4). Hand-counted
dates on a 2026-like calendar first, then every start of a year against the day-by-day walk.
"""

from datetime import date, timedelta

from kaigong.calendars.workdays import (
    Pause,
    WorkCalendar,
    WorkdayIndex,
    add_working_days,
    explain_due_date,
)

# 2026's Spring Festival as the State Council set it: 15–23 Feb off, Sat 14 and Sat 28 Feb worked
_SPRING = {date(2026, 2, d): False for d in range(15, 24)}
_ADJUSTED = {date(2026, 2, 14): True, date(2026, 2, 28): True}
NATIONAL = WorkCalendar(overrides={**_SPRING, **_ADJUSTED}, known_years=frozenset({2026}))
# a county with a festival of its own on Tue 10 March
REGIONAL = WorkCalendar(
    overrides={**NATIONAL.overrides, date(2026, 3, 10): False}, known_years=frozenset({2026})
)
FIRST, LAST = date(2025, 1, 1), date(2028, 12, 31)
national = WorkdayIndex(NATIONAL, FIRST, LAST)
regional = WorkdayIndex(REGIONAL, FIRST, LAST)


def o(day: date) -> int:
    return day.toordinal()


def runs(*pairs: tuple[date, date]) -> list[tuple[int, int]]:
    return [(o(a), o(b)) for a, b in pairs]


def test_hand_counted_due_dates():
    thu = date(2026, 2, 12)
    # counting from the next working day: 13, 14 (worked Saturday), 24, 25, 26 February
    assert national.add(o(thu), 5, count_start=False, pauses=()) == o(date(2026, 2, 26))
    # the start day counts: 12, 13, 14, 24, 25
    assert national.add(o(thu), 5, count_start=True, pauses=()) == o(date(2026, 2, 25))
    # paused 24–25 Feb: 13, 14, 26, 27, 28 (worked Saturday)
    paused = runs((date(2026, 2, 24), date(2026, 2, 25)))
    assert national.add(o(thu), 5, count_start=False, pauses=paused) == o(date(2026, 2, 28))
    # a pause from before the start counts only from the start: 9 … 11 Mar paused → 12, 13, 16
    before = runs((date(2026, 3, 1), date(2026, 3, 11)))
    assert national.add(o(date(2026, 3, 6)), 3, count_start=False, pauses=before) == o(
        date(2026, 3, 16)
    )
    # the county's own festival: Mon 9 Mar + 3 → 11, 12, 13 (nationally 10, 11, 12)
    mon = date(2026, 3, 9)
    assert national.add(o(mon), 3, count_start=False, pauses=()) == o(date(2026, 3, 12))
    assert regional.add(o(mon), 3, count_start=False, pauses=()) == o(date(2026, 3, 13))
    # 0 days: due on the start
    assert national.add(o(thu), 0, count_start=False, pauses=()) == o(thu)


def test_hand_counted_provisional():
    # 28 Dec 2026 + 5: 29, 30, 31 Dec, Fri 1 Jan 2027 (no calendar yet), Mon 4 Jan
    start = date(2026, 12, 28)
    due = national.add(o(start), 5, count_start=False, pauses=())
    assert due == o(date(2027, 1, 4))
    assert national.provisional(o(start), 5, due, count_start=False, pauses=()) is True
    # 31 Dec 2025 (no calendar for 2025) + 1: counting from 1 Jan 2026, 2025 not looked at
    eve = date(2025, 12, 31)
    due = national.add(o(eve), 1, count_start=False, pauses=())
    assert due == o(date(2026, 1, 1))
    assert national.provisional(o(eve), 1, due, count_start=False, pauses=()) is False
    # …but when the start day counts, it is
    due = national.add(o(eve), 1, count_start=True, pauses=())
    assert due == o(eve)
    assert national.provisional(o(eve), 1, due, count_start=True, pauses=()) is True
    # a pause over every 2025 day looked at: not provisional (those days are not looked at)
    assert (
        national.provisional(
            o(date(2025, 12, 29)),
            2,
            o(date(2026, 1, 2)),
            count_start=False,
            pauses=runs((date(2025, 12, 30), date(2025, 12, 31))),
        )
        is False
    )
    # no day looked at
    assert national.provisional(o(start), 0, o(start), count_start=True, pauses=()) is False


def test_hand_counted_first_yellow_days():
    # due Thu 26 Feb, 2 days' warning: from Tue 24 Feb the 2nd working day after is 26 Feb
    # (from Mon 23, a holiday, it is 25 Feb)
    assert national.yellow_from(o(date(2026, 2, 26)), 2) == o(date(2026, 2, 24))
    # due Mon 2 Mar, 3 days: from Thu 26 Feb → 27, 28 (worked Saturday), 2 Mar
    assert national.yellow_from(o(date(2026, 3, 2)), 3) == o(date(2026, 2, 26))
    # no warning days: yellow on the due date itself
    assert national.yellow_from(o(date(2026, 3, 2)), 0) == o(date(2026, 3, 2))


def test_an_answer_outside_the_index_is_none():
    small = WorkdayIndex(NATIONAL, date(2026, 1, 1), date(2026, 12, 31))
    assert small.add(o(date(2026, 12, 28)), 10, count_start=False, pauses=()) is None
    assert small.add(o(date(2025, 12, 20)), 1, count_start=False, pauses=()) is None
    assert small.yellow_from(o(date(2026, 1, 2)), 5) is None


def _yellow_by_definition(calendar: WorkCalendar, due: date, warning: int) -> date:
    """The first day of the run of days before ``due`` whose warning threshold reaches it."""
    limit = due - timedelta(days=7 * warning + 40)
    day = due
    while (
        day > limit and add_working_days(day - timedelta(days=1), warning, calendar=calendar) >= due
    ):
        day -= timedelta(days=1)
    return day


PAUSE_SETS = [
    [],
    [Pause(date(2026, 2, 20), date(2026, 2, 26), "补正")],
    # overlapping and touching pauses (a 补正 inside a 特别程序), given out of order
    [
        Pause(date(2026, 3, 3), date(2026, 3, 9), "特别程序"),
        Pause(date(2026, 2, 25), date(2026, 3, 4), "补正"),
        Pause(date(2026, 3, 10), date(2026, 3, 10), "补正"),
    ],
    [Pause(date(2026, 12, 30), date(2027, 1, 6), "特别程序")],
]


def _merged(pauses: list[Pause]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for p in sorted(pauses, key=lambda p: p.start):
        if out and o(p.start) <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], o(p.end))
        else:
            out.append([o(p.start), o(p.end)])
    return [(a, b) for a, b in out]


def test_the_index_agrees_with_the_day_by_day_walk_on_every_start():
    for calendar, index in ((NATIONAL, national), (REGIONAL, regional)):
        start = date(2025, 12, 15)
        while start <= date(2027, 1, 10):
            for pauses in PAUSE_SETS:
                runs_ = _merged(pauses)
                for days in (0, 1, 3, 5, 20):
                    for count_start in (False, True):
                        walked = explain_due_date(
                            start, days, calendar=calendar, count_start=count_start, pauses=pauses
                        )
                        due = index.add(o(start), days, count_start=count_start, pauses=runs_)
                        assert due == o(walked.due_on), (start, days, count_start, pauses)
                        assert (
                            index.provisional(
                                o(start), days, due, count_start=count_start, pauses=runs_
                            )
                            is walked.provisional
                        ), (start, days, count_start, pauses)
            for warning in (0, 1, 2, 3, 5):
                assert index.yellow_from(o(start), warning) == o(
                    _yellow_by_definition(calendar, start, warning)
                ), (start, warning)
            start += timedelta(days=1)
