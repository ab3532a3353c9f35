"""
双随机、一公开 and 审管联动: a weighted draw of targets from a pool snapshot and of inspectors
with recusal (both verifiable), a serious finding that revokes the permit through the
certificates service (dependants flagged) and writes a credit record; the weighted sample
follows its weights; the 告知承诺 verification task is generated when the item is approved.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date

import pytest
import time_machine

from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import EnterpriseFactory, UserFactory
from kaigong.cases.constants import CommitmentStatus
from kaigong.cases.models import Case
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.intake import case_submit
from kaigong.cases.tests.conftest import MONDAY
from kaigong.cases.tests.factories import (
    CaseFactory,
    decide_all,
    lifecycle_world,
    review_all,
    upload_all,
)
from kaigong.certificates.constants import CertificateStatus
from kaigong.certificates.models import Certificate
from kaigong.certificates.tests.factories import issue, issuing_catalogue
from kaigong.core.draw_selectors import draw_public_get
from kaigong.core.draws import Candidate, draw_compute
from kaigong.core.exceptions import Conflict, PermissionDenied
from kaigong.credit.constants import Level, ListKind, Source
from kaigong.credit.models import CreditRecord
from kaigong.credit.services import credit_record_create
from kaigong.postapproval.constants import CheckStatus, FindingStatus, TaskStatus
from kaigong.postapproval.models import CommitmentCheck
from kaigong.postapproval.selectors import task_public_record
from kaigong.postapproval.services import (
    check_item_create,
    commitment_check_record,
    finding_record,
    finding_revoke_permit,
    plan_create,
    task_create,
    task_draw_inspectors,
    task_draw_targets,
    task_results_publish,
)
from kaigong.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_weighted_check_finds_a_breach_revokes_the_permit_and_writes_credit():
    with time_machine.travel(MONDAY, tick=False):
        catalogue = issuing_catalogue()
        department = catalogue.department
        enterprises = [EnterpriseFactory(name=f"建设单位{i}") for i in range(4)]
        for e in enterprises:
            issue(catalogue, project=ProjectFactory(enterprise=e, region_code="371321"))
        credit_record_create(
            actor=None,
            subject=enterprises[0],
            list_kind=ListKind.BLACK,
            level=Level.SERIOUS,
            reason="以往违法",
            basis="处罚决定书",
            authority=department,
            source=Source.SYSTEM,
        )
        head = UserFactory(username="pa-head")
        membership_grant(user=head, role=Role.APPROVER, department=department)
        inspectors = [UserFactory(username=f"pa-insp{i}") for i in range(4)]
        for person in inspectors:
            membership_grant(user=person, role=Role.INSPECTOR, department=department)
        for e in enterprises:  # the fourth inspector belongs to every target: always recused
            membership_grant(user=inspectors[3], role=Role.APPLICANT, enterprise=e)

        item = check_item_create(
            actor=head,
            department=department,
            code="jz-001",
            name="施工许可后续监管",
            basis="《建筑工程施工许可管理办法》",
            object_type="project",
            matter_code=catalogue.single.matter.code,
            ratio_percent=50,
            frequency="每年一次",
            method="现场检查",
        )
        with pytest.raises(PermissionDenied):
            check_item_create(
                actor=inspectors[0],
                department=department,
                code="x",
                name="x",
                basis="x",
                object_type="project",
                ratio_percent=5,
                frequency="x",
                method="x",
            )
        plan = plan_create(
            actor=head,
            department=department,
            year=2026,
            title="2026年度双随机抽查计划",
            items=[item],
        )
        task = task_create(
            actor=head,
            plan=plan,
            item=item,
            code="沂南住建抽查〔2026〕1号",
            sample_kind="weighted",
            period_start=date(2026, 3, 2),
            period_end=date(2026, 6, 30),
        )
        # the pool: 4 valid 规划许可 permits; 50 % → 2 targets; the risky holder weighs 1 + 4
        assert (task.pool_size, task.target_count) == (4, 2)
        weights = sorted(r["weight"] for r in task.pool)
        assert weights == [1, 1, 1, 5]
        task = task_draw_targets(actor=head, task=task, witnesses=["王五（见证）"])
        assert task.status == TaskStatus.DRAWN
        assert task.recusals == [
            {"inspector": inspectors[3].full_name, "reason": "member_of_target"}
        ]
        assert len(task.inspector_draw.candidates) == 3 and task.inspector_draw.count == 3
        with pytest.raises(Conflict):
            task_draw_targets(actor=head, task=task, witnesses=["again"])
        task = task_draw_inspectors(actor=head, task=task, witnesses=["王五（见证）"])
        targets = list(task.targets.order_by("rank"))
        assert all(t.inspectors.count() == 2 for t in targets)
        assert not any(t.inspectors.filter(pk=inspectors[3].pk).exists() for t in targets)

        first, second = targets
        checker = first.inspectors.first()
        outsider = next(u for u in inspectors[:3] if not first.inspectors.filter(pk=u.pk).exists())
        with pytest.raises(PermissionDenied):
            finding_record(
                actor=outsider, target=first, severity="serious", description="x", basis="x"
            )
        finding = finding_record(
            actor=checker,
            target=first,
            severity="serious",
            description="未按许可条件施工，擅自变更设计",
            basis="《建筑法》",
        )
        rectify = finding_record(
            actor=second.inspectors.first(),
            target=second,
            severity="rectify",
            description="安全设施不全",
            basis="《建设工程安全生产管理条例》",
        )
        assert rectify.rectify_due_on == date(2026, 3, 23)  # 15 working days after Monday 2 March
        with pytest.raises(
            PermissionDenied
        ):  # an inspector never revokes: the issuer's approver does
            finding_revoke_permit(actor=checker, finding=finding, reason="严重违法")
        finding = finding_revoke_permit(
            actor=head, finding=finding, reason="审管联动：严重违法，撤销许可"
        )
        task = task_results_publish(actor=head, task=task)

    permit = Certificate.objects.get(identifier=finding.revoked_certificate)
    assert permit.status == CertificateStatus.REVOKED
    dependants = list(permit.dependants.values_list("identifier", flat=True))
    assert len(dependants) == 4 and finding.flagged_dependants == sorted(dependants)
    # and each dependant carries the stored flag its page and the API show
    assert all(d.prerequisite_revoked_at is not None for d in permit.dependants.all())
    record = CreditRecord.objects.get(public_id=finding.credit_record_public_id)
    assert (record.enterprise_id, record.level, record.authority) == (
        first.enterprise_id,
        "serious",
        department,
    )
    assert finding.status == FindingStatus.REVOKED
    public = task_public_record(task)
    assert [t["result"] for t in public["targets"]] == ["serious", "issues"]
    assert public["pool_hash"] == task.target_draw.candidates_hash
    for draw in (task.target_draw, task.inspector_draw):
        assert draw_public_get(draw.public_id)["verification"]["ok"]


def test_the_weighted_sample_follows_its_weights():
    # given three candidates weighing 1, 4 and 7 (1 + published risk factors), one drawn per
    # draw, 3000 seeds fixed by hashing their number
    candidates = [
        Candidate(id="a", weight=1),
        Candidate(id="b", weight=4),
        Candidate(id="c", weight=7),
    ]
    n = 3000
    counts = Counter(
        draw_compute(candidates, hashlib.sha256(str(i).encode()).hexdigest(), 1)[0]
        for i in range(n)
    )
    # then each is drawn in proportion to its weight: 1/12, 4/12, 7/12, within 4 standard errors
    for cid, weight in (("a", 1), ("b", 4), ("c", 7)):
        p = weight / 12
        sigma = (p * (1 - p) / n) ** 0.5
        assert abs(counts[cid] / n - p) < 4 * sigma, (cid, counts)
    # and a plain draw is uniform
    plain = Counter(
        draw_compute(
            [Candidate(id=c.id) for c in candidates],
            hashlib.sha256(f"u{i}".encode()).hexdigest(),
            1,
        )[0]
        for i in range(1200)
    )
    assert all(abs(plain[c] / 1200 - 1 / 3) < 4 * (2 / 9 / 1200) ** 0.5 for c in "abc"), plain


def test_the_undertaking_verification_task_is_generated_at_approval(
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(MONDAY, tick=False):
        world = lifecycle_world()
        case = CaseFactory(world=world)
        upload_all(case, world.applicant, skip=("m-contract",))
        case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
        case = case_accept(
            case=Case.objects.get(pk=case.pk),
            actor=world.clerk,
            undertaking={
                "text": "本单位承诺已签订施工合同。",
                "signer_name": "张三",
                "materials": ["m-contract"],
                "verification_due_on": date(2026, 4, 1),
            },
        )
        review_all(case, world)
        assert not CommitmentCheck.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            decide_all(case, world)
        check = CommitmentCheck.objects.get()
        assert (check.case_id, check.due_on, check.status) == (
            case.pk,
            date(2026, 4, 1),
            CheckStatus.PENDING,
        )
        # the verification fails: through the cases service, the results are revoked
        check = commitment_check_record(
            actor=world.approver2, check=check, passed=False, note="未签订施工合同"
        )
    assert check.status == CheckStatus.BREACHED
    assert case.commitments.get().status == CommitmentStatus.BREACHED
    record = CreditRecord.objects.get(enterprise=world.enterprise)
    assert (record.level, record.source) == ("general", "system")


def test_each_published_risk_factor_is_read_from_kaigongs_own_data():
    """open 告知承诺 +3, 容缺 history +2, credit under watch +2, earlier findings +3 (the
    serious-credit factor is in the weighted check above); each appears when its data does."""
    from django.utils import timezone

    from kaigong.cases.constants import CommitmentKind
    from kaigong.cases.models import Commitment
    from kaigong.postapproval.services import task_pool

    with time_machine.travel(MONDAY, tick=False):
        world = lifecycle_world()
        case = CaseFactory(world=world)
        catalogue = issuing_catalogue()
        department = catalogue.department
        issue(catalogue, project=ProjectFactory(enterprise=world.enterprise, region_code="371321"))
        head = UserFactory(username="rf-head")
        membership_grant(user=head, role=Role.APPROVER, department=department)
        inspector = UserFactory(username="rf-insp")
        membership_grant(user=inspector, role=Role.INSPECTOR, department=department)
        item = check_item_create(
            actor=head,
            department=department,
            code="rf-001",
            name="规划许可后续监管",
            basis="《城乡规划法》",
            object_type="enterprise",
            matter_code=catalogue.single.matter.code,
            ratio_percent=100,
            frequency="每年",
            method="现场",
        )

        def factors():
            [row] = [r for r in task_pool(item) if r["enterprise"] == world.enterprise.pk]
            return row["factors"], row["weight"]

        assert factors() == ([], 1)
        signed = {"text": "承诺", "text_hash": "0" * 64, "signer_name": "张三"}
        undertaking = Commitment.objects.create(
            case=case,
            kind=CommitmentKind.UNDERTAKING,
            verification_due_on=date(2026, 6, 1),
            signed_at=timezone.now(),
            recorded_by=world.clerk,
            **signed,
        )
        assert factors() == (["open_undertaking"], 4)
        Commitment.objects.create(
            case=case,
            kind=CommitmentKind.DEFERRAL,
            due_on=date(2026, 3, 20),
            signed_at=timezone.now(),
            recorded_by=world.clerk,
            **signed,
        )
        assert factors() == (["open_undertaking", "deferral_history"], 6)
        credit_record_create(
            actor=None,
            subject=world.enterprise,
            list_kind=ListKind.BLACK,
            level=Level.WATCH,
            reason="容缺逾期",
            basis="承诺书",
            authority=department,
            source=Source.SYSTEM,
        )
        assert factors() == (["open_undertaking", "deferral_history", "credit_watch"], 8)
        # a verified undertaking is no longer open
        Commitment.objects.filter(pk=undertaking.pk).update(
            status=CommitmentStatus.FULFILLED, settled_at=timezone.now()
        )
        assert factors() == (["deferral_history", "credit_watch"], 5)
        # a finding in an earlier check
        plan = plan_create(actor=head, department=department, year=2026, title="计划", items=[item])
        task = task_create(
            actor=head,
            plan=plan,
            item=item,
            code="rf〔2026〕1号",
            sample_kind="random",
            period_start=date(2026, 3, 2),
            period_end=date(2026, 6, 30),
            inspectors_per_target=1,
        )
        task = task_draw_targets(actor=head, task=task, witnesses=["见证人"])
        task = task_draw_inspectors(actor=head, task=task, witnesses=["见证人"])
        target = task.targets.get(enterprise=world.enterprise)
        finding_record(
            actor=inspector, target=target, severity="rectify", description="未公示", basis="x"
        )
        assert factors() == (["deferral_history", "credit_watch", "past_findings"], 8)
