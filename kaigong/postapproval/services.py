"""
Post-approval supervision services (双随机、一公开, 审管联动): check items and plans; tasks that
freeze a pool snapshot with published risk weights and draw targets, then inspectors with
recusal (kaigong/core/draws.py); results and findings; rectification on working days; a
serious breach revokes the permit through the certificates service and writes a credit
record; 告知承诺 verification tasks generated when an item relying on one is approved.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import Department, Membership, User
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import region_prefix, user_holds
from kaigong.calendars.selectors import work_calendar
from kaigong.calendars.workdays import add_working_days
from kaigong.cases.constants import CommitmentKind, CommitmentStatus, EventKind, ItemStatus
from kaigong.cases.models import Case, Commitment
from kaigong.cases.services.commitments import commitment_verify
from kaigong.certificates.constants import CertificateStatus
from kaigong.certificates.models import Certificate
from kaigong.certificates.services import certificate_revoke
from kaigong.core.clock import local_date
from kaigong.core.draw_services import draw_prepare, draw_reveal
from kaigong.core.draws import Candidate
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.services import audit_record, notification_send
from kaigong.credit.constants import Level, ListKind, Source
from kaigong.credit.selectors import records_in_force
from kaigong.credit.services import credit_record_create

from .constants import (
    RECTIFY_WORKING_DAYS,
    RISK_FACTORS,
    CheckStatus,
    ErrorCode,
    FindingStatus,
    ObjectType,
    SampleKind,
    Severity,
    TargetResult,
    TaskStatus,
)
from .models import CheckItem, CommitmentCheck, Finding, Plan, Target, Task

PLANNERS = (Role.DEPARTMENT_HEAD, Role.APPROVER)


def _invalid(name: str, reason, code: str = "invalid_input") -> InvalidInput:
    return InvalidInput(
        reason, code=code, invalid_params=[{"name": name, "code": code, "reason": str(reason)}]
    )


def _ensure_planner(actor: User, department: Department) -> None:
    if not user_holds(actor, *PLANNERS, department_id=department.pk):
        raise PermissionDenied(_("Only the department's head or approver plans checks."))


def planner_department(actor: User) -> Department | None:
    m = (
        Membership.objects.filter(user=actor, role__in=PLANNERS, department__isnull=False)
        .select_related("department")
        .order_by("id")
        .first()
    )
    return m.department if m else None


@transaction.atomic
def check_item_create(
    *,
    actor: User,
    department: Department,
    code: str,
    name: str,
    basis: str,
    object_type: str,
    ratio_percent: int,
    frequency: str,
    method: str,
    matter_code: str = "",
    inspector_requirements: str = "",
) -> CheckItem:
    """A check item (抽查事项). Role: head or approver of the department."""
    _ensure_planner(actor, department)
    if not code.strip():
        raise _invalid("code", _("Code, name, basis, frequency and method are required."))
    _item_fields_check(
        name=name,
        basis=basis,
        object_type=object_type,
        ratio_percent=ratio_percent,
        frequency=frequency,
        method=method,
    )
    if CheckItem.objects.filter(code=code).exists():
        raise Conflict(_("A check item with this code exists."), code="check_item_exists")
    item = CheckItem.objects.create(
        department=department,
        code=code[:64],
        name=name[:200],
        basis=basis[:4000],
        object_type=object_type,
        ratio_percent=ratio_percent,
        frequency=frequency[:60],
        method=method[:100],
        matter_code=matter_code[:64],
        inspector_requirements=inspector_requirements[:200],
    )
    audit_record(actor=actor, action="check_item_create", obj=item, summary=name)
    return item


@transaction.atomic
def plan_create(
    *, actor: User, department: Department, year: int, title: str, items: list[CheckItem]
) -> Plan:
    """An annual plan over check items of the department, published at once (计划公告)."""
    _ensure_planner(actor, department)
    if not items or any(i.department_id != department.pk for i in items) or not title.strip():
        raise _invalid("items", _("Give a title and check items of this department."))
    plan = Plan.objects.create(
        department=department,
        year=year,
        title=title[:200],
        created_by=actor,
        published_at=timezone.now(),
    )
    plan.items.set(items)
    audit_record(actor=actor, action="plan_create", obj=plan, summary=title)
    return plan


def _item_fields_check(
    *, name: str, basis: str, object_type: str, ratio_percent: int, frequency: str, method: str
) -> None:
    if object_type not in ObjectType.values:
        raise _invalid("object_type", _("Choose what is checked."))
    if not 1 <= ratio_percent <= 100:
        raise _invalid("ratio_percent", _("Give a ratio of 1 to 100 %."))
    for field, value in (
        ("name", name),
        ("basis", basis),
        ("frequency", frequency),
        ("method", method),
    ):
        if not value.strip():
            raise _invalid(field, _("Code, name, basis, frequency and method are required."))


@transaction.atomic
def check_item_update(
    *,
    actor: User,
    item: CheckItem,
    name: str,
    basis: str,
    object_type: str,
    ratio_percent: int,
    frequency: str,
    method: str,
    matter_code: str = "",
    inspector_requirements: str = "",
) -> CheckItem:
    """
    Change a check item (the code stays). Tasks already made keep their frozen pool and
    count. Role: head or approver of the item's department. Errors: ``permission_denied``
    (403), ``invalid_input`` (400).
    """
    _ensure_planner(actor, item.department)
    _item_fields_check(
        name=name,
        basis=basis,
        object_type=object_type,
        ratio_percent=ratio_percent,
        frequency=frequency,
        method=method,
    )
    item = CheckItem.objects.select_for_update().get(pk=item.pk)
    new = {
        "name": name.strip()[:200],
        "basis": basis.strip()[:4000],
        "object_type": object_type,
        "ratio_percent": ratio_percent,
        "frequency": frequency.strip()[:60],
        "method": method.strip()[:100],
        "matter_code": matter_code.strip()[:64],
        "inspector_requirements": inspector_requirements.strip()[:200],
    }
    changed = {k: v for k, v in new.items() if getattr(item, k) != v}
    for key, value in changed.items():
        setattr(item, key, value)
    item.save()
    audit_record(
        actor=actor,
        action="check_item_update",
        obj=item,
        summary=item.name,
        data={"changed": sorted(changed)},
    )
    return item


@transaction.atomic
def plan_update(*, actor: User, plan: Plan, year: int, title: str, items: list[CheckItem]) -> Plan:
    """
    Change a plan's year, title or check items. An item that already has a task in the plan
    stays. Role: head or approver of the plan's department. Errors: ``permission_denied``
    (403), ``invalid_input`` (400).
    """
    _ensure_planner(actor, plan.department)
    if not title.strip():
        raise _invalid("title", _("Give the plan a title."))
    if not items or any(i.department_id != plan.department_id for i in items):
        raise _invalid("items", _("Give a title and check items of this department."))
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    tasked = set(plan.tasks.values_list("item_id", flat=True))
    if tasked - {i.pk for i in items}:
        raise _invalid("items", _("An item that already has a task stays in the plan."))
    plan.year, plan.title = year, title.strip()[:200]
    plan.save(update_fields=["year", "title", "updated_at"])
    plan.items.set(items)
    audit_record(
        actor=actor,
        action="plan_update",
        obj=plan,
        summary=plan.title,
        data={"year": year, "items": sorted(i.code for i in items)},
    )
    return plan


def _next_task_code(plan: Plan, item: CheckItem) -> str:
    n = plan.tasks.filter(item=item).count() + 1
    while True:
        code = f"{plan.year}-{item.code}-{n}"[:60]
        if not Task.objects.filter(code=code).exists():
            return code
        n += 1


@transaction.atomic
def plan_generate_tasks(
    *,
    actor: User,
    plan: Plan,
    sample_kind: str,
    period_start: date,
    period_end: date,
    inspectors_per_target: int = 2,
) -> dict[str, Any]:
    """
    Turn the plan into tasks: one task (``task_create``: pool frozen, seed committed) for
    each check item of the plan that has no task overlapping the period yet; items whose
    pool is empty are skipped and named. Codes are ``<year>-<item code>-<n>``.
    Returns ``{"tasks": [...], "skipped": [{"item": code, "reason": code}]}``.
    Errors: ``permission_denied`` (403), ``invalid_input`` (400), ``nothing_to_generate`` (409).
    """
    _ensure_planner(actor, plan.department)
    if sample_kind not in SampleKind.values:
        raise _invalid("sample_kind", _("Choose the sampling."))
    if period_end < period_start:
        raise _invalid("period_end", _("The period ends before it starts."))
    if not 1 <= inspectors_per_target <= 5:
        raise _invalid("inspectors_per_target", _("1 to 5 inspectors per target; a code."))
    tasks: list[Task] = []
    skipped: list[dict[str, str]] = []
    for item in plan.items.order_by("code"):
        overlapping = plan.tasks.filter(
            item=item, period_start__lte=period_end, period_end__gte=period_start
        )
        if overlapping.exists():
            skipped.append({"item": item.code, "reason": "task_exists"})
            continue
        if not task_pool(item):
            skipped.append({"item": item.code, "reason": ErrorCode.POOL_EMPTY})
            continue
        tasks.append(
            task_create(
                actor=actor,
                plan=plan,
                item=item,
                code=_next_task_code(plan, item),
                sample_kind=sample_kind,
                period_start=period_start,
                period_end=period_end,
                inspectors_per_target=inspectors_per_target,
            )
        )
    if not tasks:
        raise Conflict(
            _("No task to make: every item has a task in this period or nothing to draw from."),
            code=ErrorCode.NOTHING_TO_GENERATE,
            extra={"skipped": skipped},
        )
    audit_record(
        actor=actor,
        action="plan_generate_tasks",
        obj=plan,
        summary=plan.title,
        data={"tasks": [t.code for t in tasks], "skipped": skipped},
    )
    return {"tasks": tasks, "skipped": skipped}


def _risk_factors(enterprise_id: int, project_id: int | None) -> list[str]:
    """The published risk factors that apply, read from Kaigong's own data."""
    factors = []
    cases = Case.objects.filter(enterprise_id=enterprise_id)
    if Commitment.objects.filter(
        case__in=cases, kind=CommitmentKind.UNDERTAKING, status=CommitmentStatus.PENDING
    ).exists():
        factors.append("open_undertaking")
    if Commitment.objects.filter(case__in=cases, kind=CommitmentKind.DEFERRAL).exists():
        factors.append("deferral_history")
    from kaigong.accounts.models import Enterprise

    levels = set(
        records_in_force(Enterprise(pk=enterprise_id))
        .filter(list_kind=ListKind.BLACK)
        .values_list("level", flat=True)
    )
    if Level.SERIOUS in levels:
        factors.append("credit_serious")
    elif levels:
        factors.append("credit_watch")
    if Finding.objects.filter(target__enterprise_id=enterprise_id).exists():
        factors.append("past_findings")
    return factors


def task_pool(item: CheckItem) -> list[dict[str, Any]]:
    """
    The pool (抽查对象库) of a check item: the valid permits of its matter issued in the
    department's region (projects) or their holders (enterprises), each with the risk
    factors that apply and its weight (1 + the published factor weights).
    """
    prefix = region_prefix(item.department.region_code)
    certs = Certificate.objects.select_related("project", "holder").filter(
        status=CertificateStatus.VALID, issuer__region_code__startswith=prefix
    )
    if item.matter_code:
        certs = certs.filter(matter_version__matter__code=item.matter_code)
    rows: dict[str, dict[str, Any]] = {}
    for cert in certs.order_by("id"):
        key = (
            str(cert.public_id)
            if item.object_type == ObjectType.PROJECT
            else str(cert.holder.public_id)
        )
        if key in rows:
            continue
        factors = _risk_factors(cert.holder_id, cert.project_id)
        rows[key] = {
            "id": key,
            "label": f"{cert.holder.name} {cert.project.name if cert.project is not None else ''} {cert.license_no}".strip()[
                :300
            ],
            "enterprise": cert.holder_id,
            "project": cert.project_id,
            "certificate": cert.pk,
            "factors": factors,
            "weight": 1 + sum(RISK_FACTORS[f] for f in factors),
        }
    return list(rows.values())


@transaction.atomic
def task_create(
    *,
    actor: User,
    plan: Plan,
    item: CheckItem,
    code: str,
    sample_kind: str,
    period_start: date,
    period_end: date,
    inspectors_per_target: int = 2,
) -> Task:
    """
    A task of the plan: the pool is snapshot now, the number of targets follows the item's
    ratio (rounded up, at least one), and the target draw is prepared (list hash and seed
    commitment published). Errors: ``permission_denied`` (403), ``invalid_input`` (400),
    ``pool_empty`` (409).
    """
    _ensure_planner(actor, plan.department)
    if (
        item not in plan.items.all()
        or sample_kind not in SampleKind.values
        or period_end < period_start
    ):
        raise _invalid("item", _("An item of the plan, a sampling kind and a period."))
    if not 1 <= inspectors_per_target <= 5 or not code.strip():
        raise _invalid("inspectors_per_target", _("1 to 5 inspectors per target; a code."))
    if Task.objects.filter(code=code.strip()[:60]).exists():
        raise Conflict(_("A task with this code exists."), code="task_exists")
    pool = task_pool(item)
    if not pool:
        raise Conflict(_("There is nothing to draw from."), code=ErrorCode.POOL_EMPTY)
    # rule: the ratio of the check item fixes how many are drawn (docs/legal.md#shuangsuiji)
    count = max(1, math.ceil(len(pool) * item.ratio_percent / 100))
    task = Task.objects.create(
        plan=plan,
        item=item,
        code=code.strip()[:60],
        sample_kind=sample_kind,
        period_start=period_start,
        period_end=period_end,
        pool=pool,
        pool_size=len(pool),
        target_count=count,
        inspectors_per_target=inspectors_per_target,
        created_by=actor,
    )
    weighted = sample_kind == SampleKind.WEIGHTED
    task.target_draw = draw_prepare(
        purpose=f"双随机抽查对象：{task.code}",
        candidates=[
            Candidate(id=r["id"], label=r["label"], weight=r["weight"] if weighted else 1)
            for r in pool
        ],
        count=count,
        actor=actor,
        subject=task,
    )
    task.save(update_fields=["target_draw", "updated_at"])
    audit_record(actor=actor, action="task_create", obj=task, summary=task.code)
    return task


def _department_inspectors(department: Department) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, memberships__role=Role.INSPECTOR, memberships__department=department
        )
        .distinct()
        .order_by("id")
    )


def _recused(inspector: User, targets: list[Target]) -> str:
    """Why an inspector stands aside (回避): a member of a target, or checked it last time."""
    enterprises = {t.enterprise_id for t in targets}
    if Membership.objects.filter(user=inspector, enterprise_id__in=enterprises).exists():
        return "member_of_target"
    if (
        Target.objects.filter(inspectors=inspector, enterprise_id__in=enterprises)
        .exclude(task=targets[0].task)
        .exists()
    ):
        return "checked_last_time"
    return ""


@transaction.atomic
def task_draw_targets(*, actor: User, task: Task, witnesses: list[str]) -> Task:
    """
    Reveal the target draw before the witnesses and create the drawn targets; then freeze
    the inspector list after recusal and commit the inspector draw's seed.
    Errors: ``permission_denied`` (403), ``draw_witness_required`` (400),
    ``task_wrong_state``, ``too_few_inspectors`` (409).
    """
    _ensure_planner(actor, task.plan.department)
    task = Task.objects.select_for_update(of=("self",)).get(pk=task.pk)
    if task.status != TaskStatus.PLANNED:
        raise Conflict(_("The targets have been drawn."), code=ErrorCode.WRONG_STATE)
    assert task.target_draw is not None  # prepared with the task (``task_create``)
    draw = draw_reveal(draw=task.target_draw, witnesses=witnesses, actor=actor)
    by_id = {r["id"]: r for r in task.pool}
    targets = [
        Target.objects.create(
            task=task,
            rank=rank,
            enterprise_id=by_id[key]["enterprise"],
            project_id=by_id[key]["project"],
            certificate_id=by_id[key]["certificate"],
            label=by_id[key]["label"],
            weight=by_id[key]["weight"],
            factors=by_id[key]["factors"],
        )
        for rank, key in enumerate(draw.result, start=1)
    ]
    inspectors = _department_inspectors(task.plan.department)
    recusals = [
        {"inspector": u.full_name or u.username, "reason": r}
        for u in inspectors
        if (r := _recused(u, targets))
    ]
    eligible = [u for u in inspectors if not _recused(u, targets)]
    needed = min(task.inspectors_per_target * len(targets), len(eligible))
    if len(eligible) < task.inspectors_per_target:
        raise Conflict(
            _("Too few inspectors remain after recusal."), code=ErrorCode.TOO_FEW_INSPECTORS
        )
    task.recusals = recusals
    task.inspector_draw = draw_prepare(
        purpose=f"双随机执法检查人员：{task.code}",
        candidates=[
            Candidate(id=str(u.public_id), label=u.full_name or u.username) for u in eligible
        ],
        count=needed,
        actor=actor,
        subject=task,
    )
    task.status = TaskStatus.DRAWN
    task.save(update_fields=["recusals", "inspector_draw", "status", "updated_at"])
    audit_record(actor=actor, action="task_draw_targets", obj=task, summary=str(len(targets)))
    return task


@transaction.atomic
def task_draw_inspectors(*, actor: User, task: Task, witnesses: list[str]) -> Task:
    """Reveal the inspector draw; inspectors go to the targets in drawing order, round robin."""
    _ensure_planner(actor, task.plan.department)
    task = Task.objects.select_for_update(of=("self",)).get(pk=task.pk)
    if (
        task.status != TaskStatus.DRAWN
        or task.inspector_draw is None
        or task.inspector_draw.is_revealed
    ):
        raise Conflict(_("The inspectors cannot be drawn now."), code=ErrorCode.WRONG_STATE)
    draw = draw_reveal(draw=task.inspector_draw, witnesses=witnesses, actor=actor)
    users = {str(u.public_id): u for u in User.objects.filter(public_id__in=draw.result)}
    targets = list(task.targets.order_by("rank"))
    drawn = [users[i] for i in draw.result]
    for index, target in enumerate(targets):
        team = [
            drawn[(index * task.inspectors_per_target + k) % len(drawn)]
            for k in range(task.inspectors_per_target)
        ]
        target.inspectors.set(team)
        for person in team:
            notification_send(
                kind="check_assigned",
                title=str(_("You were drawn for a check")),
                body=target.label,
                user=person,
            )
    audit_record(actor=actor, action="task_draw_inspectors", obj=task, summary=task.code)
    return task


def _ensure_inspector(actor: User, target: Target) -> None:
    if not target.inspectors.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("Only the inspectors drawn for this target record its check."))


@transaction.atomic
def target_result_record(*, actor: User, target: Target, result: str, note: str = "") -> Target:
    """An inspector drawn for the target records the result. Errors: 403, 400, 409."""
    _ensure_inspector(actor, target)
    if result not in (TargetResult.OK, TargetResult.ISSUES, TargetResult.SERIOUS):
        raise _invalid("result", _("Unknown result."))
    if target.task.inspector_draw is None or not target.task.inspector_draw.is_revealed:
        raise Conflict(_("The inspectors have not been drawn."), code=ErrorCode.WRONG_STATE)
    target.result, target.result_note, target.checked_at = result, note[:4000], timezone.now()
    target.save(update_fields=["result", "result_note", "checked_at", "updated_at"])
    audit_record(actor=actor, action="target_result", obj=target, summary=result)
    return target


@transaction.atomic
def finding_record(
    *,
    actor: User,
    target: Target,
    severity: str,
    description: str,
    basis: str,
    rectify_days: int = RECTIFY_WORKING_DAYS,
) -> Finding:
    """
    A finding of the check. To rectify: due in ``rectify_days`` working days on the
    calendar (default 15). Serious: awaits the issuing department's revocation.
    """
    _ensure_inspector(actor, target)
    if severity not in Severity.values or not description.strip() or not basis.strip():
        raise _invalid("description", _("Give the severity, what was found and the basis."))
    if not 1 <= rectify_days <= 120:
        raise _invalid("rectify_days", _("1 to 120 working days."))
    due = (
        add_working_days(local_date(), rectify_days, calendar=work_calendar())
        if severity == Severity.RECTIFY
        else None
    )
    finding = Finding.objects.create(
        target=target,
        severity=severity,
        description=description[:4000],
        basis=basis[:300],
        rectify_due_on=due,
        recorded_by=actor,
    )
    target.result = TargetResult.SERIOUS if severity == Severity.SERIOUS else TargetResult.ISSUES
    target.checked_at = target.checked_at or timezone.now()
    target.save(update_fields=["result", "checked_at", "updated_at"])
    notification_send(
        kind="check_finding",
        title=str(_("A post-approval check found a problem")),
        body=description[:300],
        enterprise=target.enterprise,
    )
    audit_record(actor=actor, action="finding_record", obj=finding, summary=severity)
    return finding


@transaction.atomic
def finding_rectified(*, actor: User, finding: Finding, note: str) -> Finding:
    """The inspector confirms the rectification."""
    _ensure_inspector(actor, finding.target)
    if (
        finding.status not in (FindingStatus.OPEN, FindingStatus.OVERDUE)
        or finding.severity != Severity.RECTIFY
    ):
        raise Conflict(_("Nothing to rectify."), code=ErrorCode.WRONG_STATE)
    finding.status, finding.rectified_at, finding.rectification = (
        FindingStatus.RECTIFIED,
        timezone.now(),
        note[:4000],
    )
    finding.save()
    audit_record(actor=actor, action="finding_rectified", obj=finding, summary=note[:200])
    return finding


@transaction.atomic
def finding_revoke_permit(*, actor: User, finding: Finding, reason: str) -> Finding:
    """
    A serious breach: the permit is revoked through the certificates service (its approver
    decides; dependants are flagged there) and a credit record is written on the holder.
    Errors: ``permission_denied`` (403), ``revocation_reason_required`` (400),
    ``task_wrong_state``, ``no_certificate``, ``certificate_already_revoked`` (409).
    """
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("target__certificate__issuer", "target__enterprise")
        .get(pk=finding.pk)
    )
    if finding.severity != Severity.SERIOUS or finding.status != FindingStatus.OPEN:
        raise Conflict(
            _("Only an open serious finding revokes a permit."), code=ErrorCode.WRONG_STATE
        )
    certificate = finding.target.certificate
    if certificate is None:
        raise Conflict(_("The target has no permit."), code=ErrorCode.NO_CERTIFICATE)
    # rule: 审管联动 — a serious breach found after approval revokes the permit
    # (行政许可法 art. 69) and is a credit record (docs/legal.md#shenguan-liandong)
    certificate = certificate_revoke(certificate=certificate, reason=reason, actor=actor)
    dependants = list(certificate.dependants.values_list("identifier", flat=True))
    record = credit_record_create(
        actor=actor,
        subject=finding.target.enterprise,
        list_kind=ListKind.BLACK,
        level=Level.SERIOUS,
        reason=f"{finding.description[:300]}（{certificate.license_no}）",
        basis=finding.basis,
        authority=certificate.issuer,
        source=Source.SYSTEM,
        source_reference=f"postapproval.finding:{finding.public_id}",
    )
    finding.status = FindingStatus.REVOKED
    finding.revoked_certificate = certificate.identifier
    finding.flagged_dependants = sorted(dependants)
    finding.credit_record_public_id = record.public_id
    finding.save()
    audit_record(
        actor=actor, action="finding_revoke_permit", obj=finding, summary=certificate.identifier
    )
    return finding


@transaction.atomic
def task_results_publish(*, actor: User, task: Task) -> Task:
    """Publish the results (结果公告) once every target is checked."""
    _ensure_planner(actor, task.plan.department)
    if task.status != TaskStatus.DRAWN or task.targets.filter(result=TargetResult.PENDING).exists():
        raise Conflict(_("Every target must be checked first."), code=ErrorCode.WRONG_STATE)
    task.status, task.results_published_at = TaskStatus.DONE, timezone.now()
    task.save(update_fields=["status", "results_published_at", "updated_at"])
    audit_record(actor=actor, action="task_results_publish", obj=task, summary=task.code)
    return task


# -- 告知承诺 verification ----------------------------------------------------------------


def _pending_undertakings(case_pk: int):
    return Commitment.objects.filter(
        case_id=case_pk, kind=CommitmentKind.UNDERTAKING, status=CommitmentStatus.PENDING
    ).order_by("id")


def commitment_checks_for_case(case_pk: int) -> list[CommitmentCheck]:
    """Generate the verification task of each pending 告知承诺 of the case once an item relying
    on it is approved (due = the commitment's verification date). Idempotent."""
    # perf: most cases have no pending 告知承诺; then this is one query and no transaction
    # (it runs after the decision's commit, in the deciding request)
    commitments = list(_pending_undertakings(case_pk))
    if not commitments:
        return []
    with transaction.atomic():
        return _checks_made(case_pk, commitments)


def _checks_made(case_pk: int, commitments: list) -> list[CommitmentCheck]:
    case = Case.objects.filter(pk=case_pk).first()
    if case is None:
        return []
    made = []
    approved = case.items.filter(
        status__in=[ItemStatus.APPROVED, ItemStatus.APPROVED_DEFERRED]
    ).select_related("department")
    first = approved.order_by("order", "id").first()
    if first is None:
        return []
    for commitment in commitments:
        check, created = CommitmentCheck.objects.get_or_create(
            commitment_public_id=commitment.public_id,
            defaults={
                "case": case,
                "department": first.department,
                "due_on": commitment.verification_due_on or local_date(),
            },
        )
        if created:
            made.append(check)
            notification_send(
                kind="commitment_check_due",
                title=str(_("A 告知承诺 is due for verification")),
                body=f"{case.number}：{check.due_on}",
                department=first.department,
            )
    return made


def on_case_event(kind: str, case_pk: int, data: dict) -> None:
    """The cases hook (ADR 0002): an item approved → its 告知承诺 verification task."""
    if kind == EventKind.ITEM_TRANSITION and data.get("to") in (
        ItemStatus.APPROVED,
        ItemStatus.APPROVED_DEFERRED,
    ):
        commitment_checks_for_case(case_pk)


@transaction.atomic
def commitment_check_record(
    *, actor: User, check: CommitmentCheck, passed: bool, note: str = ""
) -> CommitmentCheck:
    """
    Record the verification through the cases service (which revokes the results of a false
    commitment, flags dependants and writes the credit record).
    """
    commitment = Commitment.objects.get(public_id=check.commitment_public_id)
    if check.status != CheckStatus.PENDING:
        raise Conflict(_("This verification is done."), code=ErrorCode.WRONG_STATE)
    commitment_verify(commitment=commitment, actor=actor, passed=passed, note=note)
    check.status = CheckStatus.FULFILLED if passed else CheckStatus.BREACHED
    check.note, check.checked_by, check.checked_at = note[:4000], actor, timezone.now()
    check.save()
    return check


def postapproval_daily(*, on: date | None = None) -> dict[str, int]:
    """Findings past their rectification date become overdue; missed verification tasks made."""
    today = on or local_date()
    overdue = Finding.objects.filter(
        status=FindingStatus.OPEN, severity=Severity.RECTIFY, rectify_due_on__lt=today
    ).update(status=FindingStatus.OVERDUE)
    made = 0
    pending = (
        Commitment.objects.filter(kind=CommitmentKind.UNDERTAKING, status=CommitmentStatus.PENDING)
        .exclude(public_id__in=CommitmentCheck.objects.values("commitment_public_id"))
        .filter(Q(case__items__status=ItemStatus.APPROVED))
        .values_list("case_id", flat=True)
        .distinct()
    )
    for case_pk in pending:
        with transaction.atomic():
            made += len(commitment_checks_for_case(case_pk))
    return {"overdue": overdue, "commitment_checks": made}
