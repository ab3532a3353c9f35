"""
Post-approval pages: public (check items, plans, a task with its draws, drawn list and
results: 双随机、一公开), the department's work page (drawn targets, findings, 告知承诺
verifications) and the planner's manage pages (check items and annual plans: list, new,
edit; a plan turned into tasks). Thin: parse, call one selector or service, render.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import Department
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_has_role
from kaigong.core.clock import local_date
from kaigong.core.exceptions import DomainError, InvalidInput, NotFound
from kaigong.postapproval import services
from kaigong.postapproval.constants import RISK_FACTORS, SampleKind
from kaigong.postapproval.models import Finding, Target
from kaigong.postapproval.selectors import (
    check_item_get_for_staff,
    check_items_of_staff,
    check_items_public,
    commitment_check_get_for,
    commitment_checks_for,
    finding_get_for,
    findings_to_confirm,
    plan_get_for_planner,
    plan_get_for_staff,
    planner_department_ids,
    plans_of_planner,
    plans_of_staff,
    plans_public,
    staff_department_ids,
    target_get_for,
    task_get_for_planner,
    task_get_public,
    task_public_record,
    tasks_of_planner,
)
from kaigong.web.auth_request import signed_in
from kaigong.web.forms import domain_error_to_form
from kaigong.web.postapproval.forms import CheckItemForm, GenerateTasksForm, PlanForm

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


# -- managing check items and plans (head or approver of the department) ------------------


def _manager(request: HttpRequest):
    """The signed-in planner and their planning departments: 404 for anyone who works in no
    department, 403 for department staff who do not plan checks (inspector, reviewer)."""
    user = signed_in(request)
    if not staff_department_ids(user):
        raise Http404
    planning = planner_department_ids(user)
    if not planning:
        raise DjangoPermissionDenied
    departments = list(Department.objects.filter(id__in=planning).order_by("name"))
    return user, departments


def _ensure_plans(user, department_id: int) -> None:
    """Staff of the department who do not plan checks: 403 (outsiders had 404 already)."""
    if department_id not in planner_department_ids(user):
        raise DjangoPermissionDenied


def _by_public_id(rows, value):
    return next((r for r in rows if str(r.public_id) == str(value)), None)


@login_required
def manage_page(request: HttpRequest) -> HttpResponse:
    """抽查事项 and annual plans of the planner's departments, with their tasks."""
    user, departments = _manager(request)
    ids = [d.pk for d in departments]
    return render(
        request,
        T + "manage.html",
        {
            "items": check_items_of_staff(user).filter(department_id__in=ids),
            "plans": plans_of_staff(user).filter(department_id__in=ids),
        },
    )


def _item_kwargs(data) -> dict:
    return {k: data[k] for k in ITEM_FIELDS}


@login_required
def check_item_form_page(request: HttpRequest, public_id=None) -> HttpResponse:
    """New check item, or edit one (its department and code stay)."""
    user, departments = _manager(request)
    item = None
    if public_id is not None:
        try:
            item = check_item_get_for_staff(user, public_id)
        except NotFound:
            raise Http404 from None
        _ensure_plans(user, item.department_id)
    initial = (
        {k: getattr(item, k) for k in ITEM_FIELDS}
        if item
        else {"ratio_percent": 5, "object_type": "project"}
    )
    form = CheckItemForm(
        request.POST or None,
        initial=initial,
        departments=departments,
        editing=item is not None,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if item is None:
                    services.check_item_create(
                        actor=user,
                        department=_by_public_id(departments, data["department"]),
                        code=data["code"],
                        **_item_kwargs(data),
                    )
                else:
                    services.check_item_update(actor=user, item=item, **_item_kwargs(data))
            except DomainError as e:
                domain_error_to_form(form, e)
                status = e.status
            else:
                return redirect("web:postapproval-manage")
        else:
            status = 400
    return render(request, T + "item_form.html", {"form": form, "item": item}, status=status)


ITEM_FIELDS = (
    "name",
    "basis",
    "object_type",
    "ratio_percent",
    "frequency",
    "method",
    "matter_code",
    "inspector_requirements",
)


@login_required
def plan_form_page(request: HttpRequest, public_id=None) -> HttpResponse:
    """New annual plan, or a plan: edit it, and turn it into tasks (生成任务)."""
    user, departments = _manager(request)
    plan = None
    if public_id is not None:
        try:
            plan = plan_get_for_staff(user, public_id)
        except NotFound:
            raise Http404 from None
        _ensure_plans(user, plan.department_id)
    ids = [plan.department_id] if plan else [d.pk for d in departments]
    items = list(check_items_of_staff(user).filter(department_id__in=ids))
    initial = (
        {
            "year": plan.year,
            "title": plan.title,
            "items": [str(i.public_id) for i in plan.items.all()],
        }
        if plan
        else {"year": local_date().year}
    )
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    form = PlanForm(
        request.POST if action == "save" else None,
        initial=initial,
        departments=departments,
        items=items,
        editing=plan is not None,
    )
    generate = GenerateTasksForm(
        request.POST if action == "generate" else None,
        initial={"sample_kind": "weighted", "inspectors_per_target": 2},
    )
    status, made, skipped = 200, None, []
    if action == "save":
        if form.is_valid():
            data = form.cleaned_data
            chosen = [i for i in items if str(i.public_id) in set(data["items"])]
            try:
                if plan is None:
                    department = _by_public_id(departments, data["department"])
                    plan = services.plan_create(
                        actor=user,
                        department=department,
                        year=data["year"],
                        title=data["title"],
                        items=chosen,
                    )
                else:
                    services.plan_update(
                        actor=user, plan=plan, year=data["year"], title=data["title"], items=chosen
                    )
            except DomainError as e:
                domain_error_to_form(form, e)
                status = e.status
            else:
                return redirect("web:postapproval-plan", public_id=plan.public_id)
        else:
            status = 400
    elif action == "generate" and plan is not None:
        if generate.is_valid():
            try:
                made = services.plan_generate_tasks(actor=user, plan=plan, **generate.cleaned_data)
            except DomainError as e:
                domain_error_to_form(generate, e)
                status = e.status
                skipped = e.extra.get("skipped", [])
        else:
            status = 400
    elif action:
        raise Http404
    return render(
        request,
        T + "plan_form.html",
        {
            "form": form,
            "plan": plan,
            "generate": generate,
            "made": made,
            "skipped": made["skipped"] if made else skipped,
        },
        status=status,
    )
