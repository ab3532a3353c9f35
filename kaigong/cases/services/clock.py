"""
The items' clocks: pause and resume (special procedures), extensions, and recomputation
of stored due dates (after a pause, a resume, an extension or a calendar import).

The arithmetic is in deadlines.py; these services only store its results through the
transition helpers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaigong.calendars.selectors import calendar_version_token
from kaigong.cases.constants import (
    ITEM_CLOCK_STATUSES,
    CaseAction,
    CaseStatus,
    ErrorCode,
    EventKind,
    ItemAction,
    ItemStatus,
    OfficialDocumentKind,
    PauseKind,
)
from kaigong.cases.deadlines import (
    MAX_PAUSE_PLANNED_DAYS,
    DueIndex,
    case_due_dates,
    item_due_dates,
    item_limits,
    limits_of,
    pause_end_on,
    pause_planned_end_on,
    pauses_as_periods,
    region_of,
    region_of_code,
    warning_days_for,
    warning_days_or_default,
    yellow_from,
)
from kaigong.cases.hooks import document_due
from kaigong.cases.models import Case, CaseItem, ClockPause, Extension
from kaigong.cases.permissions import ensure_can_decide_item, ensure_can_review_item
from kaigong.cases.services._transition import _case_transition, _item_transition, case_lock
from kaigong.cases.services.events import case_event_record
from kaigong.cases.workflow import item_next_status
from kaigong.catalog.models import MatterVersion
from kaigong.core.clock import local_date
from kaigong.core.exceptions import Conflict, InvalidInput
from kaigong.core.request_cache import request_cache_scope, request_cached
from kaigong.core.services import notification_send

# rule: +10 working days, or +15 for joint handling (行政许可法 art. 42)
MAX_EXTENSION_DAYS = 15


def item_due_changes(
    item: CaseItem, *, on: date, pauses: Iterable[ClockPause] | None = None
) -> dict:
    """
    The stored due-date fields of a started item, freshly computed.

    perf (issue #16, part 4): the fields are a function of the clock's start, the limits
    and their units, the region, the start-day rule, the pause periods, the warning days and
    the calendar's version; within one request-cache scope (a request, a recompute run)
    items with the same inputs — those accepted the same day for the same matter — are
    computed once.
    """
    version = item.matter_version
    promised_days, statutory_days = item_limits(item)
    periods = pauses_as_periods(item.pauses.all() if pauses is None else pauses, on=on)
    region = region_of(item.case)
    warning = warning_days_for(version)
    key = (
        "item_due_changes",
        calendar_version_token(),
        item.clock_started_on,
        promised_days,
        statutory_days,
        version.promised_limit_unit,
        version.statutory_limit_unit,
        region,
        item.count_start_day,
        tuple(periods),
        warning,
    )

    def compute() -> dict:
        due = item_due_dates(item, on=on, pauses=pauses)
        return {
            "promised_due_on": due.promised.due_on,
            "statutory_due_on": due.statutory.due_on,
            "yellow_from_on": yellow_from(due.promised.due_on, warning, region_code=region),
            "provisional": due.provisional,
        }

    return dict(request_cached(key, compute))


def case_items_for_dues(case: Case) -> list[CaseItem]:
    """
    Every item of the case with what its due dates are computed from
    (``deadlines.case_due_dates``). perf: the prerequisites are read only when an item has
    no dates yet (only those are projected from them), the pauses only under a promise for
    the whole bundle (only that clock is counted from them here): a decision on a bundle
    whose items all run reads its items alone.
    """
    items = list(case.items.select_related("matter_version").order_by("id"))
    if any(i.promised_due_on is None or i.statutory_due_on is None for i in items):
        prefetch_related_objects(items, "matter_version__dependencies")
    if case.bundle.promised_limit and case.accepted_on is not None:
        prefetch_related_objects(items, "pauses")
    return items


def case_dues_refresh(
    *,
    case: Case,
    actor: Any,
    on: date | None = None,
    case_locked: bool = False,
    items: list[CaseItem] | None = None,
) -> Case:
    """
    Recompute the bundle's due dates from its items; store them when they changed. Return
    the (locked) case. ``case_locked``: ``case`` is the row this transaction locked and
    last changed (perf: not read again). ``items``: the case's items as
    ``case_items_for_dues`` read them in this transaction, after its last item change
    (perf: not read again).
    """
    on = on or local_date()
    locked = case if case_locked else case_lock(case)
    if locked.status != CaseStatus.ACCEPTED:
        return locked
    if items is None:
        items = case_items_for_dues(locked)
    promised, statutory, provisional = case_due_dates(locked, items, on=on)
    changes = {}
    if promised != locked.promised_due_on:
        changes["promised_due_on"] = promised
    if statutory != locked.statutory_due_on:
        changes["statutory_due_on"] = statutory
    if provisional != locked.due_provisional:
        changes["due_provisional"] = provisional
    if not changes:
        return locked
    return _case_transition(
        case=locked,
        action=CaseAction.RECOMPUTE,
        actor=actor,
        changes=changes,
        data={k: str(v) for k, v in changes.items()},
        case_locked=True,
    )


# What the messages call the fields (never their keys).
_FIELD_LABELS = {"reason": _("reason"), "evidence": _("evidence")}


def _required(value: str, name: str, code: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(
            _("Please give the %(name)s.") % {"name": _FIELD_LABELS.get(name, name)},
            code=code,
            invalid_params=[{"name": name, "code": code, "reason": _("Required.")}],
        )
    return value


def _planned_days(value: Any) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not (1 <= value <= MAX_PAUSE_PLANNED_DAYS)
    ):
        raise InvalidInput(
            _("Give how many working days the procedure is planned to take (1 to %(max)s).")
            % {"max": MAX_PAUSE_PLANNED_DAYS},
            code=ErrorCode.PLANNED_DAYS_REQUIRED,
            invalid_params=[
                {
                    "name": "planned_working_days",
                    "code": ErrorCode.PLANNED_DAYS_REQUIRED,
                    "reason": str(value),
                }
            ],
        )
    return value


@transaction.atomic
def item_pause(
    *,
    item: CaseItem,
    actor: Any,
    kind: str,
    reason: str,
    evidence: str,
    planned_working_days: int | None = None,
) -> CaseItem:
    """
    Stop the item's clock for a special procedure (听证, 检测, 专家评审 …) from today, for
    ``planned_working_days``; the planned end is computed on the working-day calendar and a
    special procedure notice (特别程序告知书) is issued to the applicant.

    # rule: time for special procedures is not counted, and the applicant is told in
    # writing how long it will take (行政许可法 art. 45)

    Errors: ``permission_denied`` / ``separation_of_duties`` (403), ``reason_required``,
    ``planned_days_required`` (400), ``invalid_input`` (400, unknown kind),
    ``transition_not_allowed`` / ``stale_version`` (409).
    """
    ensure_can_review_item(actor, item)
    item_next_status(item.status, ItemAction.PAUSE)
    if kind not in PauseKind.values:
        raise InvalidInput(
            _("Unknown kind of pause."),
            invalid_params=[{"name": "kind", "code": "invalid_choice", "reason": str(kind)}],
        )
    reason = _required(reason, "reason", ErrorCode.REASON_REQUIRED)
    evidence = _required(evidence, "evidence", ErrorCode.REASON_REQUIRED)
    planned_working_days = _planned_days(planned_working_days)
    today = local_date()
    pause = ClockPause(
        item=item,
        kind=kind,
        reason=reason,
        evidence=evidence,
        started_on=today,
        started_by=actor,
        planned_working_days=planned_working_days,
        planned_end_on=pause_planned_end_on(
            today, planned_working_days, region_code=region_of(item.case)
        ),
    )
    pause.full_clean(exclude=["item"])
    changes = item_due_changes(item, on=today, pauses=[*item.pauses.all(), pause])
    item = _item_transition(
        item=item,
        action=ItemAction.PAUSE,
        actor=actor,
        changes=changes,
        data={
            "kind": kind,
            "reason": reason,
            "evidence": evidence,
            "from_day": today,
            "planned_working_days": planned_working_days,
            "planned_end_on": pause.planned_end_on,
        },
    )
    pause.item = item
    pause.save()
    document_due(OfficialDocumentKind.SPECIAL_PROCEDURE_NOTICE, pause)
    case_dues_refresh(case=item.case, actor=actor, on=today)
    return item


@transaction.atomic
def item_resume(*, item: CaseItem, actor: Any) -> CaseItem:
    """
    Restart the item's clock today; the paused days move the due dates.

    Errors: ``permission_denied`` / ``separation_of_duties`` (403),
    ``transition_not_allowed`` / ``stale_version`` (409).
    """
    ensure_can_review_item(actor, item)
    item_next_status(item.status, ItemAction.RESUME)
    today = local_date()
    pause = item.pauses.filter(resumed_on__isnull=True).first()
    pauses = list(item.pauses.all())
    for p in pauses:
        if pause is not None and p.pk == pause.pk:
            p.resumed_on, p.resumed_by = today, actor
    changes = item_due_changes(item, on=today, pauses=pauses)
    item = _item_transition(
        item=item,
        action=ItemAction.RESUME,
        actor=actor,
        changes=changes,
        data={"resumed_on": today},
    )
    if pause is not None:
        pause.resumed_on, pause.resumed_by = today, actor
        pause.save(update_fields=["resumed_on", "resumed_by", "updated_at"])
    case_dues_refresh(case=item.case, actor=actor, on=today)
    return item


@transaction.atomic
def item_extension_request(
    *, item: CaseItem, actor: Any, working_days: int, reason: str
) -> Extension:
    """
    Ask the approver to extend the item's limits by ``working_days``.

    # rule: one extension, +10 (joint handling +15) working days, approved by the head,
    # reasons told to the applicant (行政许可法 art. 42)

    Errors: ``permission_denied`` / ``separation_of_duties`` (403), ``extension_invalid``
    / ``reason_required`` (400), ``transition_not_allowed`` (409), ``extension_invalid``
    (409: an extension was already requested or granted).
    """
    ensure_can_review_item(actor, item)
    item_next_status(item.status, ItemAction.EXTEND)
    if (
        isinstance(working_days, bool)
        or not isinstance(working_days, int)
        or not (1 <= working_days <= MAX_EXTENSION_DAYS)
    ):
        raise InvalidInput(
            _("An extension is 1 to %(max)s working days.") % {"max": MAX_EXTENSION_DAYS},
            code=ErrorCode.EXTENSION_INVALID,
            invalid_params=[
                {
                    "name": "working_days",
                    "code": ErrorCode.EXTENSION_INVALID,
                    "reason": str(working_days),
                }
            ],
        )
    reason = _required(reason, "reason", ErrorCode.REASON_REQUIRED)
    case = case_lock(item.case_id)
    # a refused request does not use up the one extension the law allows
    if item.extensions.filter(rejected_at__isnull=True).exists():
        raise Conflict(
            _("This item already has an extension; the law allows one."),
            code=ErrorCode.EXTENSION_INVALID,
        )
    extension = Extension(item=item, working_days=working_days, reason=reason, requested_by=actor)
    extension.full_clean()
    extension.save()
    case_event_record(
        case=case,
        kind=EventKind.EXTENSION_REQUESTED,
        actor=actor,
        item=item,
        data={"item": str(item.public_id), "working_days": working_days, "reason": reason},
    )
    return extension


@transaction.atomic
def item_extension_approve(*, extension: Extension, actor: Any, reason: str = "") -> CaseItem:
    """
    Approve a requested extension: the item's limits grow by its working days, the due
    dates are recomputed and the applicant is told (inbox) with the reason. ``reason``:
    the approver's own note, kept on the extension.

    Errors: ``permission_denied`` / ``separation_of_duties`` (403),
    ``extension_not_pending`` / ``transition_not_allowed`` / ``stale_version`` (409).
    """
    item = extension.item
    ensure_can_decide_item(actor, item)
    extension = _pending_locked(extension)
    item_next_status(item.status, ItemAction.EXTEND)
    today = local_date()
    item.extension_days += extension.working_days
    changes = {"extension_days": item.extension_days, **item_due_changes(item, on=today)}
    item = _item_transition(
        item=item,
        action=ItemAction.EXTEND,
        actor=actor,
        changes=changes,
        data={
            "extension": str(extension.public_id),
            "working_days": extension.working_days,
            "reason": extension.reason,
            "approver_reason": (reason or "").strip(),
        },
    )
    now = timezone.now()
    extension.approved_by, extension.approved_at, extension.notice_sent_at = actor, now, now
    extension.decision_reason = (reason or "").strip()
    extension.save(
        update_fields=[
            "approved_by",
            "approved_at",
            "notice_sent_at",
            "decision_reason",
            "updated_at",
        ]
    )
    document_due(OfficialDocumentKind.EXTENSION_NOTICE, extension)
    case = item.case
    title = gettext("%(matter)s: time limit extended by %(days)s working days") % {
        "matter": item.matter_version.name,
        "days": extension.working_days,
    }
    # The notice is part of the change: written in its transaction (docs/architecture.md).
    notification_send(
        kind="item_extended",
        title=title,
        body=extension.reason,
        link=f"/cases/{case.public_id}/",
        enterprise=case.enterprise,
    )
    case_dues_refresh(case=case, actor=actor, on=today)
    return item


def _pending_locked(extension: Extension) -> Extension:
    """The extension's row, locked; ``extension_not_pending`` (409) once decided."""
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.approved_at is not None or extension.rejected_at is not None:
        raise Conflict(
            _("This extension was already decided."), code=ErrorCode.EXTENSION_NOT_PENDING
        )
    return extension


@transaction.atomic
def item_extension_reject(*, extension: Extension, actor: Any, reason: str) -> Extension:
    """
    Refuse a requested extension with a reason: the limits stay as they are, the
    requester may ask again (a refused request does not use up the one extension).

    # rule: +10 days only with the agency head's approval (行政许可法 art. 42); the
    # approver may refuse, and the reason is kept and shown to the requester

    Errors: ``permission_denied`` / ``separation_of_duties`` (403), ``reason_required``
    (400), ``extension_not_pending`` / ``transition_not_allowed`` (409).
    """
    item = extension.item
    ensure_can_decide_item(actor, item)
    reason = _required(reason, "reason", ErrorCode.REASON_REQUIRED)
    case = case_lock(item.case_id)
    extension = _pending_locked(extension)
    item_next_status(item.status, ItemAction.EXTEND)
    extension.rejected_by, extension.rejected_at = actor, timezone.now()
    extension.decision_reason = reason
    extension.save(update_fields=["rejected_by", "rejected_at", "decision_reason", "updated_at"])
    case_event_record(
        case=case,
        kind=EventKind.EXTENSION_REJECTED,
        actor=actor,
        item=item,
        data={
            "item": str(item.public_id),
            "extension": str(extension.public_id),
            "working_days": extension.working_days,
            "reason": reason,
        },
        case_locked=True,
    )
    return extension


RECOMPUTE_BATCH = 5000


def _spans_any(days: Iterable[date]) -> Q:
    """Items whose clock span (its start to the later due date) holds one of ``days``."""
    runs: list[list[date]] = []
    for day in sorted(set(days)):
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    condition = Q(pk__in=[])
    for first, last in runs:  # consecutive days as one range: a notice's holidays come so
        condition |= Q(clock_started_on__lte=last) & (
            Q(statutory_due_on__gte=first) | Q(promised_due_on__gte=first)
        )
    return condition


# What the walk reads of an item, its case's project and bundle (``_RecomputeWalk.stale``).
_RECOMPUTE_COLUMNS = (
    "id",
    "matter_version_id",
    "clock_started_on",
    "count_start_day",
    "extension_days",
    "promised_due_on",
    "statutory_due_on",
    "yellow_from_on",
    "provisional",
    "case__project__region_code",
    "case__project__is_key_project",
    "case__bundle__key_project_factor",
)
_VERSION_COLUMNS = (
    "id",
    "promised_limit",
    "promised_limit_unit",
    "statutory_limit",
    "statutory_limit_unit",
    "warning_days",
)


def deadlines_recompute_open(years: Iterable[int], days: Iterable[date] | None = None) -> int:
    """
    Recompute the stored due dates of every open item whose clock touches ``years``
    (called by the calendars app after a notice import). Return how many items changed.

    ``days``: the days whose working status the import changed (the calendars app works them
    out). An item's dates count working days from its clock's start to its due dates, so an
    item none of whose clock span holds a changed day cannot change, and is left out in SQL
    with the years; provisional items and paused ones (their dates move with the pause) are
    always walked. ``None``: the days are not known (a seed), every item of the years is.

    An item whose dates change is loaded and moved through ``item_due_changes`` and the
    ``recompute`` transition (its event), then its case's dates are refreshed.

    perf (issue #16, part 4): the items whose clock cannot touch ``years`` are left out in
    SQL; the rest are read as plain columns in keyset batches of ``RECOMPUTE_BATCH`` by id
    (bounded memory; two queries a batch: the items with their case's project and bundle,
    and their pauses; the matter versions once each), and each item's dates computed by
    ``DueIndex`` with the run's calendars held once as sorted working days (a few
    bisections an item, the same inputs computed once) and compared with the stored ones.
    Only an item they differ for (or that ``DueIndex`` cannot tell) costs ORM instances and
    a transition.
    """
    years = set(years)
    if not years:
        return 0
    today = local_date()
    changed = 0
    first, last = date(min(years) - 1, 1, 1), date(max(years), 12, 31)
    items = (
        CaseItem.objects.filter(status__in=list(ITEM_CLOCK_STATUSES))
        .exclude(clock_started_on__isnull=True)
        # the clock runs from its start to (at the latest) the statutory due date; the
        # year after that due date is kept, since a pause may push it over the new year
        .filter(
            Q(provisional=True)
            | Q(clock_started_on__lte=last)
            & (Q(statutory_due_on__isnull=True) | Q(statutory_due_on__gte=first))
        )
    )
    if days is not None:
        items = items.filter(_spans_any(days) | Q(provisional=True) | Q(status=ItemStatus.PAUSED))
    rows = items.order_by("id").values_list(*_RECOMPUTE_COLUMNS)
    touched_cases: set[int] = set()
    with request_cache_scope():
        walk = _RecomputeWalk(today)
        after = 0
        while True:
            batch = list(rows.filter(id__gt=after)[:RECOMPUTE_BATCH])
            if not batch:
                break
            after = batch[-1][0]
            stale = walk.stale(batch)
            if stale:
                changed += _recompute_stale(stale, today, years, touched_cases)
            if len(batch) < RECOMPUTE_BATCH:
                break
        for case_id in sorted(touched_cases):
            with transaction.atomic():
                case_dues_refresh(case=Case.objects.get(pk=case_id), actor=None, on=today)
    return changed


def _recompute_stale(
    stale: list[int], today: date, years: set[int], touched_cases: set[int]
) -> int:
    """
    The ``recompute`` transition of each of ``stale`` whose dates ``item_due_changes``
    moves (the walk's unchanged path); return how many changed, add their cases to
    ``touched_cases``.
    """
    changed = 0
    candidates = (
        CaseItem.objects.filter(pk__in=stale)
        .select_related("case__project", "case__bundle", "matter_version__matter")
        .prefetch_related("pauses")
        .order_by("case_id", "id")
    )
    for item in candidates:
        changes = item_due_changes(item, on=today, pauses=item.pauses.all())
        if all(getattr(item, k) == v for k, v in changes.items()):
            continue
        with transaction.atomic():
            _item_transition(
                item=item,
                action=ItemAction.RECOMPUTE,
                actor=None,
                changes=changes,
                data={"years": sorted(years)},
            )
        touched_cases.add(item.case_id)
        changed += 1
    return changed


class _RecomputeWalk:
    """
    Which items of a batch of ``_RECOMPUTE_COLUMNS`` rows have stored dates other than
    ``item_due_changes`` would give today (or may have: ``DueIndex`` cannot tell).

    perf (issue #16, part 4): plain tuples, the calendars held once (``DueIndex``), the
    matter versions read once each, and the fields memoised on their inputs (items accepted
    the same day for the same matter share them); the memo is dropped when it grows past
    ``_MEMO_LIMIT`` (bounded memory).
    """

    _MEMO_LIMIT = 200_000

    def __init__(self, today: date) -> None:
        self.today = today
        self.index = DueIndex()
        self.versions: dict[int, tuple] = {}
        self.memo: dict[tuple, tuple | None] = {}
        self.regions: dict[str | None, str] = {}  # a project's region_code -> region_of's

    def _read_versions(self, ids: set[int]) -> None:
        missing = ids - self.versions.keys()
        if missing:
            rows = MatterVersion.objects.filter(pk__in=missing).values_list(*_VERSION_COLUMNS)
            for pk, *rest in rows:
                self.versions[pk] = tuple(rest)

    def stale(self, batch: list[tuple]) -> list[int]:
        self._read_versions({row[1] for row in batch})
        pauses: dict[int, list[tuple[date, date]]] = {}
        # perf: the batch's id range, not its 5,000 ids (a pause of an item outside the
        # batch is never looked up)
        for item_id, started_on, resumed_on in (
            ClockPause.objects.filter(item_id__gte=batch[0][0], item_id__lte=batch[-1][0])
            .order_by()
            .values_list("item_id", "started_on", "resumed_on")
        ):
            end = pause_end_on(started_on, resumed_on, on=self.today)
            if end >= started_on:  # as ``pauses_as_periods``
                pauses.setdefault(item_id, []).append((started_on, end))
        if len(self.memo) > self._MEMO_LIMIT:
            self.memo.clear()
        memo, versions, fields = self.memo, self.versions, self.index.fields
        regions, calendar_of = self.regions, self.index.calendar_of
        stale = []
        for (
            item_id,
            version_id,
            started,
            count_start,
            extension_days,
            promised_due_on,
            statutory_due_on,
            yellow_from_on,
            provisional,
            region_code,
            key_project,
            factor,
        ) in batch:
            periods = tuple(pauses.get(item_id, ()))
            region = regions.get(region_code)
            if region is None:
                region = regions[region_code] = region_of_code(region_code)
            # the calendar counted on, not the region: most regions count on the national one
            key: tuple = (version_id, started, count_start, extension_days, calendar_of(region))
            key += (key_project, factor, periods)
            if key in memo:
                expected = memo[key]
            else:
                p_limit, p_unit, s_limit, s_unit, warning = versions[version_id]
                expected = memo[key] = fields(
                    started,
                    limits_of(
                        p_limit,
                        p_unit,
                        s_limit,
                        s_unit,
                        key_project=key_project,
                        key_project_factor=factor,
                        extension_days=extension_days,
                    ),
                    (p_unit, s_unit),
                    region=region,
                    count_start=count_start,
                    pauses=periods,
                    warning_days=warning_days_or_default(warning),
                )
            # perf: a tuple compare an item; ORM rows and item_due_changes only when stale
            if expected != (promised_due_on, statutory_due_on, yellow_from_on, provisional):
                stale.append(item_id)
        return stale
