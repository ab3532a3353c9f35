"""
The timeline (模拟审批 — "一张图"): the guide's matters as a dependency graph in working days.

Three modes, each a schedule of every matter (start and end offsets in working days from
the start date, then calendar dates):

    serial        one matter after another on its statutory limit: the pre-reform way,
                  the baseline every saving is measured against
    parallel      every matter starts as soon as the results it really depends on exist,
                  on its promised limit (key-project factor applied)
    pre_approval  as parallel, but where the dependency accepts a pre-approval (预审批) or
                  a consent letter (同意函) and the prerequisite allows one, the dependent
                  starts ``pre_approval_days`` after the prerequisite starts instead of
                  after it ends

The total is the longest path through the graph (the critical path, 关键路径); slack is
computed by a backward pass, and a matter with no slack is critical. Offsets become dates
through one walk over the calendar's working days (``calendars.selectors.work_calendar``), so a start in a
year without a published calendar gives provisional dates, marked as such.

A dependent is taken to apply on the day its prerequisite concludes (optimistic, as the
seeds' 模拟审批 does). Matters outside the chosen bundles are not scheduled.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

from kaigong.calendars.selectors import due_date_check, work_calendar
from kaigong.calendars.workdays import working_days_between
from kaigong.catalog.constants import DependencyKind
from kaigong.core.exceptions import Conflict

from .constants import TimelineMode
from .guide import Guide, GuideMatter


@dataclass(frozen=True)
class Task:
    """One node of the graph: a matter and the durations the modes use."""

    code: str
    name: str
    department: str
    statutory_days: int
    promised_days: int
    pre_approval_days: int | None  # None: the matter gives no pre-approval / consent letter


@dataclass(frozen=True)
class Edge:
    prerequisite: str
    dependent: str
    kind: str


@dataclass
class ScheduledTask:
    code: str
    name: str
    department: str
    duration: int
    start_offset: int
    end_offset: int
    slack: int
    critical: bool
    start_on: str = ""
    end_on: str = ""
    provisional: bool = False
    early_start_via: list[str] = field(default_factory=list)  # prerequisites started early on
    binding: str | None = None  # the prerequisite whose constraint set this start
    actual_start_on: str | None = None
    actual_end_on: str | None = None
    actual_status: str | None = None
    variance_days: int | None = None  # actual end − planned end, in working days
    actual_start_offset: int | None = None
    actual_end_offset: int | None = None


@dataclass
class ModeSchedule:
    mode: str
    label: str
    total_days: int
    end_on: str
    provisional: bool
    critical_path: list[str]
    critical_path_names: list[str]
    tasks: list[ScheduledTask]
    compression_days: int = 0
    compression_percent: float = 0.0
    summary: str = ""


@dataclass
class Timeline:
    start_on: str
    region_code: str
    provisional: bool
    provisional_years: list[int]
    key_project_factors: list[str]
    modes: dict[str, ModeSchedule]
    edges: list[dict[str, str]]
    has_actuals: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _lag(task: Task, edge: Edge, mode: str, duration: int) -> tuple[int, bool]:
    """Working days from the prerequisite's start to the earliest start of the dependent."""
    early = (
        mode == TimelineMode.PRE_APPROVAL
        and edge.kind
        in (DependencyKind.ACCEPTS_PRE_APPROVAL, DependencyKind.ACCEPTS_CONSENT_LETTER)
        and task.pre_approval_days is not None
        and task.pre_approval_days < duration
    )
    return (task.pre_approval_days, True) if early else (duration, False)  # type: ignore[return-value]


def _topological(tasks: Sequence[Task], edges: Sequence[Edge]) -> list[str]:
    """Kahn's algorithm, ties broken by the guide's order (stage, bundle, item)."""
    rank = {t.code: i for i, t in enumerate(tasks)}
    indegree = dict.fromkeys(rank, 0)
    successors: dict[str, list[str]] = {code: [] for code in rank}
    for edge in edges:
        successors[edge.prerequisite].append(edge.dependent)
        indegree[edge.dependent] += 1
    ready = [(rank[c], c) for c, d in indegree.items() if d == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _rank, code = heapq.heappop(ready)
        order.append(code)
        for nxt in successors[code]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                heapq.heappush(ready, (rank[nxt], nxt))
    if len(order) != len(tasks):
        stuck = sorted(c for c, d in indegree.items() if d > 0)
        raise Conflict(
            _("The matters depend on each other in a cycle: %(codes)s.")
            % {"codes": ", ".join(stuck)},
            code="dependency_cycle",
        )
    return order


def schedule(tasks: Sequence[Task], edges: Sequence[Edge], mode: str) -> list[ScheduledTask]:
    """
    Offsets (working days from the start) of every task in ``mode``, with slack and the
    critical flag. Pure and linear in tasks + edges.
    """
    by_code = {t.code: t for t in tasks}
    edges = [e for e in edges if e.prerequisite in by_code and e.dependent in by_code]
    order = _topological(tasks, edges)
    serial = mode == TimelineMode.SERIAL
    duration = {t.code: (t.statutory_days if serial else t.promised_days) for t in tasks}
    start: dict[str, int] = {}
    binding: dict[str, str | None] = dict.fromkeys(by_code)
    via: dict[str, list[str]] = {c: [] for c in by_code}
    incoming: dict[str, list[tuple[Edge, int, bool]]] = {c: [] for c in by_code}
    outgoing: dict[str, list[tuple[Edge, int]]] = {c: [] for c in by_code}
    for edge in edges:
        lag, early = _lag(by_code[edge.prerequisite], edge, mode, duration[edge.prerequisite])
        incoming[edge.dependent].append((edge, lag, early))
        outgoing[edge.prerequisite].append((edge, lag))

    if serial:
        # rule: the pre-reform baseline: each matter waits for the previous one (串联审批)
        offset = 0
        previous: str | None = None
        for code in order:
            start[code] = offset
            offset += duration[code]
            if previous is not None:
                binding[code] = previous
                outgoing[previous].append((Edge(previous, code, "serial"), duration[previous]))
            previous = code
    else:
        for code in order:
            earliest = 0
            for edge, lag, early in incoming[code]:
                candidate = start[edge.prerequisite] + lag
                if candidate > earliest:
                    earliest = candidate
                    binding[code] = edge.prerequisite
                if early:
                    via[code].append(edge.prerequisite)
            start[code] = earliest

    total = max((start[c] + duration[c] for c in order), default=0)
    latest: dict[str, int] = {}
    for code in reversed(order):
        late = total - duration[code]
        for edge, lag in outgoing[code]:
            late = min(late, latest[edge.dependent] - lag)
        latest[code] = late
    return [
        ScheduledTask(
            code=code,
            name=by_code[code].name,
            department=by_code[code].department,
            duration=duration[code],
            start_offset=start[code],
            end_offset=start[code] + duration[code],
            slack=latest[code] - start[code],
            critical=latest[code] == start[code],
            early_start_via=via[code],
            binding=binding[code],
        )
        for code in order
    ]


def critical_path(scheduled: Sequence[ScheduledTask]) -> list[str]:
    """The chain of binding prerequisites back from the task that ends last."""
    if not scheduled:
        return []
    by_code = {s.code: s for s in scheduled}
    current: ScheduledTask | None = max(scheduled, key=lambda s: (s.end_offset, -s.start_offset))
    path: list[str] = []
    while current is not None:
        path.append(current.code)
        current = by_code[current.binding] if current.binding else None
    return list(reversed(path))


def tasks_from_guide(guide: Guide) -> tuple[list[Task], list[Edge]]:
    def task(m: GuideMatter) -> Task:
        early_days = (
            m.pre_approval_days if (m.pre_approval_allowed or m.consent_letter_allowed) else None
        )
        return Task(
            code=m.code,
            name=m.name,
            department=m.department,
            statutory_days=m.statutory_days,
            promised_days=m.promised_days,
            pre_approval_days=early_days,
        )

    tasks = [task(m) for m in guide.matters]
    edges = [
        Edge(prerequisite=d["from"], dependent=d["to"], kind=d["kind"])
        for d in guide.dependencies
        if d["in_guide"]
    ]
    return tasks, edges


def _summary(mode: ModeSchedule, baseline: ModeSchedule) -> str:
    path = " → ".join(mode.critical_path_names) or "—"
    if mode.mode == TimelineMode.SERIAL:
        text = _(
            "Serial baseline: %(n)s matters one after another on their statutory limits, "
            "%(days)s working days in all, ending on %(end)s."
        ) % {"n": len(mode.tasks), "days": mode.total_days, "end": mode.end_on}
    else:
        text = _(
            "Critical path: %(path)s, %(days)s working days in all, ending on %(end)s; "
            "%(saved)s working days (%(percent)s%%) fewer than the serial baseline of "
            "%(base)s."
        ) % {
            "path": path,
            "days": mode.total_days,
            "end": mode.end_on,
            "saved": mode.compression_days,
            "percent": mode.compression_percent,
            "base": baseline.total_days,
        }
    if mode.provisional:
        text += " " + _("Provisional: part of it falls in a year without a published calendar.")
    return text


_LABELS = {
    TimelineMode.SERIAL: TimelineMode.SERIAL.label,
    TimelineMode.PARALLEL: TimelineMode.PARALLEL.label,
    TimelineMode.PRE_APPROVAL: TimelineMode.PRE_APPROVAL.label,
}


def build_timeline(
    *,
    guide: Guide,
    start: date,
    region_code: str = "",
    actuals: Mapping[str, Mapping[str, Any]] | None = None,
) -> Timeline:
    """
    Schedule the guide's matters in every mode and date them from ``start``.

    ``actuals`` (plan against actual): matter code → {"start_on", "end_on", "status"} from
    the cases, when any exist.
    """
    tasks, edges = tasks_from_guide(guide)
    region = region_code[:6] if region_code else ""
    schedules = {mode: schedule(tasks, edges, mode) for mode in TimelineMode.values}
    longest = max((s.end_offset for scheduled in schedules.values() for s in scheduled), default=0)
    # perf: one walk over the calendar's working days serves every date of every mode; the
    # same days ``calendars.add_working_days`` counts (day 0 is the start, not counted).
    calendar = work_calendar(region)
    counted: list[date] = []
    provisional_years: set[int] = set()
    if not calendar.is_known(start):
        provisional_years.add(start.year)  # even an empty plan starts in an unknown year
    due_date_check(start, longest)
    day = start
    while len(counted) < longest:
        day += timedelta(days=1)
        if calendar.is_workday(day):
            counted.append(day)
            if not calendar.is_known(day):
                provisional_years.add(day.year)

    def date_at(offset: int) -> date:
        return start if offset == 0 else counted[offset - 1]

    modes: dict[str, ModeSchedule] = {}
    for mode, scheduled in schedules.items():
        for task in scheduled:
            task.start_on = date_at(task.start_offset).isoformat()
            end = date_at(task.end_offset)
            task.end_on = end.isoformat()
            task.provisional = end.year in provisional_years
            actual = (actuals or {}).get(task.code)
            if actual:
                task.actual_start_on = _iso(actual.get("start_on"))
                task.actual_end_on = _iso(actual.get("end_on"))
                task.actual_status = actual.get("status")
                if isinstance(actual.get("start_on"), date):
                    task.actual_start_offset = working_days_between(
                        start, actual["start_on"], calendar=calendar
                    )
                if isinstance(actual.get("end_on"), date):
                    task.variance_days = working_days_between(
                        end, actual["end_on"], calendar=calendar
                    )
                    task.actual_end_offset = task.end_offset + task.variance_days
        total = max((t.end_offset for t in scheduled), default=0)
        path = critical_path(scheduled)
        names = {t.code: t.name for t in scheduled}
        modes[mode] = ModeSchedule(
            mode=mode,
            label=str(_LABELS[mode]),
            total_days=total,
            end_on=date_at(total).isoformat(),
            provisional=date_at(total).year in provisional_years,
            critical_path=path,
            critical_path_names=[names[c] for c in path],
            tasks=scheduled,
        )
    baseline = modes[TimelineMode.SERIAL]
    for schedule_ in modes.values():
        saved = baseline.total_days - schedule_.total_days
        schedule_.compression_days = saved
        schedule_.compression_percent = (
            round(100 * saved / baseline.total_days, 1) if baseline.total_days else 0.0
        )
        schedule_.summary = _summary(schedule_, baseline)
    return Timeline(
        start_on=start.isoformat(),
        region_code=region,
        provisional=bool(provisional_years),
        provisional_years=sorted(provisional_years),
        key_project_factors=sorted(
            {m.key_project_factor for m in guide.matters if m.key_project_factor}
        ),
        modes=modes,
        edges=[{"from": e.prerequisite, "to": e.dependent, "kind": e.kind} for e in edges],
        has_actuals=bool(actuals),
    )


def _iso(value: Any) -> str | None:
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if value else None
