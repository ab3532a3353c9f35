"""
Working-day arithmetic. PURE: no database, no clock, no settings.

Rules (docs/legal.md#counting, 行政许可法 art. 82):

* A working day is Monday–Friday, unless the calendar's ``overrides`` say otherwise: a
  weekday off (holiday, 调休休息, local festival) or a weekend worked (调休上班).
* The acceptance day is day 0; counting starts the next working day (民法典 art. 201),
  unless ``count_start`` is set, in which case the start day counts when it is a working day.
* Days inside a ``Pause`` (special procedure, 行政许可法 art. 45, or a configured local pause)
  do not count; a pause is inclusive at both ends.
* A day in a year the calendar has no published data for (``known_years``) is computed
  Monday–Friday, and a due date that relies on such a day is *provisional*.

::

    start (day 0)  Fri  Sat  Sun  Mon  ...  Tue(holiday)  Wed
                    1    -    -    2         -             3 = due on
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

WEEKEND_REASON = "周末"
ADJUSTED_REASON = "调休上班"

# kinds of SkippedDay: the calendar's own kinds (holiday, in_lieu, local) plus these two
WEEKEND = "weekend"
PAUSED = "paused"
HOLIDAY = "holiday"


@dataclass(frozen=True)
class WorkCalendar:
    """Mon–Fri are working days unless ``overrides`` says otherwise."""

    overrides: Mapping[date, bool]  # date -> is_workday
    known_years: frozenset[int] = frozenset()  # years with a published (national) arrangement
    reasons: Mapping[date, str] = field(default_factory=dict)  # date -> "春节", "春节调休上班"
    kinds: Mapping[date, str] = field(default_factory=dict)  # date -> DayKind value

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5

    def is_known(self, day: date) -> bool:
        return day.year in self.known_years


@dataclass(frozen=True)
class Pause:
    """The clock does not run from ``start`` to ``end``, both included."""

    start: date
    end: date
    reason: str


@dataclass(frozen=True)
class SkippedDay:
    day: date
    kind: str  # "weekend" | "holiday" | "in_lieu" | "local" | "paused"
    reason: str  # "周末", the festival's name ("春节"), or the pause's reason


@dataclass(frozen=True)
class AdjustedDay:
    """A weekend day that counted because the notice made it a working day (调休上班)."""

    day: date
    reason: str


@dataclass(frozen=True)
class DueDate:
    start: date
    days: int
    due_on: date
    provisional: bool
    counted: tuple[date, ...]
    skipped: tuple[SkippedDay, ...]
    provisional_years: tuple[int, ...]
    count_start: bool = False
    adjusted: tuple[AdjustedDay, ...] = ()  # counted days that are 调休上班 weekends
    pauses: tuple[Pause, ...] = ()


def _check(days: int, pauses: Sequence[Pause]) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"days must be a non-negative integer, not {days!r}")
    for pause in pauses:
        if pause.end < pause.start:
            raise ValueError(f"pause ends before it starts: {pause!r}")


def _paused_by(day: date, pauses: Sequence[Pause]) -> Pause | None:
    for pause in pauses:
        if pause.start <= day <= pause.end:
            return pause
    return None


def _skip_reason(day: date, calendar: WorkCalendar) -> SkippedDay:
    if day in calendar.overrides:  # a weekday off by the notice
        kind = calendar.kinds.get(day, HOLIDAY)
        return SkippedDay(day, kind, calendar.reasons.get(day, "") or kind)
    return SkippedDay(day, WEEKEND, WEEKEND_REASON)


def explain_due_date(
    start: date,
    days: int,
    *,
    calendar: WorkCalendar,
    count_start: bool = False,
    pauses: Sequence[Pause] = (),
) -> DueDate:
    """
    Return the due date ``days`` working days after ``start``, with every day on the way.

    ``skipped`` lists each day between the first candidate day and the due date that did not
    count, with why; ``counted`` lists the working days that did; ``adjusted`` notes counted
    weekend days (调休上班). ``days == 0`` is due on ``start`` itself.
    """
    _check(days, pauses)
    counted: list[date] = []
    skipped: list[SkippedDay] = []
    adjusted: list[AdjustedDay] = []
    unknown: set[int] = set()
    day = start if count_start else start + timedelta(days=1)
    due_on = start
    while len(counted) < days:
        pause = _paused_by(day, pauses)
        if pause is not None:
            skipped.append(SkippedDay(day, PAUSED, pause.reason))
        else:
            if not calendar.is_known(day):
                unknown.add(day.year)
            if calendar.is_workday(day):
                counted.append(day)
                due_on = day
                if day.weekday() >= 5:
                    adjusted.append(AdjustedDay(day, calendar.reasons.get(day) or ADJUSTED_REASON))
            else:
                skipped.append(_skip_reason(day, calendar))
        day += timedelta(days=1)
    return DueDate(
        start=start,
        days=days,
        due_on=due_on,
        provisional=bool(unknown),
        counted=tuple(counted),
        skipped=tuple(skipped),
        provisional_years=tuple(sorted(unknown)),
        count_start=count_start,
        adjusted=tuple(adjusted),
        pauses=tuple(pauses),
    )


def add_working_days(
    start: date,
    days: int,
    *,
    calendar: WorkCalendar,
    count_start: bool = False,
    pauses: Sequence[Pause] = (),
) -> date:
    """Return the date ``days`` working days after ``start`` (``start`` is day 0)."""
    return explain_due_date(
        start, days, calendar=calendar, count_start=count_start, pauses=pauses
    ).due_on


def working_days_between(start: date, end: date, *, calendar: WorkCalendar) -> int:
    """
    Return the number of working days in ``(start, end]``.

    Negative when ``end`` is before ``start`` (minus the working days in ``(end, start]``), so
    ``working_days_between(today, due_on)`` reads as "working days left" and goes below zero
    once overdue.
    """
    if end < start:
        return -working_days_between(end, start, calendar=calendar)
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if calendar.is_workday(day):
            count += 1
        day += timedelta(days=1)
    return count


class WorkdayIndex:
    """
    ``calendar``'s working days from ``first`` to ``last`` as a sorted list of ordinals, so
    that "the N-th working day after a day" is a bisection and an index, not a walk.

    Gives the same dates as ``explain_due_date`` / ``add_working_days`` (the tests compare
    both with hand-counted dates); ``None`` when an answer would leave ``first`` … ``last``
    (the caller then walks with ``explain_due_date``).

    perf (issue #16, part 4): the due-date recompute after a calendar import asks this for
    every open item (a million at province scale); ``explain_due_date`` walks day by day and
    builds its explanation, which only a changed item needs.
    """

    __slots__ = ("first", "last", "days", "known_years")

    def __init__(self, calendar: WorkCalendar, first: date, last: date) -> None:
        self.first, self.last = first.toordinal(), last.toordinal()
        self.known_years = calendar.known_years
        days = []
        day = first
        step = timedelta(days=1)
        while day <= last:
            if calendar.is_workday(day):
                days.append(day.toordinal())
            day += step
        self.days = days

    def _at(self, index: int) -> int | None:
        return self.days[index] if 0 <= index < len(self.days) else None

    def add(
        self, start: int, days: int, *, count_start: bool, pauses: Sequence[tuple[int, int]]
    ) -> int | None:
        """
        The ordinal ``days`` working days after ``start`` (``explain_due_date``'s ``due_on``);
        ``pauses``: merged (start, end) ordinal runs in order, both ends inside the pause.
        """
        if days == 0:
            return start
        first = start if count_start else start + 1
        if first < self.first:
            return None
        pos = bisect_left(self.days, first)  # the next working day that may count
        remaining = days
        for p_start, p_end in pauses:
            if p_end < first:
                continue
            before = bisect_left(self.days, max(p_start, first)) - pos  # counted before it
            if before >= remaining:
                break
            if before > 0:
                remaining -= before
            pos = max(pos, bisect_right(self.days, p_end))
        due = self._at(pos + remaining - 1)
        return due if due is not None and due <= self.last else None

    def provisional(
        self,
        start: int,
        days: int,
        due: int,
        *,
        count_start: bool,
        pauses: Sequence[tuple[int, int]],
    ) -> bool:
        """
        ``explain_due_date``'s ``provisional``: a day it looked at (the first candidate day to
        the due date ``due``, paused days not looked at) lies in a year with no published
        calendar.
        """
        if days == 0:  # no day looked at
            return False
        first = start if count_start else start + 1
        first_year, last_year = date.fromordinal(first).year, date.fromordinal(due).year
        for year in range(first_year, last_year + 1):
            if year in self.known_years:
                continue
            lo = max(first, date(year, 1, 1).toordinal())
            hi = min(due, date(year, 12, 31).toordinal())
            for p_start, p_end in pauses:  # is every day of lo … hi paused?
                if p_end < lo or p_start > lo:
                    continue
                lo = p_end + 1
            if lo <= hi:
                return True
        return False

    def yellow_from(self, due: int, warning_days: int) -> int | None:
        """
        ``deadlines.yellow_from``'s answer: the first day ``d`` with the ``warning_days``-th
        working day after ``d`` on or after ``due``, looking back at most
        ``7 × warning_days + 40`` days.
        """
        if warning_days == 0:
            return due
        j = bisect_left(self.days, due)  # the first working day on or after ``due``
        threshold = self._at(j - warning_days)
        if threshold is None or j >= len(self.days):
            return None
        return max(threshold, due - (7 * warning_days + 40))
