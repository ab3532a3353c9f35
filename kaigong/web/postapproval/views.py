"""
Post-approval pages: public (check items, plans, a task with its draws, drawn list and
results: 双随机、一公开) and the department's work page (drawn targets, findings, 告知承诺
verifications). Thin: parse, call one selector or service, render.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_has_role
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.postapproval import services
from kaigong.postapproval.constants import RISK_FACTORS
from kaigong.postapproval.models import Finding, Target
from kaigong.postapproval.selectors import (
    check_items_public,
    commitment_checks_for,
    finding_get_for,
    plans_public,
    target_get_for,
    task_get_public,
    task_public_record,
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


def _act(request: HttpRequest) -> None:
    p, user, action = request.POST, signed_in(request), request.POST.get("action", "")
    if action == "finding":
        target = target_get_for(user, p.get("target"))
        services.finding_record(
            actor=user,
            target=target,
            severity=p.get("severity", ""),
            description=p.get("description", ""),
            basis=p.get("basis", ""),
        )
    elif action == "ok":
        services.target_result_record(
            actor=user, target=target_get_for(user, p.get("target")), result="ok"
        )
    elif action == "revoke":
        services.finding_revoke_permit(
            actor=user, finding=finding_get_for(user, p.get("finding")), reason=p.get("reason", "")
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
        },
    )


def _visible(user, finding) -> bool:
    try:
        finding_get_for(user, finding.public_id)
    except NotFound:
        return False
    return True
