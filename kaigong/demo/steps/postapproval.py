"""
Demo step: 沂南's 审管联动 (seed 000) — a check item and the 2026 plan of the department that
issued the concluded 沂南 case's permits, a task drawing its target and inspector at
random before a witness, a serious breach found, the permit revoked through the
certificates service (its dependants flagged) and a credit record on the holder; results
published. Skipped when the task exists.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from kaigong.accounts.models import Membership
from kaigong.accounts.roles import Role
from kaigong.certificates.constants import CertificateStatus
from kaigong.certificates.models import Certificate
from kaigong.postapproval.models import Task
from kaigong.postapproval.services import (
    check_item_create,
    finding_record,
    finding_revoke_permit,
    plan_create,
    task_create,
    task_draw_inspectors,
    task_draw_targets,
    task_results_publish,
)

if TYPE_CHECKING:
    from kaigong.demo.loader import DemoContext

TASK_CODE = "沂南审管联动抽查〔2026〕1号"


def load_postapproval(context: DemoContext) -> None:
    if Task.objects.filter(code=TASK_CODE).exists():
        return
    inspected = Membership.objects.filter(
        role=Role.INSPECTOR, department__region_code="371321"
    ).values("department")
    permit = (
        Certificate.objects.filter(
            status=CertificateStatus.VALID, issuer__in=inspected, project__region_code="371321"
        )
        .select_related("issuer", "matter_version__matter")
        .order_by("id")
        .first()
    )
    if permit is None:
        return
    department = permit.issuer
    approver = (
        Membership.objects.filter(department=department, role=Role.APPROVER).order_by("id").first()
    )
    assert approver is not None  # the seeded issuing department has an approver
    head = approver.user
    assert permit.matter_version is not None  # the demo's permits are for a matter version
    matter = permit.matter_version.matter
    item = check_item_create(
        actor=head,
        department=department,
        code=f"yinan-{matter.code}",
        name=f"{matter.name}事后监管",
        basis="《优化营商环境条例》第五十四条；《行政许可法》第六十一条",
        object_type="project",
        matter_code=matter.code,
        ratio_percent=100,
        frequency="每年一次",
        method="现场检查",
        inspector_requirements="持行政执法证",
    )
    plan = plan_create(
        actor=head,
        department=department,
        year=2026,
        title="沂南县2026年度“双随机、一公开”抽查计划",
        items=[item],
    )
    task = task_create(
        actor=head,
        plan=plan,
        item=item,
        code=TASK_CODE,
        sample_kind="weighted",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        inspectors_per_target=1,
    )
    task = task_draw_targets(actor=head, task=task, witnesses=["沂南县司法局 张华（见证）"])
    task = task_draw_inspectors(actor=head, task=task, witnesses=["沂南县司法局 张华（见证）"])
    target = task.targets.order_by("rank").first()
    assert target is not None  # the pool holds the permit, and the ratio is 100 %
    inspector = target.inspectors.first()
    assert inspector is not None  # one inspector per target is drawn
    finding = finding_record(
        actor=inspector,
        target=target,
        severity="serious",
        description="现场核查发现未按许可条件施工，擅自扩大开挖范围并占用绿地。",
        basis="《城市道路管理条例》第三十三条",
    )
    finding_revoke_permit(
        actor=head, finding=finding, reason="审管联动：事后抽查发现严重违反许可条件，依法撤销许可。"
    )
    task_results_publish(actor=head, task=task)
    context.count("post_approval_tasks")
