"""
Post-approval pages: public (check items, plans, a task with its draws, drawn list and
results: 双随机、一公开) and the department's work page (drawn targets, findings, 告知承诺
verifications). Thin: parse, call one selector or service, render.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_has_role
from kaigong.core.exceptions import DomainError, InvalidInput, NotFound
from kaigong.postapproval import services
from kaigong.postapproval.constants import RISK_FACTORS, SampleKind
from kaigong.postapproval.models import Finding, Target
from kaigong.postapproval.selectors import (
    check_items_public,
    commitment_check_get_for,
    commitment_checks_for,
    finding_get_for,
    findings_to_confirm,
    plan_get_for_planner,
    plans_of_planner,
    plans_public,
    target_get_for,
    task_get_for_planner,
    task_get_public,
    task_public_record,
    tasks_of_planner,
)
from kaigong.web.auth_request import signed_in

T = "web/postapproval/"
WORKERS = (Role.DEPARTMENT_HEAD, Role.APPROVER, Role.INSPECTOR, Role.SUPERVISOR)


def plan_list_page(request: HttpRequest) -> HttpResponse:
    """Public: 抽查事项清单 and 计划公告, with the published risk weights."""
    return render(
        request,
        T + "plans.html",
        {
            "items": check_items_public()[:200],
            "plans": plans_public()[:50],
            "factors": RISK_FACTORS,
        },
    )


def task_page(request: HttpRequest, public_id) -> HttpResponse:
    """Public: 任务公告 and 结果公告 of one task."""
    try:
        task = task_get_public(public_id)
    except NotFound:
        raise Http404 from None
    return render(request, T + "task.html", {"task": task_public_record(task)})


def _uuid(value: str | None) -> uuid.UUID | None:
    """A posted identifier, or None when it is not one (the lookup then answers 404)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def _witnesses(p) -> list[str]:
    return [w.strip() for w in p.get("witnesses", "").splitlines() if w.strip()]


def _plan_act(user, p, action: str) -> None:
    """The planner's steps (head or approver of the department)."""
    if action == "task_create":
        plan = plan_get_for_planner(user, _uuid(p.get("plan")))
        picked = _uuid(p.get("item"))
        item = plan.items.filter(public_id=picked).first() if picked else None
        start, end = _date(p.get("period_start")), _date(p.get("period_end"))
        if item is None or start is None or end is None:
            raise InvalidInput(_("Choose an item of the plan and give the period."))
        per = p.get("inspectors_per_target") or ""
        services.task_create(
            actor=user,
            plan=plan,
            item=item,
            code=p.get("code", ""),
            sample_kind=p.get("sample_kind", ""),
            period_start=start,
            period_end=end,
            inspectors_per_target=int(per) if per.isdigit() else 0,
        )
        return
    task = task_get_for_planner(user, _uuid(p.get("task")))
    if action == "draw_targets":
        services.task_draw_targets(actor=user, task=task, witnesses=_witnesses(p))
    elif action == "draw_inspectors":
        services.task_draw_inspectors(actor=user, task=task, witnesses=_witnesses(p))
    elif action == "publish":
        services.task_results_publish(actor=user, task=task)
    else:
        raise NotFound()


PLAN_ACTIONS = {"task_create", "draw_targets", "draw_inspectors", "publish"}


def _act(request: HttpRequest) -> None:
    p, user, action = request.POST, signed_in(request), request.POST.get("action", "")
    if action in PLAN_ACTIONS:
        _plan_act(user, p, action)
    elif action == "rectified":
        finding = finding_get_for(user, _uuid(p.get("finding")))
        services.finding_rectified(actor=user, finding=finding, note=p.get("note", ""))
    elif action == "verify":
        services.commitment_check_record(
            actor=user,
            check=commitment_check_get_for(user, _uuid(p.get("check"))),
            passed=p.get("passed") == "yes",
            note=p.get("note", ""),
        )
    elif action == "finding":
        target = target_get_for(user, _uuid(p.get("target")))
        services.finding_record(
            actor=user,
            target=target,
            severity=p.get("severity", ""),
            description=p.get("description", ""),
            basis=p.get("basis", ""),
        )
    elif action == "ok":
        services.target_result_record(
            actor=user, target=target_get_for(user, _uuid(p.get("target"))), result="ok"
        )
    elif action == "revoke":
        services.finding_revoke_permit(
            actor=user,
            finding=finding_get_for(user, _uuid(p.get("finding"))),
            reason=p.get("reason", ""),
        )
    else:
        raise NotFound()


@login_required
def work_page(request: HttpRequest) -> HttpResponse:
    """The department's work: targets drawn for me, findings awaiting revocation, verifications."""
    if not user_has_role(signed_in(request), *WORKERS):
        raise Http404
    error = None
    if request.method == "POST":
        try:
            _act(request)
        except NotFound:
            raise Http404 from None
        except DomainError as e:
            error = e
        else:
            return redirect("web:postapproval-work")
    user = signed_in(request)
    targets = (
        Target.objects.filter(inspectors=user)
        .select_related("task", "enterprise")
        .order_by("-created_at")[:100]
    )
    serious = [
        f
        for f in Finding.objects.filter(severity="serious", status="open").select_related(
            "target__certificate"
        )[:100]
        if _visible(user, f)
    ]
    return render(
        request,
        T + "work.html",
        {
            "targets": targets,
            "serious": serious,
            "checks": commitment_checks_for(user)[:100],
            "error": error,
            "plans": plans_of_planner(user)[:20],
            "tasks": tasks_of_planner(user)[:50],
            "to_confirm": findings_to_confirm(user)[:100],
            "sample_kinds": SampleKind.choices,
        },
        status=error.status if error is not None else 200,
    )


def _visible(user, finding) -> bool:
    try:
        finding_get_for(user, finding.public_id)
    except NotFound:
        return False
    return True
