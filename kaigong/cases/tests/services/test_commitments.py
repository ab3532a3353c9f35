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

pytestmark = pytest.mark.django_db


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
    assert world.enterprise.credit_records.get().kind == "false_commitment"
    assert OutboxMessage.objects.filter(topic="case.commitment_failed").count() == 1
