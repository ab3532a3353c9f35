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
