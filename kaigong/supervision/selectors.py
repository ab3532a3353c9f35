"""
Reads of supervision: who sees what, the figures of an item (explained), the queues, the
dashboard's aggregates, the denial register, the orders, statistics and reform metrics.

Scope (DESIGN.md §7): a supervisor sees every department, read-only on the spine; a
department head sees its own department; reviewers and approvers see the orders and
registers of their own department (to reply and confirm). Anyone else gets 403 on the
pages and 404 on a scoped object.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, overload

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from kaigong.accounts.models import Department
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_department_ids, user_has_role  # noqa: F401
from kaigong.calendars.selectors import work_calendar
from kaigong.calendars.workdays import Pause
from kaigong.cases.constants import (
    CaseStatus,
    CommitmentKind,
    DenialKind,
    EventKind,
    ItemStatus,
    WarningColour,
)
from kaigong.cases.deadlines import pauses_as_periods, promised_limit_days, region_of
from kaigong.cases.models import Case, CaseItem, Denial
from kaigong.cases.warning_colours import warning_condition, warning_counts
from kaigong.catalog.constants import LimitUnit
from kaigong.catalog.models import MatterVersion
from kaigong.core.clock import local_date
from kaigong.core.exceptions import NotFound, PermissionDenied
from kaigong.core.keyset import DEFAULT_COUNT_CAP, capped_count

from .constants import ErrorCode, OrderStatus, Queue, Step
from .metrics import (
    Interval,
    ItemFacts,
    ItemFigures,
    StepFigures,
    default_step_days,
    group_figures,
    item_figures,
    step_figures,
)
from .models import (
    AuditBatch,
    AuditEntry,
    Circular,
    ItemMetric,
    ReportSnapshot,
    Signal,
    SignalRule,
    StepLimit,
    SupervisionOrder,
)

DEPARTMENT_ROLES = (Role.DEPARTMENT_HEAD, Role.REVIEWER, Role.APPROVER)


# -- scope ------------------------------------------------------------------------------


def is_supervisor(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user_has_role(user, Role.SUPERVISOR)


def scope_department_ids(user: Any, roles=(Role.DEPARTMENT_HEAD,)) -> set[int] | None:
    """None = every department (a supervisor); else the user's departments (maybe empty)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user_has_role(user, Role.SUPERVISOR):
        return None
    return user_department_ids(user, list(roles))


def ensure_can_view(user: Any, roles=(Role.DEPARTMENT_HEAD,)) -> set[int] | None:
    """The user's scope; ``PermissionDenied`` when it has none (applicants, clerks …)."""
    scope = scope_department_ids(user, roles)
    if scope is not None and not scope:
        raise PermissionDenied(code=ErrorCode.NOT_ALLOWED)
    return scope


def _in_scope(qs: QuerySet, scope: set[int] | None, path: str = "department_id") -> QuerySet:
    return qs if scope is None else qs.filter(**{f"{path}__in": scope})


def departments_in_scope(scope: set[int] | None) -> QuerySet[Department]:
    qs = Department.objects.order_by("region_code", "name")
    return qs if scope is None else qs.filter(pk__in=scope)


# -- the figures of one item ------------------------------------------------------------


@overload
def _day(value: datetime) -> date: ...
@overload
def _day(value: datetime | None) -> date | None: ...
def _day(value: datetime | None) -> date | None:
    return local_date(value) if value else None


def intermediary_intervals(case: Case, *, on: date) -> tuple[Interval, ...]:
    """
    The intermediaries' working time for ``case`` (marketplace's clock segments: the days
    after the contract's signing up to the filed report, or ``on``), one interval each.
    """
    from kaigong.marketplace.selectors import intermediary_segments

    return tuple(
        Interval(
            start=seg.start + timedelta(days=1),
            end=seg.end or on,
            reason=f"中介服务（{seg.agency}）",
        )
        for seg in intermediary_segments(case=case, on=on)
        if (seg.end or on) > seg.start
    )


def cases_with_intermediary(case_ids) -> set[int]:
    """Of ``case_ids``, the cases an intermediary contracted for (perf: one query a batch)."""
    from kaigong.marketplace.models import ServiceRequest

    return set(
        ServiceRequest.objects.filter(case_id__in=list(case_ids), contract__isnull=False)
        .values_list("case_id", flat=True)
        .distinct()
    )


STEP_OF_STATUS: dict[str, str] = {
    ItemStatus.IN_REVIEW: Step.REVIEW,
    ItemStatus.PROPOSED: Step.DECISION,
    ItemStatus.PRE_APPROVED: Step.DECISION,
}


def item_step_changes(item: CaseItem) -> tuple[tuple[date, str], ...]:
    """(day, step) of each of the item's transitions into 审查 or 决定 (the state log)."""
    prefetched = getattr(item, "transition_events", None)  # perf: metrics_refresh prefetches
    if prefetched is not None:
        pairs = [(e.occurred_at, e.data) for e in prefetched]
    else:
        rows = item.events.filter(kind=EventKind.ITEM_TRANSITION).order_by("seq")
        pairs = list(rows.values_list("occurred_at", "data"))
    return step_changes_of(pairs)


def item_facts(
    item: CaseItem,
    *,
    on: date,
    intermediary_cases: set[int] | None = None,
    with_steps: bool = False,
) -> ItemFacts:
    """
    What the state log says of ``item``: the times, pauses, corrections, supplements and the
    intermediaries' time (``intermediary_cases``: the run's cases that have any, else read);
    ``with_steps``: also the transitions into each step (环节).
    """
    case = item.case
    intermediary = None
    if intermediary_cases is None or case.id in intermediary_cases:
        intermediary = case
    return facts_of(
        row_of(item),
        on=on,
        pauses=[(p.started_on, p.resumed_on, p.reason) for p in item.pauses.all()],
        corrections=[(c.requested_at, c.answered_at) for c in case.corrections.all()],
        commitments=[(c.kind, c.settled_at) for c in case.commitments.all()],
        steps=item_step_changes(item) if with_steps else (),
        intermediary_case=intermediary,
    )


@dataclass(frozen=True)
class ItemRow:
    """The plain values of an item (and its case, project, bundle, matter version) that its
    figures are computed from: one tuple of ``ITEM_ROW_FIELDS`` (perf: the batched figures
    read these with ``values_list``, no model instances)."""

    id: int
    case_id: int
    status: str
    decided_at: datetime | None
    updated_at: datetime
    clock_started_on: date | None
    count_start_day: bool
    extension_days: int
    department_id: int
    matter_id: int
    promised_limit: int
    promised_limit_unit: str
    submitted_at: datetime | None
    accepted_on: date | None
    closed_at: datetime | None
    bundle_id: int | None
    service_center_id: int | None
    project_region_code: str
    is_key_project: bool
    key_project_factor: Any

    @property
    def region(self) -> str:
        """The calendar region (cases.deadlines.region_of): the project's county."""
        code = (self.project_region_code or "")[:6]
        return code if len(code) == 6 and code.isdigit() else ""


ITEM_ROW_FIELDS = (
    "id", "case_id", "status", "decided_at", "updated_at", "clock_started_on",
    "count_start_day", "extension_days", "department_id", "matter_version__matter_id",
    "matter_version__promised_limit", "matter_version__promised_limit_unit",
    "case__submitted_at", "case__accepted_on", "case__closed_at", "case__bundle_id",
    "case__service_center_id", "case__project__region_code", "case__project__is_key_project",
    "case__bundle__key_project_factor",
)  # fmt: skip


def row_of(item: CaseItem) -> ItemRow:
    case, version = item.case, item.matter_version
    return ItemRow(
        id=item.id, case_id=case.id, status=item.status, decided_at=item.decided_at,
        updated_at=item.updated_at, clock_started_on=item.clock_started_on,
        count_start_day=item.count_start_day, extension_days=item.extension_days,
        department_id=item.department_id, matter_id=version.matter_id,
        promised_limit=version.promised_limit, promised_limit_unit=version.promised_limit_unit,
        submitted_at=case.submitted_at, accepted_on=case.accepted_on, closed_at=case.closed_at,
        bundle_id=case.bundle_id, service_center_id=case.service_center_id,
        project_region_code=case.project.region_code or "",
        is_key_project=case.project.is_key_project,
        key_project_factor=case.bundle.key_project_factor if case.bundle_id else None,
    )  # fmt: skip


def facts_of(
    row: ItemRow,
    *,
    on: date,
    pauses,
    corrections,
    commitments,
    steps: tuple[tuple[date, str], ...] = (),
    intermediary_case: Any = None,
) -> ItemFacts:
    """
    The facts of one item from plain values: ``pauses`` as (started_on, resumed_on, reason),
    ``corrections`` as (requested_at, answered_at), ``commitments`` as (kind, settled_at),
    ``steps`` as item_step_changes gives them; ``intermediary_case``: the case (or its id)
    whose intermediaries' time is read, or None when it has none. The one place the state
    log becomes facts, for the per-item reads and the batched figures alike.
    """
    finished = None
    if row.decided_at:
        finished = _day(row.decided_at)
    elif row.status in (ItemStatus.WITHDRAWN, ItemStatus.TERMINATED):
        finished = _day(row.closed_at) or _day(row.updated_at)
    periods = pauses_as_periods(
        [_PauseRow(started_on=a, resumed_on=b, reason=r) for a, b, r in pauses],
        on=finished or on,
    )
    corrections_ = tuple(
        Interval(
            start=_day(requested) + timedelta(days=1),
            end=_day(answered) if answered else (finished or on),
            reason="补正",
        )
        for requested, answered in corrections
        if (_day(answered) if answered else on) > _day(requested)
    )
    supplements: tuple[Interval, ...] = ()
    if row.status == ItemStatus.APPROVED_DEFERRED and finished is not None:
        supplements = tuple(
            Interval(
                start=finished + timedelta(days=1),
                end=_day(settled) if settled else on,
                reason="容缺补齐",
            )
            for kind, settled in commitments
            if kind == CommitmentKind.DEFERRAL
        )
    limit = 0
    if row.clock_started_on:
        limit = promised_limit_days(
            row.promised_limit, row.promised_limit_unit, key_project=row.is_key_project,
            factor=row.key_project_factor, extension_days=row.extension_days,
        )  # fmt: skip
    intermediary: tuple[Interval, ...] = ()
    if intermediary_case is not None:
        case = intermediary_case
        if not isinstance(case, Case):
            case = Case(pk=case)  # perf: the segments are read by the case's id only
        intermediary = intermediary_intervals(case, on=finished or on)
    return ItemFacts(
        received_on=_day(row.submitted_at),
        accepted_on=row.accepted_on,
        clock_started_on=row.clock_started_on,
        finished_on=finished,
        limit_days=limit,
        count_start=row.count_start_day,
        natural_days=row.promised_limit_unit == LimitUnit.NATURAL_DAYS,
        withdrawn=row.status == ItemStatus.WITHDRAWN,
        pauses=tuple(Pause(p.start, p.end, p.reason) for p in periods),
        corrections=corrections_,
        supplements=supplements,
        intermediary=intermediary,
        steps=steps,
    )


@dataclass(frozen=True)
class _PauseRow:
    """A pause's three values, as pauses_as_periods reads a ClockPause."""

    started_on: date
    resumed_on: date | None
    reason: str


def step_changes_of(transitions) -> tuple[tuple[date, str], ...]:
    """(day, step) of each transition into 审查 or 决定, from (occurred_at, data) pairs in
    sequence order."""
    out = []
    for occurred_at, data in transitions:
        step = STEP_OF_STATUS.get(str((data or {}).get("to", "")))
        if step is not None:
            out.append((local_date(occurred_at), str(step)))
    return tuple(out)


def ids_condition(field: str, ids: list[int]) -> Q:
    """``field`` among the sorted ``ids``: a range when they are consecutive (perf: a
    backfill's batch of ids is; a list of 2,000 ids costs its array's encoding and an
    ``= ANY`` per row), else ``IN``."""
    if ids and ids[-1] - ids[0] == len(ids) - 1 and ids == sorted(ids):
        return Q(**{f"{field}__gte": ids[0], f"{field}__lte": ids[-1]})
    return Q(**{f"{field}__in": ids})


def _grouped(rows: Iterable[tuple]) -> dict[Any, list]:
    """The rows' remaining values listed under their first one (in the rows' order)."""
    grouped: dict[Any, list] = {}
    for key, *values in rows:
        grouped.setdefault(key, []).append(values)
    return grouped


def facts_batch(ids: list[int], *, on: date) -> list[tuple[ItemRow, ItemFacts]]:
    """
    The rows and facts (with steps) of the items ``ids``, in id order, from six plain
    reads (the items with their case, project, bundle and matter version; their pauses,
    transitions; their cases' corrections, commitments and intermediaries).

    perf: no model instance is built for an item (values_list tuples only): the backfill
    of a province's items (metrics_refresh) reads its state log in a few queries a batch.
    """
    from kaigong.cases.models import ClockPause, Commitment, Correction
    from kaigong.cases.models.events import CaseEvent

    rows = [
        ItemRow(*values)
        for values in CaseItem.objects.filter(ids_condition("id", ids)).order_by("id").values_list(
            *ITEM_ROW_FIELDS
        )
    ]  # fmt: skip
    case_ids = {r.case_id for r in rows}
    pauses = _grouped(
        ClockPause.objects.filter(ids_condition("item_id", ids)).order_by("started_on", "id")
        .values_list("item_id", "started_on", "resumed_on", "reason")
    )  # fmt: skip
    corrections = _grouped(
        Correction.objects.filter(case_id__in=case_ids).order_by("requested_at", "id")
        .values_list("case_id", "requested_at", "answered_at")
    )  # fmt: skip
    commitments = _grouped(
        Commitment.objects.filter(case_id__in=case_ids).order_by("created_at", "id")
        .values_list("case_id", "kind", "settled_at")
    )  # fmt: skip
    transitions = _grouped(
        CaseEvent.objects.filter(ids_condition("item_id", ids), kind=EventKind.ITEM_TRANSITION)
        .order_by("seq").values_list("item_id", "occurred_at", "data")
    )  # fmt: skip
    with_intermediary = cases_with_intermediary(case_ids)
    return [
        (
            row,
            facts_of(
                row,
                on=on,
                pauses=pauses.get(row.id, ()),
                corrections=corrections.get(row.case_id, ()),
                commitments=commitments.get(row.case_id, ()),
                steps=step_changes_of(transitions.get(row.id, ())),
                intermediary_case=row.case_id if row.case_id in with_intermediary else None,
            ),
        )
        for row in rows
    ]


def calendar_of(item: CaseItem | str, calendars=None):
    """The item's work calendar (``item``: the item or its region's code)."""
    region = item if isinstance(item, str) else region_of(item.case)
    if calendars is None:
        return work_calendar(region)
    return calendars.get(region) or calendars.setdefault(region, work_calendar(region))


def item_explained(
    item: CaseItem, *, on: date | None = None, calendars=None, intermediary_cases=None
) -> ItemFigures:
    """The item's figures on ``on``; ``calendars``: a {region: WorkCalendar} memo for a run."""
    on = on or local_date()
    facts = item_facts(item, on=on, intermediary_cases=intermediary_cases)
    return item_figures(facts, calendar=calendar_of(item, calendars), today=on)


def step_limits_by_matter(matter_ids=None) -> dict[int, dict[str, int]]:
    """The active ``StepLimit`` rows as {matter id: {step: working days}} (one query)."""
    qs = StepLimit.objects.filter(active=True)
    if matter_ids is not None:
        qs = qs.filter(matter_id__in=list(matter_ids))
    out: dict[int, dict[str, int]] = {}
    for matter_id, step, days in qs.values_list("matter_id", "step", "working_days"):
        out.setdefault(matter_id, {})[step] = days
    return out


def step_allowed(
    item: CaseItem | int, limit_days: int, limits: dict[int, dict[str, int]] | None = None
) -> tuple[dict[str, int], str]:
    """The item's step durations: the matter's own active ``StepLimit`` over the defaults
    (``item``: the item or its matter's id; ``limits``: a run's ``step_limits_by_matter``,
    else read)."""
    matter_id = item if isinstance(item, int) else item.matter_version.matter_id
    if limits is None:
        limits = step_limits_by_matter([matter_id])
    own = limits.get(matter_id, {})
    allowed = {**default_step_days(limit_days), **own}
    return allowed, "matter" if own else "default"


def item_steps(
    item: CaseItem, *, on: date | None = None
) -> tuple[ItemFigures, tuple[StepFigures, ...]]:
    """The item's figures and its steps (环节) explained, on ``on``."""
    on = on or local_date()
    facts = item_facts(item, on=on, with_steps=True)
    calendar = calendar_of(item)
    fig = item_figures(facts, calendar=calendar, today=on)
    allowed, source = step_allowed(item, fig.limit_days)
    steps = step_figures(facts, fig, calendar=calendar, today=on, allowed=allowed, source=source)
    return fig, steps


def promised_explanation(item: CaseItem, fig: ItemFigures) -> str:
    """The calendar's own sentence for 承诺办结时间 (which weekends and holidays it skipped)."""
    from kaigong.calendars.selectors import due_date, due_date_summary

    if fig.accepted_on is None or fig.limit_days <= 0:
        return ""
    result = due_date(
        fig.accepted_on, fig.limit_days, region_code=region_of(item.case),
        count_start=item.count_start_day,
    )  # fmt: skip
    return due_date_summary(result)


def item_for_supervision(user: Any, public_id: Any) -> CaseItem:
    """An item in the user's scope, else ``NotFound``."""
    scope = scope_department_ids(user, DEPARTMENT_ROLES)
    if scope is not None and not scope:
        raise NotFound()
    qs = _in_scope(CaseItem.objects.all(), scope).select_related(
        "case__project", "case__bundle", "case__enterprise", "matter_version__matter",
        "matter_version__stage", "department",
    )  # fmt: skip
    try:
        return qs.prefetch_related("pauses", "case__corrections", "case__commitments").get(
            public_id=public_id
        )
    except (CaseItem.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def case_groups_explained(case: Case, *, on: date | None = None) -> dict[str, Any]:
    """Stage and bundle level figures of a case (its items' figures combined)."""
    on = on or local_date()
    items = list(
        case.items.select_related("matter_version__stage", "case__project", "case__bundle")
        .prefetch_related("pauses", "case__corrections", "case__commitments")
        .order_by("order", "id")
    )
    figures = [(i, item_explained(i, on=on)) for i in items]
    stages: dict[str, list[ItemFigures]] = {}
    for item, fig in figures:
        stage = item.matter_version.stage
        stages.setdefault(stage.name if stage else "", []).append(fig)
    return {
        "bundle": group_figures([f for _i, f in figures], limit_days=case.bundle.promised_limit),
        "stages": {name: group_figures(figs) for name, figs in stages.items()},
        "items": figures,
    }


# -- queues -----------------------------------------------------------------------------

ITEM_QUEUES = (Queue.WARNING, Queue.OVERDUE, Queue.SPECIAL)


def queue_items(scope: set[int] | None, queue: str, *, on: date) -> QuerySet[CaseItem]:
    qs = _in_scope(CaseItem.objects.all(), scope).select_related(
        "case", "matter_version", "department"
    )
    if queue == Queue.SPECIAL:
        return qs.filter(status=ItemStatus.PAUSED).order_by("promised_due_on", "id")
    colour = WarningColour.YELLOW if queue == Queue.WARNING else WarningColour.RED
    return qs.filter(warning_condition(colour, on=on)).order_by("promised_due_on", "id")


def queue_corrections(scope: set[int] | None) -> QuerySet[Case]:
    qs = Case.objects.filter(status=CaseStatus.CORRECTION_REQUESTED).select_related(
        "bundle__lead_department"
    )
    if scope is not None:
        qs = qs.filter(bundle__lead_department_id__in=scope)
    return qs.order_by("received_at", "id")


def denial_unit_condition(scope: set[int] | None) -> Q:
    """A denial's unit: the item's department, else the bundle's lead department."""
    if scope is None:
        return Q()
    return Q(item__department_id__in=scope) | Q(
        item__isnull=True, case__bundle__lead_department_id__in=scope
    )


def queue_denied(scope: set[int] | None) -> QuerySet[Denial]:
    return (
        Denial.objects.filter(kind__in=[DenialKind.REFUSAL, DenialKind.DENIAL])
        .filter(denial_unit_condition(scope))
        .select_related("case", "item__matter_version", "item__department", "by")
        .order_by("-at", "-id")
    )


def queue_step_overruns(scope: set[int] | None) -> QuerySet[Signal]:
    """环节超时: the step-overrun signals of items still open, newest first."""
    from .constants import SignalLevel

    return (
        _in_scope(Signal.objects.filter(level=SignalLevel.STEP), scope)
        # perf: the metric row by the signal's item id (no join through the items table)
        .filter(item_id__in=ItemMetric.objects.filter(open=True).values("item_id"))
        .select_related("item__case", "item__matter_version", "department")
        .order_by("-raised_on", "-id")
    )


def order_list(scope: set[int] | None) -> QuerySet[SupervisionOrder]:
    return _in_scope(SupervisionOrder.objects.all(), scope).select_related(
        "department", "item__case", "item__matter_version", "issued_by"
    )


def queue_orders(scope: set[int] | None, queue: str, *, on: date) -> QuerySet[SupervisionOrder]:
    qs = order_list(scope).filter(status__in=[OrderStatus.OPEN, OrderStatus.ESCALATED])
    if queue == Queue.REPLY_OVERDUE:
        qs = qs.filter(reply_due_on__lt=on)
    return qs.order_by("reply_due_on", "id")


def queue_counts(
    scope: set[int] | None,
    *,
    on: date,
    colours: dict[str, int] | None = None,
    step_overruns: int | None = None,
) -> dict[str, int]:
    """The count of each queue (perf: one COUNT per queue, on the worklist indexes; the
    yellow and red counts reused when the colours were counted already, the step overruns
    when the job's cached figures hold them)."""
    return {
        Queue.WARNING: colours[WarningColour.YELLOW]
        if colours
        else queue_items(scope, Queue.WARNING, on=on).count(),
        Queue.OVERDUE: colours[WarningColour.RED]
        if colours
        else queue_items(scope, Queue.OVERDUE, on=on).count(),
        Queue.CORRECTION: queue_corrections(scope).count(),
        Queue.SPECIAL: colours["special"]
        if colours and "special" in colours
        else queue_items(scope, Queue.SPECIAL, on=on).count(),
        Queue.DENIED: queue_denied(scope).count(),
        Queue.ORDERS: queue_orders(scope, Queue.ORDERS, on=on).count(),
        Queue.REPLY_OVERDUE: queue_orders(scope, Queue.REPLY_OVERDUE, on=on).count(),
        Queue.STEP_OVERRUN: queue_step_overruns(scope).count()
        if step_overruns is None
        else step_overruns,
    }


def queue_queryset(scope: set[int] | None, queue: str, *, on: date) -> QuerySet:
    """The rows of one queue, in order (items, cases, denials or orders)."""
    if queue in ITEM_QUEUES:
        return queue_items(scope, queue, on=on)
    if queue == Queue.CORRECTION:
        return queue_corrections(scope)
    if queue == Queue.DENIED:
        return queue_denied(scope)
    if queue == Queue.STEP_OVERRUN:
        return queue_step_overruns(scope)
    return queue_orders(scope, queue, on=on)


def queue_row(queue: str, obj: Any) -> dict:
    """One row of a queue: the same columns for every queue (number, matter, unit, …)."""
    if queue in ITEM_QUEUES:
        return {
            "id": str(obj.public_id), "case": obj.case.number,
            "matter": obj.matter_version.name, "unit": obj.department.name,
            "status": obj.get_status_display(), "due_on": obj.promised_due_on,
            "link": f"/supervision/items/{obj.public_id}/",
        }  # fmt: skip
    if queue == Queue.CORRECTION:
        return {
            "id": str(obj.public_id), "case": obj.number, "matter": obj.bundle.name,
            "unit": obj.bundle.lead_department.name, "status": obj.get_status_display(),
            "due_on": None, "link": "",
        }  # fmt: skip
    if queue == Queue.STEP_OVERRUN:
        return {
            "id": str(obj.item.public_id), "case": obj.item.case.number,
            "matter": obj.item.matter_version.name, "unit": obj.department.name,
            "status": obj.get_step_display(), "due_on": obj.item.promised_due_on,
            "link": f"/supervision/items/{obj.item.public_id}/",
        }  # fmt: skip
    if queue == Queue.DENIED:
        return {
            "id": str(obj.public_id), "case": obj.case.number,
            "matter": obj.item.matter_version.name if obj.item else "",
            "unit": obj.item.department.name if obj.item else "",
            "status": obj.get_kind_display(), "due_on": local_date(obj.at), "link": "",
        }  # fmt: skip
    return {
        "id": str(obj.public_id), "case": obj.item.case.number if obj.item else obj.number,
        "matter": obj.subject, "unit": obj.department.name,
        "status": obj.get_status_display(), "due_on": obj.reply_due_on,
        "link": f"/supervision/orders/{obj.public_id}/",
    }  # fmt: skip


def queue_rows(
    scope: set[int] | None, queue: str, *, on: date, limit: int | None = 50
) -> list[dict]:
    qs = queue_queryset(scope, queue, on=on)
    objects = qs[:limit] if limit else qs.iterator(chunk_size=2000)
    return [queue_row(queue, o) for o in objects]


# -- the dashboard (aggregates over ItemMetric) -----------------------------------------


def metric_rows(scope: set[int] | None) -> QuerySet[ItemMetric]:
    return _in_scope(ItemMetric.objects.all(), scope)


def time_by_party(scope: set[int] | None, *, group: str = "") -> list[dict]:
    """Working days per party, summed (per ``group``: "department" or "matter", or in total)."""
    qs = metric_rows(scope).order_by()
    sums = {
        "government": Sum("government_days"),
        "applicant": Sum("applicant_days"),
        "special": Sum("special_days"),
        "intermediary": Sum("intermediary_days"),
        "prerequisite": Sum("prerequisite_days"),
        "items": Count("id"),
    }
    if not group:
        row = qs.aggregate(**sums)
        return [{k: v or 0 for k, v in row.items()}]
    name = {"department": "department__name", "matter": "matter__name"}[group]
    return [{**r, "name": r[name]} for r in qs.values(name).annotate(**sums).order_by(name)]


def departments_by_overdue_rate(scope: set[int] | None) -> list[dict]:
    """逾期率 = 逾期 / 受理 per department, highest first."""
    rows = (
        metric_rows(scope).filter(accepted_on__isnull=False).order_by()
        .values("department_id", "department__name")
        .annotate(accepted=Count("id"), overdue=Count("id", filter=Q(overdue=True)))
    )  # fmt: skip
    out = [
        {
            "name": r["department__name"],
            "accepted": r["accepted"],
            "overdue": r["overdue"],
            "rate": round(100 * r["overdue"] / r["accepted"], 1) if r["accepted"] else 0.0,
        }
        for r in rows
    ]
    return sorted(out, key=lambda r: (-r["rate"], r["name"]))


def denial_trend(scope: set[int] | None, *, on: date, weeks: int = 8) -> list[dict]:
    """Denials per week (Monday-based), the last ``weeks`` weeks, by kind."""
    monday = on - timedelta(days=on.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    qs = Denial.objects.filter(denial_unit_condition(scope), at__date__gte=first).order_by()
    counts = {
        (r["day"], r["kind"]): r["n"]
        for r in qs.annotate(day=_trunc_date()).values("day", "kind").annotate(n=Count("id"))
    }
    out = []
    for w in range(weeks):
        start = first + timedelta(weeks=w)
        row: dict[str, Any] = {"week": start, "total": 0}
        for kind in DenialKind.values:
            row[kind] = sum(
                n
                for (d, k), n in counts.items()
                if k == kind and start <= d < start + timedelta(days=7)
            )
            row["total"] += row[kind]
        out.append(row)
    return out


def _trunc_date():
    from django.db.models.functions import TruncDate

    return TruncDate("at", tzinfo=timezone.get_current_timezone())


def signal_counts(scope: set[int] | None) -> dict[str, int]:
    rows = _in_scope(Signal.objects.all(), scope).order_by().values("level").annotate(n=Count("id"))
    return {r["level"]: r["n"] for r in rows}


def colour_counts(scope: set[int] | None, *, on: date) -> dict[str, int]:
    """
    Live red/yellow/green counts of running clocks (the cases' warning rules), and the
    paused items (``Queue.SPECIAL``), from one scan of the open items (perf: one query, not
    one per colour; cases.warning_colours.warning_counts).
    """
    counts = warning_counts(_in_scope(CaseItem.objects.all(), scope), on=on)
    return {
        str(c): counts[c] for c in (WarningColour.RED, WarningColour.YELLOW, WarningColour.GREEN)
    } | {"special": counts["paused"]}


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def feedback_figures(scope: set[int] | None) -> dict[str, Any]:
    """
    The applicants' voice, from the feedback app's own selectors (live): callbacks (回访) of
    the service centres in scope — listed, reached, satisfied, problems, not reached, the
    reach rate (reached / listed) and the satisfaction rate (satisfied / reached) — and the
    evaluations (好差评) of the departments in scope: rated, the satisfaction rate ((非常满意 +
    满意 + 基本满意) / rated), bad reviews and how many were rectified (their ticket closed).
    """
    from kaigong.accounts.models import ServiceCenter
    from kaigong.feedback.selectors import callback_figures, evaluation_results

    centres = None
    if scope is not None:
        centres = set(
            ServiceCenter.objects.filter(departments__in=scope).values_list("id", flat=True)
        )
    calls = callback_figures(service_center_ids=centres)
    names = None if scope is None else {d.name for d in departments_in_scope(scope)}
    rows = [r for r in evaluation_results(by="department") if names is None or r["unit"] in names]
    rated = sum(r["total"] for r in rows)
    good = sum(r["l5"] + r["l4"] + r["l3"] for r in rows)
    bad = sum(r["bad"] for r in rows)
    rectified = sum(r["rectified"] for r in rows)
    return {
        "callbacks": {
            **calls,
            "reach_rate": _percent(calls["reached"], calls["total"]),
            "satisfaction_rate": _percent(calls["satisfied"], calls["reached"]),
        },
        "evaluations": {
            "rated": rated,
            "satisfaction_rate": _percent(good, rated),
            "bad": bad,
            "rectified": rectified,
            "rectified_rate": _percent(rectified, bad),
        },
    }


FIGURES_VERSION_KEY = "supervision:figures-version"


def figures_version() -> int:
    """Bumped by every write of ``ItemMetric`` or ``Signal`` (the job's): the cache key of the
    dashboard's job-derived aggregates."""
    from django.core.cache import cache

    return int(cache.get(FIGURES_VERSION_KEY) or 0)


REFORM_KEYS = (
    "materials_before", "materials_after", "visits_before", "visits_after", "steps_before",
    "steps_after", "promised_days_before", "promised_days_after", "time_saved_percent",
    "actual_median_days", "before_source",
)  # fmt: skip


def reform_summary() -> list[dict[str, Any]]:
    """The reform metrics of every active bundle, as plain values (the dashboard caches them
    with the job's figures: the actual days come from ItemMetric)."""
    from .stats import reform_list

    return [{"bundle": r["bundle"].name, **{k: r[k] for k in REFORM_KEYS}} for r in reform_list()]


def _job_figures(scope: set[int] | None) -> dict[str, Any]:
    """The dashboard's figures that only the job changes (sums over ItemMetric, signals)."""
    from django.core.cache import cache

    key = f"supervision:dash:{figures_version()}:{sorted(scope) if scope is not None else 'all'}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    metrics = metric_rows(scope).aggregate(
        items=Count("id"), overdue=Count("id", filter=Q(overdue=True)),
        open=Count("id", filter=Q(open=True)),
    )  # fmt: skip
    figures = {
        "metrics": metrics,
        "party": time_by_party(scope)[0],
        "party_by_department": time_by_party(scope, group="department"),
        "party_by_matter": time_by_party(scope, group="matter"),
        "ranking": departments_by_overdue_rate(scope),
        "signals": signal_counts(scope),
        # perf: the open items' step signals change only with the job (signals and figures),
        # ≈ 145 ms of a 200,000-item dashboard when counted live
        "step_overruns": queue_step_overruns(scope).count(),
        "reform": reform_summary(),
        "as_of": ItemMetric.objects.order_by("-computed_on")
        .values_list("computed_on", flat=True)
        .first(),
    }
    cache.set(key, figures, 24 * 3600)
    return figures


def dashboard(user: Any, *, on: date | None = None) -> dict[str, Any]:
    """
    The dashboard: live colours, queue counts and denial trend; the job's figures (sums over
    ItemMetric, signals) cached until the job next writes them (perf: at a million items
    the sums are read once per job run, not once per view).
    """
    on = on or local_date()
    scope = ensure_can_view(user)
    counts = colour_counts(scope, on=on)
    colours = {c: counts[c] for c in (WarningColour.RED, WarningColour.YELLOW, WarningColour.GREEN)}
    job = _job_figures(scope)
    # a cache written before the step count was a job figure has none: counted live then
    step_overruns = job.get("step_overruns")
    return {
        "on": on,
        "scope": scope,
        "departments": list(departments_in_scope(scope)),
        "colours": colours,
        "denials": denial_trend(scope, on=on),
        "queues": queue_counts(scope, on=on, colours=counts, step_overruns=step_overruns),
        "feedback": feedback_figures(scope),
        **job,
    }


# -- orders, registers, circulars, snapshots ---------------------------------------------


def order_get_for(user: Any, public_id: Any) -> SupervisionOrder:
    scope = scope_department_ids(user, DEPARTMENT_ROLES)
    if scope is not None and not scope:
        raise NotFound()
    try:
        return order_list(scope).prefetch_related("steps__actor").get(public_id=public_id)
    except (SupervisionOrder.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def batch_list(scope: set[int] | None, *, week_start: date | None = None) -> QuerySet[AuditBatch]:
    qs = _in_scope(AuditBatch.objects.all(), scope).select_related("department", "confirmed_by")
    if week_start is not None:
        qs = qs.filter(week_start=week_start)
    return qs.annotate(entry_count=Count("entries"))


def batch_get_for(user: Any, public_id: Any) -> AuditBatch:
    scope = scope_department_ids(user, DEPARTMENT_ROLES)
    if scope is not None and not scope:
        raise NotFound()
    try:
        return (
            _in_scope(AuditBatch.objects.all(), scope)
            .select_related("department")
            .get(public_id=public_id)
        )
    except (AuditBatch.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def batch_entries(batch: AuditBatch) -> QuerySet[AuditEntry]:
    return batch.entries.select_related(
        "denial__case__project", "denial__case__enterprise", "denial__item__matter_version",
        "denial__by", "reviewer", "second_reviewer",
    ).order_by("denial__at", "id")  # fmt: skip


def entry_get_for(user: Any, public_id: Any) -> AuditEntry:
    scope = scope_department_ids(user, DEPARTMENT_ROLES)
    if scope is not None and not scope:
        raise NotFound()
    try:
        return (
            _in_scope(AuditEntry.objects.all(), scope, "batch__department_id")
            .select_related("batch", "denial__case__project")
            .get(public_id=public_id)
        )
    except (AuditEntry.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def register_rows(entries) -> list[dict]:
    """The register's columns (否定报备 items): matter, applicant, facts, reason, basis, officer."""
    rows = []
    for e in entries:
        d = e.denial
        rows.append({
            "id": str(e.public_id), "date": local_date(d.at), "kind": d.get_kind_display(),
            "case": d.case.number, "matter": d.item.matter_version.name if d.item else d.case.bundle.name,
            "applicant": d.case.enterprise.name, "facts": d.reason,
            "reason": e.get_reason_code_display(), "note": e.unit_note, "legal_basis": d.legal_basis,
            "officer": (d.by.get_full_name() or d.by.username) if d.by else "",
            "finding": e.get_finding_display() if e.finding else "",
            "project": str(d.case.project.public_id),
        })  # fmt: skip
    return rows


def circular_list(scope: set[int] | None) -> QuerySet[Circular]:
    return _in_scope(Circular.objects.all(), scope).select_related("department", "issued_by")


def circular_get_for(user: Any, public_id: Any) -> Circular:
    scope = scope_department_ids(user, DEPARTMENT_ROLES)
    if scope is not None and not scope:
        raise NotFound()
    try:
        return circular_list(scope).get(public_id=public_id)
    except (Circular.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def snapshot_list() -> QuerySet[ReportSnapshot]:
    return ReportSnapshot.objects.select_related("supersedes", "signed_by")


def batch_list_for(
    user: Any, *, on: date | None = None, week_start: date | None = None
) -> list[AuditBatch]:
    """The registers in the user's scope, each with ``late`` set (late units flagged)."""
    on = on or local_date()
    scope = ensure_can_view(user, DEPARTMENT_ROLES)
    batches = list(
        batch_list(scope, week_start=week_start).order_by("-week_start", "department__name")
    )
    for b in batches:
        b.late = (
            local_date(b.confirmed_at) > b.confirm_due_on
            if b.confirmed_at
            else on > b.confirm_due_on
        )
    return batches


def statistics_for(
    user: Any, *, kind: str, day: str | date | None, dimension: str
) -> dict[str, Any]:
    from kaigong.core.exceptions import InvalidInput

    from .constants import PeriodKind
    from .stats import DIMENSIONS, statistics_table

    scope = ensure_can_view(user)
    if kind not in PeriodKind.values or (dimension and dimension not in DIMENSIONS):
        raise InvalidInput(code=ErrorCode.INVALID)
    if isinstance(day, str) and day:
        try:
            day = date.fromisoformat(day)
        except ValueError:
            raise InvalidInput(code=ErrorCode.INVALID) from None
    return statistics_table(scope, kind=kind, day=day or local_date(), dimension=dimension)


def queue_for(
    user: Any, queue: str, *, on: date | None = None, limit: int | None = 50
) -> list[dict]:
    if queue not in Queue.values:
        raise NotFound()
    scope = ensure_can_view(user)
    return queue_rows(scope, queue, on=on or local_date(), limit=limit)


def snapshots_for(user: Any) -> list[ReportSnapshot]:
    from .services import snapshot_verify

    ensure_can_view(user)
    snaps = list(snapshot_list().order_by("-period_start", "kind", "-revision"))
    for s in snaps:
        s.verified = snapshot_verify(s)
    return snaps


def reform_for(user: Any) -> list[dict[str, Any]]:
    from .stats import reform_list

    ensure_can_view(user)
    return reform_list()


# a queue's size is counted up to the worklists' cap, then "more than"
QUEUE_COUNT_CAP = DEFAULT_COUNT_CAP


def queue_size_for(user: Any, queue: str, *, on: date | None = None) -> tuple[int, bool]:
    """The number of rows of a queue, exact up to ``QUEUE_COUNT_CAP``; ``(cap, True)`` past
    it (perf: at most cap + 1 ids read, whatever the table's size)."""
    return capped_count(queue_queryset_for(user, queue, on=on), cap=QUEUE_COUNT_CAP)


def queue_queryset_for(user: Any, queue: str, *, on: date | None = None) -> QuerySet:
    """The queue's rows for the API to paginate (perf: only the page is read)."""
    if queue not in Queue.values:
        raise NotFound()
    scope = ensure_can_view(user)
    return queue_queryset(scope, queue, on=on or local_date())


# -- thresholds (the signal ladder per matter or department, the steps' durations) ------


def matters_in_scope(scope: set[int] | None):
    """The matters implemented by the departments in scope (every matter for a supervisor)."""
    from kaigong.catalog.models import Matter

    qs = Matter.objects.order_by("code")
    if scope is None:
        return qs
    return qs.filter(
        pk__in=MatterVersion.objects.filter(department_id__in=scope).values("matter_id")
    )


def signal_rule_list(scope: set[int] | None) -> QuerySet[SignalRule]:
    qs = SignalRule.objects.select_related("matter", "department")
    if scope is not None:
        qs = qs.filter(Q(department_id__in=scope) | Q(matter__in=matters_in_scope(scope)))
    return qs.order_by("-active", "department__name", "matter__code", "id")


def step_limit_list(scope: set[int] | None) -> QuerySet[StepLimit]:
    qs = StepLimit.objects.select_related("matter")
    if scope is not None:
        qs = qs.filter(matter__in=matters_in_scope(scope))
    return qs.order_by("-active", "matter__code", "step", "id")


def signal_rules_for(user: Any) -> QuerySet[SignalRule]:
    """The ladder's rows in the user's scope: a supervisor every one, a department head its
    department's and its matters'; anyone else ``PermissionDenied``."""
    return signal_rule_list(ensure_can_view(user))


def step_limits_for(user: Any) -> QuerySet[StepLimit]:
    return step_limit_list(ensure_can_view(user))


def signal_rule_get_for(user: Any, public_id: Any) -> SignalRule:
    scope = ensure_can_view(user)
    try:
        return signal_rule_list(scope).get(public_id=public_id)
    except (SignalRule.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def step_limit_get_for(user: Any, public_id: Any) -> StepLimit:
    scope = ensure_can_view(user)
    try:
        return step_limit_list(scope).get(public_id=public_id)
    except (StepLimit.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
