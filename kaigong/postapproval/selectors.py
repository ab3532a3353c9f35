"""Reading post-approval supervision: what is public, and who works which target."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import User
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_has_role, user_memberships
from kaigong.core.exceptions import NotFound

from .models import CheckItem, CommitmentCheck, Finding, Plan, Target, Task

STAFF = (Role.DEPARTMENT_HEAD, Role.APPROVER, Role.INSPECTOR, Role.REVIEWER)


def check_items_public() -> QuerySet[CheckItem]:
    return CheckItem.objects.select_related("department")


def plans_public() -> QuerySet[Plan]:
    """计划公告: published plans with their tasks."""
    return (
        Plan.objects.select_related("department")
        .filter(published_at__isnull=False)
        .prefetch_related("items", "tasks")
    )


def task_get_public(public_id: Any) -> Task:
    """任务公告 and 结果公告: a task, its draws, its drawn list and (once published) results."""
    row = (
        Task.objects.select_related("plan__department", "item", "target_draw", "inspector_draw")
        .filter(public_id=public_id)
        .first()
    )
    if row is None:
        raise NotFound(_("No such task."), code="not_found")
    return row


def _department_ids(user: User) -> set[int]:
    return {h.department_id for h in user_memberships(user) if h.role in STAFF and h.department_id}


def target_get_for(user: User, public_id: Any) -> Target:
    """A target: its drawn inspectors, the task's department staff, supervisors."""
    qs = Target.objects.select_related("task__plan__department", "certificate", "enterprise")
    row = qs.filter(public_id=public_id).first()
    visible = row is not None and (
        user_has_role(user, Role.SUPERVISOR)
        or row.task.plan.department_id in _department_ids(user)
        or row.inspectors.filter(pk=user.pk).exists()
    )
    if row is None or not visible:
        raise NotFound(_("No such target."), code="not_found")
    return row


def finding_get_for(user: User, public_id: Any) -> Finding:
    """A finding: as its target, and the approvers of the permit's issuing department."""
    row = (
        Finding.objects.select_related("target__task__plan__department", "target__certificate")
        .filter(public_id=public_id)
        .first()
    )
    if row is None:
        raise NotFound(_("No such finding."), code="not_found")
    cert = row.target.certificate
    issuer = cert.issuer_id if row.target.certificate_id and cert is not None else None
    if issuer in _department_ids(user):
        return row
    target_get_for(user, row.target.public_id)
    return row


def commitment_checks_for(user: User) -> QuerySet[CommitmentCheck]:
    qs = CommitmentCheck.objects.select_related("case", "department")
    if user_has_role(user, Role.SUPERVISOR):
        return qs
    return qs.filter(department_id__in=_department_ids(user))


def commitment_check_get_for(user: User, public_id: Any) -> CommitmentCheck:
    row = commitment_checks_for(user).filter(public_id=public_id).first()
    if row is None:
        raise NotFound(_("No such verification."), code="not_found")
    return row


def task_public_record(task: Task) -> dict[str, Any]:
    """What the public page shows: the item, the pool size and hash, the draws, the drawn
    list with weights and factors, and the results once published."""
    published = task.results_published_at is not None
    return {
        "id": str(task.public_id),
        "code": task.code,
        "plan": task.plan.title,
        "department": task.plan.department.name,
        "item": task.item.name,
        "basis": task.item.basis,
        "ratio_percent": task.item.ratio_percent,
        "sample_kind": task.sample_kind,
        "status": task.status,
        "period_start": task.period_start,
        "period_end": task.period_end,
        "pool_size": task.pool_size,
        "pool_hash": task.target_draw.candidates_hash if task.target_draw else "",
        "target_count": task.target_count,
        "target_draw": str(task.target_draw.public_id) if task.target_draw else None,
        "inspector_draw": str(task.inspector_draw.public_id) if task.inspector_draw else None,
        "recusals": task.recusals,
        "targets": [
            {
                "id": str(t.public_id),
                "rank": t.rank,
                "label": t.label,
                "weight": t.weight,
                "factors": t.factors,
                "inspectors": [u.full_name or u.username for u in t.inspectors.all()],
                "result": t.result if published else None,
                "result_label": t.get_result_display() if published else None,
                "findings": [
                    {
                        "severity": f.severity,
                        "description": f.description,
                        "status": f.status,
                        "revoked_certificate": f.revoked_certificate,
                    }
                    for f in t.findings.all()
                ]
                if published
                else [],
            }
            for t in task.targets.prefetch_related("inspectors", "findings").order_by("rank")
        ],
        "results_published_at": task.results_published_at,
    }


# -- the department's own work (the work page) --------------------------------------------

PLANNER_ROLES = (Role.DEPARTMENT_HEAD, Role.APPROVER)


def _planner_department_ids(user: User) -> set[int]:
    return {
        h.department_id
        for h in user_memberships(user)
        if h.role in PLANNER_ROLES and h.department_id
    }


def plans_of_planner(user: User) -> QuerySet[Plan]:
    """The plans of the departments the user plans checks for (head or approver)."""
    return (
        Plan.objects.filter(department_id__in=_planner_department_ids(user))
        .prefetch_related("items")
        .order_by("-year", "-created_at")
    )


def items_of_planner(user: User) -> QuerySet[CheckItem]:
    return CheckItem.objects.filter(department_id__in=_planner_department_ids(user)).order_by(
        "code"
    )


def tasks_of_planner(user: User) -> QuerySet[Task]:
    """Open tasks (drawn, not yet published) of the user's planning departments."""
    return (
        Task.objects.filter(plan__department_id__in=_planner_department_ids(user))
        .exclude(status="done")
        .select_related("plan", "item", "target_draw", "inspector_draw")
        .order_by("-created_at")
    )


def task_get_for_planner(user: User, public_id: Any) -> Task:
    row = tasks_of_planner(user).filter(public_id=public_id).first()
    if row is None:
        raise NotFound(_("No such task."), code="not_found")
    return row


def plan_get_for_planner(user: User, public_id: Any) -> Plan:
    row = plans_of_planner(user).filter(public_id=public_id).first()
    if row is None:
        raise NotFound(_("No such plan."), code="not_found")
    return row


def findings_to_confirm(user: User) -> QuerySet[Finding]:
    """Findings to rectify on the targets the user inspects, awaiting confirmation."""
    return (
        Finding.objects.filter(
            target__inspectors=user, severity="rectify", status__in=("open", "overdue")
        )
        .select_related("target")
        .order_by("rectify_due_on")
    )


# -- managing check items and plans (the manage pages) -----------------------------------


def staff_department_ids(user: User) -> set[int]:
    """The departments the user works in (head, approver, inspector, reviewer)."""
    return _department_ids(user)


def planner_department_ids(user: User) -> set[int]:
    """The departments the user plans checks for (head or approver)."""
    return _planner_department_ids(user)


def check_items_of_staff(user: User) -> QuerySet[CheckItem]:
    return (
        CheckItem.objects.filter(department_id__in=_department_ids(user))
        .select_related("department")
        .order_by("department__name", "code")
    )


def plans_of_staff(user: User) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(department_id__in=_department_ids(user))
        .select_related("department")
        .prefetch_related("items", "tasks")
        .order_by("-year", "-created_at")
    )


def check_item_get_for_staff(user: User, public_id: Any) -> CheckItem:
    """A check item of a department the user works in (404 otherwise)."""
    row = check_items_of_staff(user).filter(public_id=public_id).first()
    if row is None:
        raise NotFound(_("No such check item."), code="not_found")
    return row


def plan_get_for_staff(user: User, public_id: Any) -> Plan:
    """A plan of a department the user works in (404 otherwise)."""
    row = plans_of_staff(user).filter(public_id=public_id).first()
    if row is None:
        raise NotFound(_("No such plan."), code="not_found")
    return row
