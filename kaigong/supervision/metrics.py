"""
The province's figures of a case item, from the platform's own state log (next-capabilities
§1, SPGL_XMSPSXBLXXXXB): every figure carries its explanation.

# rule: 承诺办结时间 = 受理 + the limit in working days; 审批用时 = working days from 受理 to
# 办结 (or now) minus 补正, 特别程序 and 中介服务 time; 跨度用时 in natural days; 是否超期 = 审批用时 >
# limit (docs/legal.md#sup-formulas)

Conventions (the calendars clock, never weekdays counted here):

* The item's 受理 day is its clock's day 0 (``clock_started_on``: the acceptance day, or the
  day its prerequisite was met); the days counted are (受理, 办结], or [受理, 办结] when the
  matter counts the acceptance day (domain.md §4.2).
* 特别程序 days: each pause's started_on … resumed_on − 1 (cases.deadlines.pauses_as_periods).
* 补正 days: the applicant's court from the day after the notice to the day of resubmission.
* 中介服务 days: an intermediary's working time for the case (marketplace's clock segments,
  the contract's signing to the filed report) is not the government's time either; a day
  already subtracted as 特别程序 or 补正 is not subtracted twice.
* Withdrawn and terminated items stop their clock on the day the case closed; a withdrawn
  item is never overdue (the 滁州 bug of next-capabilities §1).
* Time by party: each working day from 接件 to 办结 is the applicant's (补正, and after a
  容缺 approval until the deferred materials arrive), the special procedure's, the
  intermediary's, the prerequisite's (accepted but waiting) or else the government's; a day
  is one party's only.
* Steps (环节): 受理 is (接件, 受理]; 审查 runs from the item's day 0 until the opinion is
  given, 决定 from the opinion to the decision (a send-back returns the days to 审查); each
  step's own days minus its 补正, 特别程序 and 中介服务 days, against the step's duration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from kaigong.calendars.workdays import WEEKEND, WEEKEND_REASON, Pause, WorkCalendar

from .constants import Party, Step

PARTY_ORDER = (
    Party.SPECIAL, Party.APPLICANT, Party.INTERMEDIARY, Party.PREREQUISITE, Party.GOVERNMENT,
)  # fmt: skip


@dataclass(frozen=True)
class Interval:
    """Days ``start`` … ``end``, both included, with why."""

    start: date
    end: date
    reason: str

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Skipped:
    day: date
    kind: str
    reason: str


@dataclass(frozen=True)
class Segment:
    """A run of consecutive days in one party's court."""

    party: str
    start: date
    end: date
    working_days: int
    reason: str


@dataclass(frozen=True)
class ItemFacts:
    """What the state log says about one item (loaded by ``selectors.item_facts``)."""

    received_on: date | None  # 接件
    accepted_on: date | None  # the case's 受理 day
    clock_started_on: date | None  # the item's day 0
    finished_on: date | None  # 办结, or the day a withdrawn/terminated case closed
    limit_days: int
    count_start: bool = False
    natural_days: bool = False
    withdrawn: bool = False
    pauses: tuple[Pause, ...] = ()
    corrections: tuple[Interval, ...] = ()
    supplements: tuple[Interval, ...] = ()  # after a 容缺 approval, until materials arrive
    intermediary: tuple[Interval, ...] = ()  # an intermediary's service for the case
    # (day, step) from the item's transitions: the step the item is in from the day after
    steps: tuple[tuple[date, str], ...] = ()


@dataclass(frozen=True)
class ItemFigures:
    received_on: date | None
    accepted_on: date | None
    finished_on: date | None
    end_on: date | None  # 办结, or "now" for an open item
    limit_days: int
    promised_on: date | None  # 承诺办结时间
    gross_days: int  # working days 受理 → 办结/now
    correction_days: int
    special_days: int
    approval_days: int  # 审批用时
    span_days: int  # 跨度用时
    overdue: bool  # 是否超期
    open: bool
    by_party: dict[str, int] = field(default_factory=dict)
    segments: tuple[Segment, ...] = ()
    skipped: tuple[Skipped, ...] = ()  # non-working days of the counted window
    adjusted: tuple[date, ...] = ()  # 调休上班 weekends that counted
    subtracted: tuple[Segment, ...] = ()  # the 补正, 特别程序 and 中介服务 runs inside the window
    intermediary_days: int = 0


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def _skip(day: date, calendar: WorkCalendar) -> Skipped:
    if day in calendar.overrides:
        kind = calendar.kinds.get(day, "holiday")
        return Skipped(day, kind, calendar.reasons.get(day, "") or kind)
    return Skipped(day, WEEKEND, WEEKEND_REASON)


def _in_any(day: date, intervals: Sequence[Interval | Pause]) -> Interval | Pause | None:
    for interval in intervals:
        if interval.start <= day <= interval.end:
            return interval
    return None


def _add_working_days(start: date, days: int, calendar: WorkCalendar, count_start: bool) -> date:
    counted = 0
    day = start if count_start else start + timedelta(days=1)
    due = start
    while counted < days:
        if calendar.is_workday(day):
            counted += 1
            due = day
        day += timedelta(days=1)
    return due


def item_figures(facts: ItemFacts, *, calendar: WorkCalendar, today: date) -> ItemFigures:
    """The province's figures of one item on ``today``, explained."""
    open_ = facts.finished_on is None
    start = facts.clock_started_on
    end = facts.finished_on or today
    is_work = (lambda d: True) if facts.natural_days else calendar.is_workday
    gross = corr = special = intermediary = 0
    skipped: list[Skipped] = []
    adjusted: list[date] = []
    subtracted_days: list[tuple[str, date, str]] = []
    promised_on = None
    if start is not None:
        promised_on = (
            start + timedelta(days=facts.limit_days - (1 if facts.count_start else 0))
            if facts.natural_days
            else _add_working_days(start, facts.limit_days, calendar, facts.count_start)
        )
        first = start if facts.count_start else start + timedelta(days=1)
        for day in _days(first, end):
            if not is_work(day):
                skipped.append(_skip(day, calendar))
                continue
            gross += 1
            if day.weekday() >= 5 and not facts.natural_days:
                adjusted.append(day)
            pause = _in_any(day, facts.pauses)
            if pause is not None:
                special += 1
                subtracted_days.append((Party.SPECIAL, day, pause.reason))
                continue
            correction = _in_any(day, facts.corrections)
            if correction is not None:
                corr += 1
                subtracted_days.append((Party.APPLICANT, day, correction.reason))
                continue
            service = _in_any(day, facts.intermediary)
            if service is not None:
                intermediary += 1
                subtracted_days.append((Party.INTERMEDIARY, day, service.reason))
    approval = gross - corr - special - intermediary
    overdue = start is not None and not facts.withdrawn and approval > facts.limit_days
    span = (end - facts.received_on).days if facts.received_on else 0
    segments = _party_segments(facts, calendar=calendar, end=end, today=today)
    by_party = {str(p): 0 for p in PARTY_ORDER}
    for seg in segments:
        by_party[seg.party] += seg.working_days
    return ItemFigures(
        received_on=facts.received_on,
        accepted_on=start,
        finished_on=facts.finished_on,
        end_on=end,
        limit_days=facts.limit_days,
        promised_on=promised_on,
        gross_days=gross,
        correction_days=corr,
        special_days=special,
        intermediary_days=intermediary,
        approval_days=approval,
        span_days=span,
        overdue=overdue,
        open=open_,
        by_party=by_party,
        segments=tuple(segments),
        skipped=tuple(skipped),
        adjusted=tuple(adjusted),
        subtracted=tuple(_runs(subtracted_days, calendar)),
    )


def _runs(days: list[tuple[str, date, str]], calendar: WorkCalendar) -> list[Segment]:
    """Consecutive working days of the same party and reason as one segment."""
    runs: list[Segment] = []
    for party, day, reason in days:
        last = runs[-1] if runs else None
        if (
            last is not None
            and last.party == party
            and last.reason == reason
            and all(
                not calendar.is_workday(d)
                for d in _days(last.end + timedelta(1), day - timedelta(1))
            )
        ):
            runs[-1] = Segment(party, last.start, day, last.working_days + 1, reason)
        else:
            runs.append(Segment(party, day, day, 1, reason))
    return runs


def _party_of(facts: ItemFacts, day: date, end_of_clock: date) -> tuple[str, str]:
    pause = _in_any(day, facts.pauses)
    if pause is not None:
        return Party.SPECIAL, pause.reason
    correction = _in_any(day, facts.corrections)
    if correction is not None:
        return Party.APPLICANT, correction.reason
    service = _in_any(day, facts.intermediary)
    if service is not None and day <= end_of_clock:
        return Party.INTERMEDIARY, service.reason
    if day > end_of_clock:
        supplement = _in_any(day, facts.supplements)
        return Party.APPLICANT, supplement.reason if supplement else ""
    if (
        facts.accepted_on is not None
        and facts.clock_started_on is not None
        and facts.accepted_on < day <= facts.clock_started_on
    ):
        return Party.PREREQUISITE, "前置事项未办结"
    if facts.accepted_on is not None and facts.clock_started_on is None and day > facts.accepted_on:
        return Party.PREREQUISITE, "前置事项未办结"
    return Party.GOVERNMENT, ""


def _party_segments(
    facts: ItemFacts, *, calendar: WorkCalendar, end: date, today: date
) -> list[Segment]:
    if facts.received_on is None:
        return []
    last = end
    for supplement in facts.supplements:
        last = max(last, min(supplement.end, today))
    days = []
    for day in _days(facts.received_on + timedelta(days=1), last):
        if not calendar.is_workday(day):
            continue
        if day > end and _in_any(day, facts.supplements) is None:
            continue
        party, reason = _party_of(facts, day, end)
        days.append((str(party), day, reason))
    return _runs(days, calendar)


@dataclass(frozen=True)
class GroupFigures:
    """Stage or bundle level: concluded when every item is, overdue when its time exceeds."""

    items: int
    concluded: bool
    finished_on: date | None
    approval_days: int
    limit_days: int
    overdue: bool
    overdue_items: int


def group_figures(figures: Sequence[ItemFigures], *, limit_days: int | None = None) -> GroupFigures:
    """
    # rule: a stage (bundle) is concluded when all its items are, and overdue when its 审批用时
    # (the longest of its items', the items running in parallel) exceeds its limit (the
    # bundle's promised limit, else the longest item limit) (docs/legal.md#sup-formulas)
    """
    concluded = all(not f.open for f in figures) and bool(figures)
    approval = max((f.approval_days for f in figures), default=0)
    limit = limit_days if limit_days else max((f.limit_days for f in figures), default=0)
    return GroupFigures(
        items=len(figures),
        concluded=concluded,
        finished_on=max((f.finished_on for f in figures if f.finished_on), default=None)
        if concluded
        else None,
        approval_days=approval,
        limit_days=limit,
        overdue=any(f.overdue for f in figures) or (bool(figures) and approval > limit),
        overdue_items=sum(1 for f in figures if f.overdue),
    )


# -- steps (环节) -------------------------------------------------------------------------

STEPS: tuple[str, ...] = tuple(Step.values)  # perf: the enum's values rebuilt on every access


@dataclass(frozen=True)
class StepFigures:
    """One step's time used against its own duration, with what was subtracted."""

    step: str
    start: date | None  # its days are (start, end]
    end: date | None
    allowed_days: int
    used_days: int
    gross_days: int
    subtracted: tuple[Segment, ...]
    running: bool  # the item is in this step now
    overrun: bool  # used > allowed
    warning: bool  # overrun although the item is within its limit
    source: str  # "matter" (the matter's step durations) or "default"


def _subtracted_party(facts: ItemFacts, day: date) -> tuple[str, str] | None:
    pause = _in_any(day, facts.pauses)
    if pause is not None:
        return Party.SPECIAL, pause.reason
    correction = _in_any(day, facts.corrections)
    if correction is not None:
        return Party.APPLICANT, correction.reason
    service = _in_any(day, facts.intermediary)
    if service is not None:
        return Party.INTERMEDIARY, service.reason
    return None


def step_figures(
    facts: ItemFacts,
    figures: ItemFigures,
    *,
    calendar: WorkCalendar,
    today: date,
    allowed: dict[str, int],
    source: str = "default",
) -> tuple[StepFigures, ...]:
    """
    受理, 审查 and 决定 of one item, each counted like 审批用时 (working days, the item's
    补正, 特别程序 and 中介服务 days subtracted) over the days the item spent in it.

    # rule: each step has its own promised duration; a step that overruns it is flagged even
    # when the item is within its limit (docs/legal.md#sup-steps)
    """
    is_work = (lambda d: True) if facts.natural_days else calendar.is_workday
    used: dict[str, list[tuple[str, date, str]]] = {s: [] for s in STEPS}
    gross = dict.fromkeys(STEPS, 0)
    bounds: dict[str, list[date]] = {s: [] for s in STEPS}
    # 受理: (接件, 受理] (or today while not accepted)
    if facts.received_on is not None:
        accept_end = facts.accepted_on or today
        for day in _days(facts.received_on + timedelta(days=1), accept_end):
            if not calendar.is_workday(day):
                continue
            gross[Step.ACCEPTANCE] += 1
            sub = _subtracted_party(facts, day)
            if sub is not None:
                used[Step.ACCEPTANCE].append((sub[0], day, sub[1]))
        bounds[Step.ACCEPTANCE] = [facts.received_on, accept_end]
    current = ""
    start = facts.clock_started_on
    if start is not None:
        end = facts.finished_on or today
        changes = sorted(facts.steps)
        first = start if facts.count_start else start + timedelta(days=1)
        for day in _days(first, end):
            # the step in force: the last change before this day (day 0 starts 审查)
            current = Step.REVIEW
            for changed_on, step in changes:
                if changed_on < day and changed_on >= start:
                    current = step
            if current not in STEPS:
                break
            if not bounds[current]:
                bounds[current] = [day - timedelta(days=1), day]
            bounds[current][1] = day
            if not is_work(day):
                continue
            gross[current] += 1
            sub = _subtracted_party(facts, day)
            if sub is not None:
                used[current].append((sub[0], day, sub[1]))
    running = ""
    if facts.finished_on is None:
        running = current if start is not None and current in STEPS else ""
        if facts.accepted_on is None:
            running = Step.ACCEPTANCE
    out = []
    for step in STEPS:
        runs = tuple(_runs(used[step], calendar))
        days = gross[step] - sum(r.working_days for r in runs)
        limit = allowed.get(step, 0)
        overrun = days > limit
        start_on, end_on = bounds[step] or (None, None)
        out.append(
            StepFigures(
                step=step, start=start_on, end=end_on, allowed_days=limit, used_days=days,
                gross_days=gross[step], subtracted=runs, running=running == step,
                overrun=overrun, warning=overrun and not figures.overdue, source=source,
            )
        )  # fmt: skip
    return tuple(out)


def default_step_days(limit_days: int) -> dict[str, int]:
    """
    # rule: 受理 within 5 working days (行政许可法 第三十二条、第八十二条); the item's limit
    # shared between 审查 and 决定: one fifth (at least one working day) for the decision, the
    # rest for the review (Kaigong's default; per matter as data) (docs/legal.md#sup-steps)
    """
    decision = max(1, limit_days // 5) if limit_days >= 2 else 0
    return {
        Step.ACCEPTANCE: 5,
        Step.REVIEW: max(0, limit_days - decision),
        Step.DECISION: decision,
    }
