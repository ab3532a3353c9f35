"""
Reads of the feedback app, scoped (an outsider's object is the same 404 as a missing one):

* evaluations and tickets: the centre's feedback staff, the rated department's staff, the
  enterprise (its own), supervisors;
* callbacks: the centre's feedback staff, supervisors;
* complaints: the centre's counter staff, the assigned unit, the complainant, supervisors.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from kaigong.accounts.models import Department, ServiceCenter
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import (
    user_department_ids,
    user_enterprise_ids,
    user_has_role,
    user_service_center_ids,
)
from kaigong.core.clock import local_date
from kaigong.core.exceptions import NotFound

from .constants import (
    CallbackOutcome,
    ErrorCode,
    EvaluationStatus,
    Level,
    Occasion,
    TicketStatus,
)
from .models import Appeal, CallbackTask, Complaint, Evaluation, HotlineClient, Ticket
from .permissions import CENTRE_FEEDBACK_ROLES, COUNTER_ROLES, DEPARTMENT_ROLES

_NONE = Q(pk__in=[])


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _scope(
    user: Any, *, centre_roles, enterprise_path: str | None, department: bool = True, own=None
) -> Q:
    """Rows of the user's centres, departments, enterprises (and ``own`` path = the user);
    every row for supervisors (read-only); none for anyone inactive."""
    if not _active(user):
        return _NONE
    if user_has_role(user, Role.SUPERVISOR):
        return ~_NONE
    condition = _NONE
    if own:
        condition |= Q(**{own: user.pk})
    centres = user_service_center_ids(user, centre_roles)
    if centres:
        condition |= Q(service_center_id__in=centres)
    if department:
        departments = user_department_ids(user, DEPARTMENT_ROLES)
        if departments:
            condition |= Q(department_id__in=departments)
    if enterprise_path:
        enterprises = user_enterprise_ids(user)
        if enterprises:
            condition |= Q(**{f"{enterprise_path}__in": enterprises})
    return condition


def evaluation_list_visible_to(user: Any) -> QuerySet[Evaluation]:
    condition = _scope(
        user, centre_roles=CENTRE_FEEDBACK_ROLES, enterprise_path="enterprise_id", own="staff_id"
    )
    return Evaluation.objects.filter(condition).select_related(
        "case", "department", "service_center", "staff", "matter_version__matter", "indicator_set"
    )


def evaluation_get_for(user: Any, public_id: Any) -> Evaluation:
    key = _uuid(public_id)
    found = evaluation_list_visible_to(user).filter(public_id=key).first() if key else None
    if found is None:
        raise NotFound(_("No such evaluation."), code=ErrorCode.EVALUATION_NOT_FOUND)
    return found


def ticket_list_visible_to(user: Any) -> QuerySet[Ticket]:
    condition = _scope(
        user, centre_roles=CENTRE_FEEDBACK_ROLES, enterprise_path="case__enterprise_id"
    )
    return Ticket.objects.filter(condition).select_related(
        "case", "department", "service_center", "evaluation"
    )


def ticket_get_for(user: Any, public_id: Any) -> Ticket:
    key = _uuid(public_id)
    found = ticket_list_visible_to(user).filter(public_id=key).first() if key else None
    if found is None:
        raise NotFound(_("No such ticket."), code=ErrorCode.TICKET_NOT_FOUND)
    return found


def appeal_list_visible_to(user: Any) -> QuerySet[Appeal]:
    ids = evaluation_list_visible_to(user).values("pk")
    return Appeal.objects.filter(evaluation__in=ids).select_related("evaluation", "filed_by")


def appeal_get_for(user: Any, public_id: Any) -> Appeal:
    key = _uuid(public_id)
    found = appeal_list_visible_to(user).filter(public_id=key).first() if key else None
    if found is None:
        raise NotFound(_("No such appeal."), code=ErrorCode.APPEAL_NOT_FOUND)
    return found


def callback_list_visible_to(user: Any) -> QuerySet[CallbackTask]:
    condition = _scope(
        user, centre_roles=CENTRE_FEEDBACK_ROLES, enterprise_path=None, department=False
    )
    return CallbackTask.objects.filter(condition).select_related(
        "case__enterprise", "case__project", "ticket", "callback_list", "agent"
    )


def callback_worklist(user: Any, *, on: date | None = None) -> QuerySet[CallbackTask]:
    """The calls to make: this morning's lists and every open follow-up, open ones first."""
    on = on or local_date()
    open_or_today = Q(callback_list__on=on) | Q(callback_list__isnull=True, done_at__isnull=True)
    return (
        callback_list_visible_to(user).filter(open_or_today).order_by("done_at", "created_at", "id")
    )


def callback_get_for(user: Any, public_id: Any) -> CallbackTask:
    key = _uuid(public_id)
    found = callback_list_visible_to(user).filter(public_id=key).first() if key else None
    if found is None:
        raise NotFound(_("No such callback."), code=ErrorCode.CALLBACK_NOT_FOUND)
    return found


def complaint_list_visible_to(user: Any) -> QuerySet[Complaint]:
    condition = _scope(
        user, centre_roles=COUNTER_ROLES, enterprise_path="enterprise_id", own="complainant_id"
    )
    return Complaint.objects.filter(condition).select_related(
        "service_center", "department", "case"
    )


def complaint_get_for(user: Any, public_id: Any) -> Complaint:
    key = _uuid(public_id)
    found = complaint_list_visible_to(user).filter(public_id=key).first() if key else None
    if found is None:
        raise NotFound(_("No such complaint."), code=ErrorCode.COMPLAINT_NOT_FOUND)
    return found


def complaint_for_hotline(client: HotlineClient, ticket_no: str) -> Complaint:
    found = Complaint.objects.filter(hotline_client=client, hotline_ticket=ticket_no).first()
    if found is None:
        raise NotFound(_("No such complaint."), code=ErrorCode.COMPLAINT_NOT_FOUND)
    return found


def departments_of_centre(service_center: ServiceCenter) -> QuerySet[Department]:
    return service_center.departments.all().order_by("name")


# -- figures --------------------------------------------------------------------------------


def callback_figures(
    *, service_center_ids=None, since: date | None = None, until: date | None = None
) -> dict[str, int]:
    """
    Callback figures for supervision statistics: ``total`` calls listed, ``done`` (an
    outcome other than not reached), ``reached`` (reached, satisfied or problem),
    ``satisfied``, ``problems``. Optionally by centres and by the day of the list/creation.
    """
    rows = CallbackTask.objects.all()
    if service_center_ids is not None:
        rows = rows.filter(service_center_id__in=list(service_center_ids))
    if since:
        rows = rows.filter(created_at__date__gte=since)
    if until:
        rows = rows.filter(created_at__date__lte=until)
    reached = [CallbackOutcome.REACHED, CallbackOutcome.SATISFIED, CallbackOutcome.PROBLEM]
    figures = rows.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(outcome__in=reached)),
        reached=Count("id", filter=Q(outcome__in=reached)),
        satisfied=Count("id", filter=Q(outcome=CallbackOutcome.SATISFIED)),
        problems=Count("id", filter=Q(outcome=CallbackOutcome.PROBLEM)),
        not_reached=Count("id", filter=Q(outcome=CallbackOutcome.NOT_REACHED)),
    )
    return {k: int(v or 0) for k, v in figures.items()}


def _rate(good: int, total: int) -> str:
    return f"{100 * good / total:.1f}" if total else "—"


def evaluation_results(
    *, by: str = "department", since: date | None = None
) -> list[dict[str, Any]]:
    """
    Published aggregates (annulled ratings left out): per department, per service centre,
    or per window (``by="window"``: the ratings of the acceptance occasion of the cases the
    window accepted, ``Case.accepted_window``), count, each level, satisfaction rate =
    (非常满意 + 满意 + 基本满意) / all, bad reviews and how many of their tickets are closed.
    """
    rows = Evaluation.objects.exclude(status=EvaluationStatus.ANNULLED)
    if by == "window":
        w = "case__accepted_window__"
        fields = [f"{w}service_center__name", f"{w}number", f"{w}name"]
        rows = rows.filter(occasion=Occasion.ACCEPTANCE, case__accepted_window__isnull=False)
    else:
        fields = ["department__name" if by == "department" else "service_center__name"]
        rows = rows.exclude(**{f"{fields[0].split('__')[0]}__isnull": True})
    if since:
        rows = rows.filter(rated_at__date__gte=since)
    counts = {f"l{lv}": Count("id", filter=Q(level=lv)) for lv in Level.values}
    result = []
    for row in (
        rows.values(*fields)
        .annotate(
            total=Count("id"),
            rectified=Count("id", filter=Q(ticket__status=TicketStatus.CLOSED)),
            **counts,
        )
        .order_by(*fields)
    ):
        good = row["l5"] + row["l4"] + row["l3"]
        row["unit"] = " ".join(str(row.pop(f)) for f in fields)
        row["bad"] = row["l2"] + row["l1"]
        row["rate"] = _rate(good, row["total"])
        result.append(row)
    return result
