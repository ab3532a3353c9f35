"""
Reads of cases and items, always through visibility (DESIGN.md §7):

* applicant: the cases of its enterprises (drafts included); helper: of its assigned projects;
* window clerk: submitted and later cases of its service centre, and those with no centre
  whose project lies in the centre's jurisdiction (its region and sub-regions, GB/T 2260);
* reviewer, approver, inspector: cases with an item in their department, and those items;
* supervisor: every case except drafts, read-only; catalogue keeper: none.

Not found and not visible are the same 404. Overdue and warning colours are computed in
the query from the stored due dates, never stored.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import (
    in_jurisdiction,
    user_department_ids,
    user_enterprise_ids,
    user_has_role,
    user_jurisdiction_prefixes,
    user_service_center_ids,
)
from kaigong.cases.constants import (
    ITEM_CLOCK_STATUSES,
    CaseStatus,
    ItemStatus,
    WarningColour,
)
from kaigong.cases.deadlines import (
    ItemDue,
    item_due_dates,
    region_of,
    warning_colour,
    warning_days_for,
)
from kaigong.cases.exceptions import CaseNotFound, ItemNotFound, MaterialNotFound
from kaigong.cases.models import Case, CaseEvent, CaseItem, Denial, Extension, SubmittedMaterial
from kaigong.cases.warning_colours import (
    annotate_warning,
    correction_notice_warning,
    warning_condition,
)
from kaigong.cases.workflow import case_allowed_actions, item_allowed_actions
from kaigong.core.clock import local_date
from kaigong.core.exceptions import Conflict, NotFound

_NONE = Q(pk__in=[])


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _case_condition(user: Any) -> Q:
    condition = _NONE
    enterprises = user_enterprise_ids(user)
    if enterprises:
        condition |= Q(enterprise_id__in=enterprises)
    if user_has_role(user, Role.HELPER):
        condition |= Q(project__helpers=user)
    not_draft = ~Q(status=CaseStatus.DRAFT)
    centres = user_service_center_ids(user, [Role.WINDOW_CLERK])
    if centres:
        unassigned = Q(service_center__isnull=True) & in_jurisdiction(
            user_jurisdiction_prefixes(user), path="project__region_code"
        )
        condition |= not_draft & (Q(service_center_id__in=centres) | unassigned)
    departments = user_department_ids(user)
    if departments:
        condition |= not_draft & Q(items__department_id__in=departments)
    if user_has_role(user, Role.SUPERVISOR):
        condition |= not_draft
    return condition


def case_list_visible_to(user: Any) -> QuerySet[Case]:
    """Cases ``user`` may see (see the module docstring)."""
    if not _active(user):
        return Case.objects.none()
    ids = Case.objects.filter(_case_condition(user)).values("pk")
    return Case.objects.filter(pk__in=ids).select_related(
        "project", "bundle", "enterprise", "service_center"
    )


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def case_get_for(user: Any, public_id: Any) -> Case:
    """The case, or ``case_not_found`` (404) when it does not exist or is not visible."""
    key = _uuid(public_id)
    case = case_list_visible_to(user).filter(public_id=key).first() if key else None
    if case is None:
        raise CaseNotFound()
    return case


def item_list_visible_to(user: Any) -> QuerySet[CaseItem]:
    """Items of visible cases; department staff see their departments' items."""
    if not _active(user):
        return CaseItem.objects.none()
    if user_has_role(user, Role.SUPERVISOR):
        # supervisors see every case but drafts, and items exist only from acceptance on:
        # every item (perf: no visibility subquery, so the due-date index is read in order)
        return CaseItem.objects.select_related(*_ITEM_RELATED)
    condition = _NONE
    departments = user_department_ids(user)
    if departments:
        condition |= Q(department_id__in=departments)
    if user_has_role(user, Role.APPLICANT, Role.HELPER, Role.WINDOW_CLERK, Role.SUPERVISOR):
        condition |= Q(case__in=case_list_visible_to(user).values("pk"))
    return CaseItem.objects.filter(condition).select_related(*_ITEM_RELATED)


_ITEM_RELATED = (
    "case__project",
    "case__bundle",
    "case__enterprise",
    "matter_version__matter",
    "department",
    "reviewer",
    "approver",
)


def item_get_for(user: Any, public_id: Any) -> CaseItem:
    """The item, or ``item_not_found`` (404)."""
    key = _uuid(public_id)
    if key is None:
        raise ItemNotFound()
    # perf: the relations that permission checks, the transitions and the item's answer
    # read (its reviewer is named in every answer: one join instead of a query after);
    # planning the ten-table join of the list cost PostgreSQL more (≈3 ms) than loading
    # an approver when one is shown
    qs = (
        item_list_visible_to(user)
        .select_related(None)
        .select_related("case__project", "matter_version__matter", "department", "reviewer")
    )
    try:
        return qs.get(public_id=key)
    except CaseItem.DoesNotExist:
        raise ItemNotFound() from None


# The columns a worklist row reads: ``ItemOutputSerializer`` and the staff workbench page.
# Reading any other column of these rows costs one query per row; the API tests count them.
_WORKLIST_COLUMNS = (
    "public_id",
    "case__public_id",
    "case__number",
    "case__project__name",
    "matter_version__name",
    "matter_version__matter__code",
    "department",
    "status",
    "version",
    "reviewer",
    "approver",
    "clock_started_on",
    "promised_due_on",
    "statutory_due_on",
    "yellow_from_on",
    "provisional",
    "extension_days",
    "decision",
    "decided_on",
)


def item_worklist(
    user: Any,
    *,
    department: str | None = None,
    status: str | None = None,
    warning: str | None = None,
    on: date | None = None,
) -> QuerySet[CaseItem]:
    """
    A department's worklist: the user's departments' items (every item for a supervisor),
    ordered by promised due date, each annotated with ``warning``; filterable by department
    code, status and warning colour. Closed items are left out unless ``status`` asks.
    Rows carry the columns a worklist row shows (``_WORKLIST_COLUMNS``); any other column
    is read with one query per row.
    """
    on = on or local_date()
    # perf: only the relations a worklist row shows; the small ones are prefetched, since
    # planning a nine-way join cost PostgreSQL more than the three extra queries
    qs = (
        item_list_visible_to(user)
        .select_related(None)
        .select_related("case__project", "matter_version__matter")
        .prefetch_related("department", "reviewer", "approver")
        # perf: only the columns a worklist row shows (API serializer and staff page); the
        # full rows of the item, case, project and matter version are ~100 columns, and
        # building them was a quarter of the API request's Python time
        .only(*_WORKLIST_COLUMNS)
    )
    if not user_has_role(user, Role.SUPERVISOR):
        qs = qs.filter(department_id__in=user_department_ids(user))
    if department:
        qs = qs.filter(department__code=department)
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=[s for s in ItemStatus if s not in _CLOSED_ITEM])
    if warning:
        qs = qs.filter(warning_condition(warning, on=on))
    qs = annotate_warning(qs, on=on)
    # perf: matches the index (department, promised_due_on, id): the first page is read in
    # order instead of sorting every open item of the department
    return qs.order_by(F("promised_due_on").asc(nulls_last=True), "id")


_CLOSED_ITEM = {ItemStatus.APPROVED, ItemStatus.DENIED, ItemStatus.WITHDRAWN, ItemStatus.TERMINATED}


def item_list_overdue(user: Any, *, on: date | None = None) -> QuerySet[CaseItem]:
    """Visible items whose clock runs and whose promised due date has passed."""
    on = on or local_date()
    return (
        item_list_visible_to(user)
        .filter(status__in=list(ITEM_CLOCK_STATUSES), promised_due_on__lt=on)
        .order_by("promised_due_on", "id")
    )


def item_list_statutory_overdue(user: Any, *, on: date | None = None) -> QuerySet[CaseItem]:
    """Visible items past their statutory due date (legality, not just a warning)."""
    on = on or local_date()
    return (
        item_list_visible_to(user)
        .filter(status__in=list(ITEM_CLOCK_STATUSES), statutory_due_on__lt=on)
        .order_by("statutory_due_on", "id")
    )


def case_queue(user: Any, *, on: date | None = None) -> QuerySet[Case]:
    """
    The window's queue: submitted cases in arrival order, each annotated with
    ``notice_warning`` for the 5-working-day correction-notice rule (行政许可法 art. 32):
    red once the notice date passed, yellow on its last working day or the one before —
    working days of the project's region, in which the notice date was counted.
    """
    on = on or local_date()
    return (
        case_list_visible_to(user)
        .filter(status=CaseStatus.SUBMITTED)
        .annotate(notice_warning=correction_notice_warning(on))
        .order_by("received_at", "id")
    )


def case_list_correction_notice_due(user: Any, *, on: date | None = None) -> QuerySet[Case]:
    """Queue entries about to miss (yellow) or past (red) the correction-notice date."""
    return case_queue(user, on=on).filter(
        notice_warning__in=[WarningColour.YELLOW, WarningColour.RED]
    )


def case_list_overdue(user: Any, *, on: date | None = None) -> QuerySet[Case]:
    """Accepted cases past their bundle's promised due date."""
    on = on or local_date()
    return (
        case_list_visible_to(user)
        .filter(status=CaseStatus.ACCEPTED, promised_due_on__lt=on)
        .order_by("promised_due_on", "id")
    )


def case_list_for_project(project: Any) -> QuerySet[Case]:
    """Submitted (non-draft) cases of a project, newest first (tracking page, timeline)."""
    return (
        Case.objects.filter(project=project)
        .exclude(status=CaseStatus.DRAFT)
        .select_related("bundle")
        .order_by("-created_at", "-id")
    )


NEXT_STEP = {
    ItemStatus.WAITING: gettext_noop("Waiting for a prerequisite matter"),
    ItemStatus.IN_REVIEW: gettext_noop("The department is reviewing"),
    ItemStatus.PAUSED: gettext_noop("Special procedure under way; the clock is stopped"),
    ItemStatus.PROPOSED: gettext_noop("Awaiting the approver's decision"),
    ItemStatus.PRE_APPROVED: gettext_noop("Pre-approved; awaiting the final decision"),
    ItemStatus.APPROVED: gettext_noop("Done"),
    ItemStatus.APPROVED_DEFERRED: gettext_noop("Approved; supply the deferred materials"),
    ItemStatus.DENIED: gettext_noop("Denied; see the reasons and your rights"),
    ItemStatus.WITHDRAWN: gettext_noop("Withdrawn"),
    ItemStatus.TERMINATED: gettext_noop("Terminated"),
}


def case_item_progress(case: Case, *, on: date | None = None) -> list[dict[str, Any]]:
    """Per item: matter, department, status and label, promised due date, colour, next step."""
    if not case.has_items:
        return []  # perf: no read for a case never accepted (a draft's answer)
    on = on or local_date()
    region = region_of(case)  # the calendar the items' due dates were counted in
    rows = []
    items = case.items.select_related("matter_version__matter", "department").order_by(
        "order", "id"
    )
    for item in items:
        colour = (
            warning_colour(
                item.promised_due_on,
                on=on,
                warning_days=warning_days_for(item.matter_version),
                region_code=region,
            )
            if item.status in ITEM_CLOCK_STATUSES
            else WarningColour.NONE
        )
        rows.append(
            {
                "item": str(item.public_id),
                "matter_code": item.matter_version.matter.code,
                "matter_name": item.matter_version.name,
                "department_name": item.department.name,
                "status": item.status,
                "status_label": str(item.get_status_display()),
                "promised_due_on": item.promised_due_on,
                "statutory_due_on": item.statutory_due_on,
                "provisional": item.provisional,
                "warning": str(colour),
                "next_step": _(NEXT_STEP[ItemStatus(item.status)]),
            }
        )
    return rows


def case_event_list(case: Case) -> QuerySet[CaseEvent]:
    """The case's history in order (call after ``case_get_for``)."""
    return case.events.select_related("actor", "item").order_by("seq")


def case_actions_for(case: Case) -> list[str]:
    return [str(a) for a in case_allowed_actions(case.status)]


def item_actions_for(item: CaseItem) -> list[str]:
    return [str(a) for a in item_allowed_actions(item.status)]


def submitted_material_get_for(user: Any, public_id: Any) -> SubmittedMaterial:
    """
    A submitted material the user may open: its case must be visible; department staff
    with no other role see only materials their departments' items need.
    Raises ``material_not_found`` (404).
    """
    key = _uuid(public_id)
    row = (
        SubmittedMaterial.objects.filter(public_id=key).select_related("case", "material").first()
        if key
        else None
    )
    if row is None or not case_list_visible_to(user).filter(pk=row.case_id).exists():
        raise MaterialNotFound()
    if user_has_role(user, Role.APPLICANT, Role.HELPER, Role.WINDOW_CLERK, Role.SUPERVISOR):
        return row
    departments = user_department_ids(user)
    needed = CaseItem.objects.filter(
        case_id=row.case_id,
        department_id__in=departments,
        matter_version__requirements__material_id=row.material_id,
    ).exists()
    if not needed:
        raise MaterialNotFound()
    return row


def submitted_material_list(
    case: Case, *, current_only: bool = True
) -> QuerySet[SubmittedMaterial]:
    qs = case.materials.select_related("material", "certificate_type", "uploaded_by")
    return qs.filter(is_current=True) if current_only else qs


def denial_list_visible_to(user: Any, *, since: date | None = None) -> QuerySet[Denial]:
    """Denials of visible cases, newest first (the weekly audit reads these)."""
    qs = Denial.objects.filter(case__in=case_list_visible_to(user).values("pk")).select_related(
        "case", "item__matter_version", "by"
    )
    if since is not None:
        qs = qs.filter(at__date__gte=since)
    return qs.order_by("-at", "-id")


def case_progress_for_project(project: Any) -> list[dict[str, Any]]:
    """
    Progress rows of the project's cases in the shape ``projects.hooks`` documents (the
    tracking page and plan-against-actual read them through that hook): the due date is the promised one, the actual start the
    case's acceptance day, the actual end the item's decision day; submitted materials are
    named by the catalogue's material names only (never file names).
    """
    rows: list[dict[str, Any]] = []
    for case in case_list_for_project(project):
        decided = dict(case.items.values_list("public_id", "decided_on"))
        decided = {str(k): v for k, v in decided.items()}
        materials = sorted(
            {m.material.name for m in case.materials.select_related("material") if m.material_id}
        )
        for row in case_item_progress(case):
            rows.append(
                {
                    **row,
                    "due_on": row.get("promised_due_on"),
                    "started_on": case.accepted_on,
                    "concluded_on": decided.get(str(row.get("item"))),
                    "submitted_materials": materials,
                }
            )
    return rows


def item_clock(item: CaseItem, *, on: date | None = None) -> ItemDue:
    """The item's promised and statutory clocks explained, or ``clock_not_started`` (409)."""
    if item.clock_started_on is None:
        raise Conflict(_("The clock of this item has not started."), code="clock_not_started")
    return item_due_dates(item, on=on or local_date())


def item_pending_extension(item: CaseItem) -> Extension | None:
    """The extension request of the item still waiting for the approver, if any."""
    return item.extensions.filter(approved_at__isnull=True, rejected_at__isnull=True).first()


def extension_get_for(item: CaseItem, public_id: Any = None) -> Extension:
    """The item's extension (by id, else the pending one), or ``extension_not_found`` (404)."""
    if public_id is None:
        extension = item_pending_extension(item)
    else:
        key = _uuid(public_id)
        extension = item.extensions.filter(public_id=key).first() if key else None
    if extension is None:
        raise NotFound(_("No such extension request."), code="extension_not_found")
    return extension


# --- materials: who may open which submitted file (the staff workspace) ----------------


def case_material_list_for(user: Any, case: Case) -> list[SubmittedMaterial]:
    """
    The case's current submitted materials that ``user`` may open (``can_view_material``),
    in catalogue order. Call after ``case_get_for`` (the case is visible).
    """
    from kaigong.cases.permissions import viewable_material_ids

    rows = list(submitted_material_list(case).order_by("material__code", "-created_at", "-id"))
    allowed = viewable_material_ids(user, case)
    return [row for row in rows if allowed is None or row.material_id in allowed]


def case_material_get_for(user: Any, case: Case, public_id: Any) -> SubmittedMaterial:
    """
    One submitted material of a visible ``case`` (current or superseded) that ``user``
    may open, or ``material_not_found`` (404): not found and not allowed look the same.
    """
    from kaigong.cases.permissions import can_view_material

    key = _uuid(public_id)
    row = (
        SubmittedMaterial.objects.filter(case=case, public_id=key)
        .select_related("case", "material")
        .first()
        if key
        else None
    )
    if row is None or not can_view_material(user, row):
        raise MaterialNotFound()
    return row


def case_material_history_for(user: Any, case: Case) -> list[SubmittedMaterial]:
    """Every submitted material of ``case`` (current and superseded) ``user`` may open."""
    from kaigong.cases.permissions import viewable_material_ids

    allowed = viewable_material_ids(user, case)
    rows = submitted_material_list(case, current_only=False).order_by(
        "material__code", "-created_at", "-id"
    )
    return [row for row in rows if allowed is None or row.material_id in allowed]


def with_pending_extension(items: QuerySet[CaseItem]) -> QuerySet[CaseItem]:
    """``items`` annotated with ``extension_pending``: a request waits for the approver."""
    from django.db.models import Exists, OuterRef

    pending = Extension.objects.filter(
        item=OuterRef("pk"), approved_at__isnull=True, rejected_at__isnull=True
    )
    return items.annotate(extension_pending=Exists(pending))


def window_for_acceptance(public_id: Any) -> Any:
    """The window (综合窗口) an acceptance names; ``window_invalid`` (400) for no window."""
    from kaigong.accounts.models import Window
    from kaigong.core.exceptions import InvalidInput

    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        key = None
    window = Window.objects.filter(public_id=key).first() if key else None
    if window is None:
        raise InvalidInput(
            _("There is no such window."),
            code="window_invalid",
            invalid_params=[{"name": "window", "code": "window_invalid", "reason": str(public_id)}],
        )
    return window
