from datetime import date

import pytest

from kaigong.cases.constants import CaseStatus, ErrorCode, ItemStatus
from kaigong.cases.models import Case
from kaigong.cases.services.acceptance import case_accept_with_undertaking
from kaigong.cases.services.commitments import commitment_verify
from kaigong.cases.services.intake import case_submit
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, upload_all
from kaigong.core.exceptions import Conflict, PermissionDenied
from kaigong.core.models import OutboxMessage
from kaigong.credit.models import CreditRecord

pytestmark = pytest.mark.django_db


def _credit_level(world) -> str:
    """The level of the one credit record (kaigong.credit) on the world's enterprise."""
    return CreditRecord.objects.get(enterprise=world.enterprise).level


def _undertaking_case(world):
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-contract",))
    case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
    return case_accept_with_undertaking(
        case=case,
        actor=world.clerk,
        commitment={
            "text": "本单位承诺已依法签订施工合同。",
            "signer_name": "张三",
            "materials": ["m-contract"],
            "verification_due_on": date(2026, 4, 1),
        },
    )


def test_passed_verification_fulfils_the_undertaking(monday):
    world = lifecycle_world()
    case = _undertaking_case(world)
    commitment = case.commitments.get()
    with pytest.raises(PermissionDenied):
        commitment_verify(commitment=commitment, actor=world.reviewer2, passed=True)
    commitment = commitment_verify(
        commitment=commitment, actor=world.approver2, passed=True, note="合同已核验"
    )
    assert commitment.status == "fulfilled"
    with pytest.raises(Conflict) as excinfo:
        commitment_verify(commitment=commitment, actor=world.approver2, passed=True)
    assert excinfo.value.code == ErrorCode.COMMITMENT_NOT_PENDING


def test_failed_verification_halts_and_records_the_enterprise(monday):
    world = lifecycle_world()
    case = _undertaking_case(world)
    commitment_verify(commitment=case.commitments.get(), actor=world.approver2, passed=False)
    case.refresh_from_db()
    assert case.status == CaseStatus.HALTED
    assert set(case.items.values_list("status", flat=True)) == {ItemStatus.TERMINATED}
    assert _credit_level(world) == "general"  # a false 告知承诺: 一般失信
    assert OutboxMessage.objects.filter(topic="case.commitment_failed").count() == 1


def test_a_failed_verification_revokes_the_items_certificates_at_once(monday):
    # given an issued case whose M2 result rests on a 告知承诺 replacing m-contract
    from kaigong.cases.services.decision import item_decide
    from kaigong.cases.services.review import item_opinion_submit
    from kaigong.certificates.models import Certificate
    from kaigong.certificates.tests.factories import certificate_type, issuing_department
    from kaigong.core.models import Notification

    world = lifecycle_world()
    issuer = issuing_department(name="住建局")
    world.versions["M1"].certificate_types.add(certificate_type("ct-p", "规划许可证", issuer))
    world.versions["M2"].certificate_types.add(certificate_type("ct-s", "施工许可证", issuer))
    case = _undertaking_case(world)
    for n, matter in ((1, "M1"), (2, "M2")):
        item = case.items.get(matter_version__matter__code=matter)
        item_opinion_submit(item=item, actor=world.users[f"reviewer{n}"], text="同意",
                            recommendation="approve")  # fmt: skip
        item.refresh_from_db()
        item_decide(item=item, actor=world.users[f"approver{n}"], decision="approve")
    case.refresh_from_db()
    assert case.status == CaseStatus.ISSUED
    # (and M1's certificate was issued on the basis of M2's: a related licence)
    m1 = Certificate.objects.get(case_public_id=case.public_id, matter_version__matter__code="M1")
    m2 = Certificate.objects.get(case_public_id=case.public_id, matter_version__matter__code="M2")
    m1.depends_on.add(m2)
    # when the verification fails
    commitment_verify(commitment=case.commitments.get(), actor=world.approver2, passed=False)
    # then M2's certificate is revoked now (no reader of an outbox row needed), M1's stands
    status = dict(
        Certificate.objects.filter(case_public_id=case.public_id).values_list(
            "matter_version__matter__code", "status"
        )
    )
    assert status == {"M1": "valid", "M2": "revoked"}
    # and M1's certificate, which rests on it, is flagged (stored, not only an event)
    m1.refresh_from_db()
    m2.refresh_from_db()
    assert m1.prerequisite_revoked_at == m2.revoked_at is not None
    # and the enterprise and the department are told, and the credit record is kept
    assert Notification.objects.filter(kind="commitment_failed", enterprise=world.enterprise)
    assert Notification.objects.filter(
        kind="commitment_failed", department=world.departments[1]
    ).exists()
    assert _credit_level(world) == "general"  # a false 告知承诺: 一般失信
    event = case.events.filter(kind="commitment_verified").order_by("-seq").first()
    assert event.data["items"] == ["M2"] and len(event.data["revoked"]) == 1
