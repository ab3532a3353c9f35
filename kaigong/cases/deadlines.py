"""
Due dates of case items and cases: the ONLY place that combines a limit, its start day,
pauses and extensions (STYLE.md 3.6). Services call these and store the results.

Rules (DESIGN.md §5, docs/legal.md#counting):

* Day 0 is the acceptance day (or the day an item's prerequisite was met); counting starts
  the next working day unless the matter counts the acceptance day itself.
  # rule: 民法典 art. 201 "开始的当日不计入"; 行政许可法 art. 82 working days (docs/legal.md#counting)
* Promised limits drive warnings, statutory limits legality; both are computed and stored.
* Key projects: promised limits × the bundle's factor, rounded up (高明 48 × 0.7 → 34).
* Approved extensions add working days to both limits (行政许可法 art. 42).
* A bundle's dates account for every item: a waiting item is projected from its
  prerequisites' due dates; the bundle's promised date never passes its statutory one.
* Pauses (special procedures, art. 45) do not count: a pause from S resumed on R stops the
  clock on S … R−1; an open pause stops it up to the day of computation.
* A due date reaching a year with no published calendar is provisional; importing that
  year recomputes every open due date (services.clock.deadlines_recompute_open).
* Yellow when at most N working days remain (N = the matter's warning days, else
  ``settings.KAIGONG_WARNING_DAYS_DEFAULT``), red once the promised due date has passed.
  Overdue is a query (selectors), never a stored flag.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from django.conf import settings

from kaigong.calendars.constants import MAX_DAYS, MAX_YEAR, MIN_YEAR, NATIONAL
from kaigong.calendars.selectors import calendar_regions, due_date, work_calendar
from kaigong.calendars.workdays import (
    DueDate,
    Pause,
    WorkdayIndex,
    add_working_days,
    working_days_between,
)
from kaigong.cases.constants import CORRECTION_NOTICE_WORKING_DAYS, ItemStatus, WarningColour
from kaigong.catalog.constants import LimitUnit
from kaigong.catalog.selectors import key_project_limit

if TYPE_CHECKING:
    from kaigong.cases.models import Case, CaseItem, ClockPause
    from kaigong.catalog.models import MatterVersion

HOURS_PER_WORKING_DAY = 8


def region_of(case: Case) -> str:
    """The calendar region of a case: the county of its project (6-digit GB/T 2260)."""
    return region_of_code(case.project.region_code)


def region_of_code(region_code: str | None) -> str:
    """``region_of`` from the project's ``region_code``."""
    code = (region_code or "")[:6]
    return code if len(code) == 6 and code.isdigit() else ""


def _working_days(limit: int, unit: str) -> int:
    # rule: hour limits (工作日小时) are converted to whole working days of 8 hours
    # (a local convention; docs/legal.md#counting)
    if unit == LimitUnit.WORKING_HOURS:
        return math.ceil(limit / HOURS_PER_WORKING_DAY)
    return limit


def promised_limit_days(
    limit: int, unit: str, *, key_project: bool, factor, extension_days: int
) -> int:
    """The promised limit of an item in days from plain values (the matter version's limit
    and unit, the project's key-project flag, the bundle's factor, the item's extensions):
    ``item_limits``' first figure, for readers that load plain tuples (supervision's
    batched figures)."""
    promised = _working_days(limit, unit)
    if key_project:
        promised = key_project_limit(promised, factor)
    return promised + extension_days


def item_limits(item: CaseItem) -> tuple[int, int]:
    """(promised, statutory) limits of ``item`` in days, with key-project factor and extensions."""
    version: MatterVersion = item.matter_version
    project = item.case.project
    return limits_of(
        version.promised_limit,
        version.promised_limit_unit,
        version.statutory_limit,
        version.statutory_limit_unit,
        key_project_factor=item.case.bundle.key_project_factor if project.is_key_project else None,
        key_project=project.is_key_project,
        extension_days=item.extension_days,
    )


def limits_of(
    promised_limit: int,
    promised_unit: str,
    statutory_limit: int,
    statutory_unit: str,
    *,
    key_project: bool,
    key_project_factor: Decimal | None,
    extension_days: int,
) -> tuple[int, int]:
    """``item_limits`` from the columns it reads."""
    promised = promised_limit_days(
        promised_limit, promised_unit, key_project=key_project, factor=key_project_factor,
        extension_days=extension_days,
    )  # fmt: skip
    return promised, _working_days(statutory_limit, statutory_unit) + extension_days


class PauseLike(Protocol):
    """A ClockPause, or its three values (supervision's batched figures read tuples)."""

    @property
    def started_on(self) -> date: ...
    @property
    def resumed_on(self) -> date | None: ...
    @property
    def reason(self) -> str: ...


def pauses_as_periods(
    pauses: Iterable[ClockPause] | Iterable[PauseLike], *, on: date
) -> list[Pause]:
    """The days each pause stops the clock: started_on … resumed_on − 1 (or … ``on`` if open)."""
    periods = []
    for pause in pauses:
        end = pause_end_on(pause.started_on, pause.resumed_on, on=on)
        if end >= pause.started_on:
            periods.append(Pause(start=pause.started_on, end=end, reason=pause.reason))
    return periods


def pause_end_on(started_on: date, resumed_on: date | None, *, on: date) -> date:
    """The last day a pause stops the clock (before ``started_on``: it stops none)."""
    return resumed_on - timedelta(days=1) if resumed_on else max(started_on, on)


def _due(
    start: date, days: int, unit: str, *, region: str, count_start: bool, pauses: Sequence[Pause]
) -> DueDate:
    if unit == LimitUnit.NATURAL_DAYS:
        # rule: natural-day limits run on calendar days; pauses still stop them
        # (docs/legal.md#counting)
        paused = sum((p.end - p.start).days + 1 for p in pauses)
        offset = days - 1 if count_start and days else days
        return DueDate(
            start=start,
            days=days,
            due_on=start + timedelta(days=offset + paused),
            provisional=False,
            counted=(),
            skipped=(),
            provisional_years=(),
            count_start=count_start,
            pauses=tuple(pauses),
        )
    return due_date(start, days, region_code=region, count_start=count_start, pauses=pauses)


@dataclass(frozen=True)
class ItemDue:
    promised: DueDate
    statutory: DueDate

    @property
    def provisional(self) -> bool:
        return self.promised.provisional or self.statutory.provisional


def item_due_dates(
    item: CaseItem, *, on: date, pauses: Iterable[ClockPause] | None = None
) -> ItemDue:
    """Promised and statutory due dates of a started item, explained day by day."""
    assert item.clock_started_on is not None, "the item's clock has not started"
    version = item.matter_version
    promised_days, statutory_days = item_limits(item)
    periods = pauses_as_periods(item.pauses.all() if pauses is None else pauses, on=on)
    region = region_of(item.case)
    common = {"region": region, "count_start": item.count_start_day, "pauses": periods}
    return ItemDue(
        promised=_due(
            item.clock_started_on,
            promised_days,
            _unit(version.promised_limit_unit),
            **common,
        ),
        statutory=_due(
            item.clock_started_on,
            statutory_days,
            _unit(version.statutory_limit_unit),
            **common,
        ),
    )


def _unit(unit: str) -> str:
    return LimitUnit.NATURAL_DAYS if unit == LimitUnit.NATURAL_DAYS else LimitUnit.WORKING_DAYS


def item_due_explanation(item: CaseItem, *, on: date, which: str = "promised") -> DueDate:
    """The calendars ``DueDate`` of the item's promised (or statutory) due date."""
    due = item_due_dates(item, on=on)
    return due.statutory if which == "statutory" else due.promised


def merge_periods(periods: Iterable[Pause]) -> list[Pause]:
    """Overlapping or touching pauses merged into one, in order."""
    merged: list[Pause] = []
    for p in sorted(periods, key=lambda p: p.start):
        if merged and p.start <= merged[-1].end + timedelta(days=1):
            last = merged[-1]
            merged[-1] = Pause(start=last.start, end=max(last.end, p.end), reason=last.reason)
        else:
            merged.append(p)
    return merged


DEAD_STATUSES = frozenset({ItemStatus.DENIED, ItemStatus.WITHDRAWN, ItemStatus.TERMINATED})


def item_projected_due_dates(
    items: Sequence[CaseItem], *, region: str
) -> dict[int, tuple[date, date, bool]]:
    """
    (promised, statutory, provisional) per item (by position in ``items``): the stored
    dates of a started item; for a waiting one, its limits counted from the latest due date
    of its prerequisites in the case (promised from their promised dates, statutory from
    their statutory ones, through chains of waiting items). An item that never started
    and never will (denied, withdrawn, terminated) has none.
    """
    by_matter = {i.matter_version.matter_id: n for n, i in enumerate(items)}
    memo: dict[int, tuple[date, date, bool] | None] = {}

    def dates(n: int, stack: frozenset[int]) -> tuple[date, date, bool] | None:
        if n in memo:
            return memo[n]
        item = items[n]
        result: tuple[date, date, bool] | None = None
        if item.promised_due_on is not None and item.statutory_due_on is not None:
            result = (item.promised_due_on, item.statutory_due_on, bool(item.provisional))
        elif item.status not in DEAD_STATUSES:
            before = [
                dates(by_matter[d.prerequisite_id], stack | {n})
                for d in item.matter_version.dependencies.all()
                if d.prerequisite_id in by_matter
                and by_matter[d.prerequisite_id] != n
                and by_matter[d.prerequisite_id] not in stack
            ]
            known = [b for b in before if b is not None]
            if known:
                version = item.matter_version
                promised_days, statutory_days = item_limits(item)
                # rule: day 0 is the day the prerequisite is met (docs/legal.md#minfadian-art-201)
                common = {"region": region, "count_start": False, "pauses": ()}
                promised = _due(
                    max(k[0] for k in known),
                    promised_days,
                    _unit(version.promised_limit_unit),
                    **common,
                )
                statutory = _due(
                    max(k[1] for k in known),
                    statutory_days,
                    _unit(version.statutory_limit_unit),
                    **common,
                )
                result = (
                    promised.due_on,
                    statutory.due_on,
                    promised.provisional or statutory.provisional or any(k[2] for k in known),
                )
        memo[n] = result
        return result

    out = {}
    for n in range(len(items)):
        got = dates(n, frozenset())
        if got is not None:
            out[n] = got
    return out


def case_due_dates(
    case: Case, items: Sequence[CaseItem], *, on: date
) -> tuple[date | None, date | None, bool]:
    """
    (promised, statutory, provisional) due dates of the whole bundle, over EVERY item:
    started ones by their stored dates, waiting ones projected from their prerequisites
    (``item_projected_due_dates``).

    With an overall promised limit the bundle's clock runs from acceptance, stopped while any
    item is paused and extended by the longest approved extension; without one it is the
    latest promised date of its items. The statutory date is the latest of the items'.
    # rule: a promise never exceeds the law (承诺时限 ≤ 法定时限, 国务院令716 第6条;
    # docs/legal.md#gbt-39046): a bundle promise reaching past the statutory date is cut to it,
    # so the promised date is never after the statutory one.
    """
    region = region_of(case)
    projected = list(item_projected_due_dates(items, region=region).values())
    statutory = max((p[1] for p in projected), default=None)
    provisional = any(p[2] for p in projected)
    bundle = case.bundle
    if bundle.promised_limit and case.accepted_on is not None:
        limit = bundle.promised_limit
        if case.project.is_key_project:
            limit = key_project_limit(limit, bundle.key_project_factor)
        limit += max((i.extension_days for i in items), default=0)
        periods = merge_periods(
            p for i in items if i.pk for p in pauses_as_periods(i.pauses.all(), on=on)
        )
        result = due_date(case.accepted_on, limit, region_code=region, pauses=periods)
        promised: date | None = result.due_on
        provisional = provisional or result.provisional
    else:
        promised = max((p[0] for p in projected), default=None)
    if promised is not None and statutory is not None and promised > statutory:
        promised = statutory
    return promised, statutory, provisional


def correction_notice_due_on(received_on: date, *, region_code: str = "") -> date:
    """
    The last day to send the one-time correction notice.

    # rule: within 5 (working) days of receipt, else accepted from receipt (行政许可法 art. 32)
    """
    return due_date(received_on, CORRECTION_NOTICE_WORKING_DAYS, region_code=region_code).due_on


def warning_days_for(version: MatterVersion) -> int:
    return warning_days_or_default(version.warning_days)


def warning_days_or_default(warning_days: int | None) -> int:
    """A version's ``warning_days``, else ``settings.KAIGONG_WARNING_DAYS_DEFAULT``."""
    if warning_days is not None:
        return warning_days
    return settings.KAIGONG_WARNING_DAYS_DEFAULT


def warning_threshold(on: date, days: int, *, region_code: str = "") -> date:
    """Items due on or before this date are yellow on ``on`` (at most ``days`` WD left)."""
    return add_working_days(on, days, calendar=work_calendar(region_code))


def yellow_from(due_on: date, warning_days: int, *, region_code: str = "") -> date:
    """
    The first day an item due on ``due_on`` is yellow: the earliest ``d`` with
    ``warning_threshold(d, warning_days) >= due_on`` (the threshold never decreases as the
    day moves on, so the item stays yellow from then until it is due).
    """
    calendar = work_calendar(region_code)
    day = due_on
    # at most a few weeks back even across the Spring Festival
    for _step in range(7 * warning_days + 40):
        before = day - timedelta(days=1)
        if add_working_days(before, warning_days, calendar=calendar) < due_on:
            break
        day = before
    return day


def warning_colour(
    due_on: date | None, *, on: date, warning_days: int, region_code: str = ""
) -> WarningColour:
    """Green, yellow or red for a promised due date seen on ``on``."""
    if due_on is None:
        return WarningColour.NONE
    if due_on < on:
        return WarningColour.RED
    if due_on <= warning_threshold(on, warning_days, region_code=region_code):
        return WarningColour.YELLOW
    return WarningColour.GREEN


def working_days_left(due_on: date, *, on: date, region_code: str = "") -> int:
    """Working days in (on, due_on]; negative once overdue."""
    return working_days_between(on, due_on, calendar=work_calendar(region_code))


# rule: the applicant is told in writing how long a special procedure takes (行政许可法 art.
# 45); a pause from S planned for N working days ends on the N-th working day counting S
MAX_PAUSE_PLANNED_DAYS = 365


def pause_planned_end_on(started_on: date, working_days: int, *, region_code: str = "") -> date:
    """The planned last day of a pause of ``working_days`` working days from ``started_on``."""
    return due_date(started_on, working_days, region_code=region_code, count_start=True).due_on


# The days a ``DueIndex`` holds: every start the calendars app accepts (``due_date_check``)
# and eleven years past the last (≈ 41,000 days, ≈ 29,000 working days a calendar); a due
# date beyond: ``None``, the caller walks the day-by-day path.
_INDEX_FIRST, _INDEX_LAST = date(MIN_YEAR, 1, 1), date(MAX_YEAR + 11, 12, 31)


class DueIndex:
    """
    ``item_due_changes``' four fields from plain column values, for a run over many items
    (the due-date recompute after a calendar import): the working-day calendars of the run
    held once as ``WorkdayIndex`` (the national one, and one per region with days of its
    own), so that an item's dates are a few bisections.

    ``None`` when it cannot tell (a date outside the index, a start or a limit the calendars
    app refuses): the caller computes that item with ``item_due_changes``.

    perf (issue #16, part 4): the same arithmetic as ``item_due_dates`` / ``yellow_from``
    without ORM instances or the day-by-day explanation; the tests check it against
    hand-counted dates and against ``item_due_changes``.
    """

    def __init__(self) -> None:
        self._regions = calendar_regions()
        self._indexes: dict[str, WorkdayIndex] = {}

    def calendar_of(self, region: str) -> str:
        """The calendar ``region`` counts on: its own when it has days of its own."""
        return region if region in self._regions else NATIONAL

    def _index(self, region: str) -> WorkdayIndex:
        key = self.calendar_of(region)
        index = self._indexes.get(key)
        if index is None:
            index = WorkdayIndex(work_calendar(key), _INDEX_FIRST, _INDEX_LAST)
            self._indexes[key] = index
        return index

    def fields(
        self,
        start: date,
        limits: tuple[int, int],
        units: tuple[str, str],
        *,
        region: str,
        count_start: bool,
        pauses: Sequence[tuple[date, date]],
        warning_days: int,
    ) -> tuple[date, date, date, bool] | None:
        """
        (promised_due_on, statutory_due_on, yellow_from_on, provisional) of an item whose
        clock started on ``start`` with ``limits`` (``item_limits``) in ``units`` (the
        version's promised and statutory units); ``pauses``: its (start, end) periods
        (``pauses_as_periods``).
        """
        index = self._index(region)
        runs = [
            (p.start.toordinal(), p.end.toordinal())
            for p in merge_periods(Pause(start=s, end=e, reason="") for s, e in pauses)
        ]
        paused = sum((e - s).days + 1 for s, e in pauses)
        out: list[int] = []
        provisional = False
        begin = start.toordinal()
        for days, unit in zip(limits, units, strict=True):
            if _unit(unit) == LimitUnit.NATURAL_DAYS:  # as ``_due``: calendar days
                offset = days - 1 if count_start and days else days
                out.append(begin + offset + paused)
                continue
            if not (MIN_YEAR <= start.year <= MAX_YEAR) or not (0 <= days <= MAX_DAYS):
                return None  # ``due_date_check`` refuses it: let the caller's walk say so
            due = index.add(begin, days, count_start=count_start, pauses=runs)
            if due is None:
                return None
            out.append(due)
            provisional = provisional or index.provisional(
                begin, days, due, count_start=count_start, pauses=runs
            )
        yellow = index.yellow_from(out[0], warning_days)
        if yellow is None:
            return None
        return (
            date.fromordinal(out[0]),
            date.fromordinal(out[1]),
            date.fromordinal(yellow),
            provisional,
        )
