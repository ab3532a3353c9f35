from datetime import date, timedelta
from unittest import mock

import pytest

from kaigong.cases.constants import CaseStatus, Decision, DenialKind, ErrorCode, ItemStatus
from kaigong.cases.models import Case, Denial
from kaigong.cases.services.acceptance import case_accept_with_deferral
from kaigong.cases.services.commitments import commitment_breach_check
from kaigong.cases.services.decision import (
    item_consent_letter_issue,
    item_decide,
    item_finalise_pre_approval,
    item_pre_approve,
)
from kaigong.cases.services.events import case_event_chain_verify
from kaigong.cases.services.intake import case_submit
from kaigong.cases.services.materials import case_material_upload
from kaigong.cases.services.review import item_opinion_submit, item_send_back
from kaigong.cases.tests.factories import (
    CaseFactory,
    decide_all,
    item_of,
    lifecycle_world,
    pdf_file,
    review_all,
    upload_all,
)
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

ISSUE = "kaigong.certificates.services.certificates_issue_for_case"
RELEASE = "kaigong.certificates.services.certificates_release_deferred"


def test_opinion_then_decision_by_two_people(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)
    item = item_of(case, "M1")
    opinion = item_opinion_submit(
        item=item, actor=world.reviewer1, text="同意", recommendation="approve"
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.PROPOSED
    assert item.reviewer == world.reviewer1
    assert opinion.author == world.reviewer1
    item = item_decide(item=item, actor=world.approver1, decision=Decision.APPROVE)
    assert item.status == ItemStatus.APPROVED
    assert item.approver == world.approver1
    assert item.decided_on == date(2026, 3, 2)
    assert OutboxMessage.objects.filter(topic="case_item.decided", key=str(item.public_id)).exists()


def test_three_person_rule_unless_the_matter_relaxes_it(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)
    item = item_of(case, "M1")
    from kaigong.accounts.roles import Role
    from kaigong.accounts.services import membership_grant

    # the acceptor also holds the reviewer role of D1: may not review what they accepted
    membership_grant(user=world.clerk, role=Role.REVIEWER, department=world.departments[0])
    with pytest.raises(PermissionDenied) as excinfo:
        item_opinion_submit(item=item, actor=world.clerk, text="同意", recommendation="approve")
    assert excinfo.value.code == ErrorCode.SEPARATION_OF_DUTIES
    # the reviewer also holds the approver role: may not decide their own opinion
    membership_grant(user=world.reviewer1, role=Role.APPROVER, department=world.departments[0])
    item_opinion_submit(item=item, actor=world.reviewer1, text="同意", recommendation="approve")
    item.refresh_from_db()
    with pytest.raises(PermissionDenied) as excinfo:
        item_decide(item=item, actor=world.reviewer1, decision=Decision.APPROVE)
    assert excinfo.value.code == ErrorCode.SEPARATION_OF_DUTIES


def test_relaxed_matter_lets_one_person_review_and_decide(monday):
    world = lifecycle_world(separation_relaxed=True)
    case = CaseFactory(world=world, accepted=True)
    item = item_of(case, "M1")
    from kaigong.accounts.roles import Role
    from kaigong.accounts.services import membership_grant

    membership_grant(user=world.reviewer1, role=Role.APPROVER, department=world.departments[0])
    item_opinion_submit(item=item, actor=world.reviewer1, text="即办", recommendation="approve")
    item.refresh_from_db()
    item = item_decide(item=item, actor=world.reviewer1, decision=Decision.APPROVE)
    assert item.status == ItemStatus.APPROVED


def test_denial_needs_reason_basis_and_rights(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, proposed=True)
    item = item_of(case, "M2")
    with pytest.raises(InvalidInput) as excinfo:
        item_decide(item=item, actor=world.approver2, decision=Decision.DENY, reason="不符合")
    assert {p["code"] for p in excinfo.value.invalid_params} == {
        ErrorCode.LEGAL_BASIS_REQUIRED,
        ErrorCode.RIGHTS_REQUIRED,
    }
    item = item_decide(
        item=item,
        actor=world.approver2,
        decision=Decision.DENY,
        reason="不符合施工条件",
        legal_basis="《建筑法》第八条",
        applicant_rights="六十日内申请行政复议",
    )
    assert item.status == ItemStatus.DENIED
    denial = Denial.objects.get(item=item)
    assert denial.kind == DenialKind.DENIAL
    assert denial.by == world.approver2


def test_send_back_returns_to_review(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, proposed=True)
    item = item_send_back(item=item_of(case, "M1"), actor=world.approver1, reason="请补充意见")
    assert item.status == ItemStatus.IN_REVIEW


def test_the_bundle_concludes_once_and_hands_over_once(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, proposed=True)
    with mock.patch(ISSUE, return_value=[]) as issue:
        decide_all(case, world)
    case.refresh_from_db()
    assert case.status == CaseStatus.ISSUED
    assert issue.call_count == 1
    kwargs = issue.call_args.kwargs
    assert kwargs["case_public_id"] == case.public_id
    assert sorted(r.case_item_id for r in kwargs["results"]) == sorted(
        case.items.values_list("pk", flat=True)
    )
    assert all(r.deferred_materials_outstanding is False for r in kwargs["results"])
    assert OutboxMessage.objects.filter(topic="case.concluded").count() == 1
    assert case_event_chain_verify(case) is None


def test_no_conclusion_while_an_item_is_open(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, proposed=True)
    with mock.patch(ISSUE, return_value=[]) as issue:
        item_decide(item=item_of(case, "M1"), actor=world.approver1, decision=Decision.APPROVE)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert issue.call_count == 0


def test_all_denied_concludes_without_issuing(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, proposed=True)
    with mock.patch(ISSUE, return_value=[]) as issue:
        decide_all(case, world, decision=Decision.DENY)
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED
    assert issue.call_args.kwargs["results"] == []


def test_waiting_item_starts_on_its_prerequisites_result(monday):
    world = lifecycle_world(dependency="requires_result")
    case = CaseFactory(world=world, accepted=True)
    assert item_of(case, "M2").status == ItemStatus.WAITING
    assert item_of(case, "M2").promised_due_on is None
    item_opinion_submit(
        item=item_of(case, "M1"), actor=world.reviewer1, text="同意", recommendation="approve"
    )
    monday.shift(timedelta(days=1))  # decided Tuesday 3 March
    item_decide(item=item_of(case, "M1"), actor=world.approver1, decision=Decision.APPROVE)
    m2 = item_of(case, "M2")
    assert m2.status == ItemStatus.IN_REVIEW
    assert m2.clock_started_on == date(2026, 3, 3)
    assert m2.promised_due_on == date(2026, 3, 10)


def test_pre_approval_unblocks_an_item_that_accepts_it_and_becomes_final(monday):
    world = lifecycle_world(dependency="accepts_pre_approval")
    case = CaseFactory(world=world, accepted=True)
    result = item_pre_approve(
        item=item_of(case, "M1"), actor=world.approver1, conditions="按图施工"
    )
    assert item_of(case, "M1").status == ItemStatus.PRE_APPROVED
    assert item_of(case, "M2").status == ItemStatus.IN_REVIEW
    item = item_finalise_pre_approval(item=item_of(case, "M1"), actor=world.approver1)
    assert item.status == ItemStatus.APPROVED
    result.refresh_from_db()
    assert result.became_final_at is not None


def test_pre_approval_does_not_unblock_an_item_needing_the_result(monday):
    world = lifecycle_world(dependency="requires_result")
    case = CaseFactory(world=world, accepted=True)
    item_pre_approve(item=item_of(case, "M1"), actor=world.approver1)
    assert item_of(case, "M2").status == ItemStatus.WAITING


def test_consent_letter_only_where_allowed(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True, with_optional=True)
    with pytest.raises(Conflict) as excinfo:
        item_consent_letter_issue(item=item_of(case, "M1"), actor=world.approver1)
    assert excinfo.value.code == ErrorCode.CONSENT_LETTER_NOT_ALLOWED
    with pytest.raises(Conflict) as excinfo:
        item_pre_approve(item=item_of(case, "M3"), actor=world.approver3)
    assert excinfo.value.code == ErrorCode.PRE_APPROVAL_NOT_ALLOWED
    letter = item_consent_letter_issue(
        item=item_of(case, "M3"), actor=world.approver3, conditions="限期"
    )
    assert letter.kind == "consent_letter"
    assert item_of(case, "M3").status == ItemStatus.IN_REVIEW


def test_denied_prerequisite_terminates_the_waiting_item(monday):
    world = lifecycle_world(dependency="requires_result")
    case = CaseFactory(world=world, accepted=True)
    item_opinion_submit(
        item=item_of(case, "M1"), actor=world.reviewer1, text="不同意", recommendation="deny"
    )
    with mock.patch(ISSUE, return_value=[]) as issue:
        item_decide(
            item=item_of(case, "M1"),
            actor=world.approver1,
            decision=Decision.DENY,
            reason="不符合规划",
            legal_basis="城乡规划法",
            applicant_rights="行政复议",
        )
    assert item_of(case, "M2").status == ItemStatus.TERMINATED
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED
    assert issue.call_count == 1


def _deferred_case(world):
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-drawings",))
    case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
    return case_accept_with_deferral(
        case=case,
        actor=world.clerk,
        commitment={
            "text": "承诺补齐",
            "signer_name": "张三",
            "materials": ["m-drawings"],
            "due_on": date(2026, 3, 6),
        },
    )


def test_deferred_materials_hold_the_result_until_they_arrive(monday):
    world = lifecycle_world()
    case = _deferred_case(world)
    review_all(case, world)
    with mock.patch(ISSUE, return_value=[]) as issue:
        decide_all(case, world)
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED
    assert set(case.items.values_list("status", flat=True)) == {ItemStatus.APPROVED_DEFERRED}
    assert all(r.deferred_materials_outstanding for r in issue.call_args.kwargs["results"])
    with mock.patch(RELEASE, return_value=[]) as release:
        case_material_upload(
            case=case, actor=world.applicant, material_code="m-drawings", file=pdf_file()
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.ISSUED
    assert release.call_count == 2
    assert set(case.items.values_list("status", flat=True)) == {ItemStatus.APPROVED}
    assert case.commitments.get().status == "fulfilled"


def test_lapsed_commitment_halts_the_case_and_records_the_enterprise(monday):
    world = lifecycle_world()
    case = _deferred_case(world)
    assert commitment_breach_check(on=date(2026, 3, 6)) == []
    breached = commitment_breach_check(on=date(2026, 3, 9))
    assert len(breached) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.HALTED
    assert set(case.items.values_list("status", flat=True)) == {ItemStatus.TERMINATED}
    world.enterprise.refresh_from_db()
    assert world.enterprise.credit_standing == "watch"
    assert Denial.objects.get(case=case).kind == DenialKind.RETURN
    assert case_event_chain_verify(case) is None


def test_a_lapsed_commitment_writes_one_credit_record_that_the_next_gate_cites(monday):
    from kaigong.credit.constants import Gate, Level, ListKind, Source
    from kaigong.credit.models import CreditRecord
    from kaigong.credit.selectors import credit_gate

    world = lifecycle_world()
    case = _deferred_case(world)
    commitment = case.commitments.get()
    commitment_breach_check(on=date(2026, 3, 9))
    # one record, in the credit system, on the enterprise, under watch, naming the commitment
    record = CreditRecord.objects.get(enterprise=world.enterprise)
    assert (record.list_kind, record.level, record.source) == (
        ListKind.BLACK,
        Level.WATCH,
        Source.SYSTEM,
    )
    assert record.source_reference == f"cases.commitment:{commitment.public_id}"
    assert record.authority == case.items.order_by("order", "id").first().department
    breach = case.events.get(kind="commitment_breached")
    assert breach.data["credit_record"] == str(record.public_id)
    # the next 容缺 gate refuses on it and cites it
    assert credit_gate(world.enterprise, Gate.DEFERRAL).cite()["records"] == [str(record.public_id)]
    second = CaseFactory(world=world)
    upload_all(second, world.applicant, skip=("m-drawings",))
    second = case_submit(case=Case.objects.get(pk=second.pk), actor=world.applicant)
    with pytest.raises(Conflict) as refused:
        case_accept_with_deferral(
            case=second,
            actor=world.clerk,
            commitment={
                "text": "承诺补齐",
                "signer_name": "张三",
                "materials": ["m-drawings"],
                "due_on": date(2026, 3, 13),
            },
        )
    assert refused.value.code == ErrorCode.CREDIT_STANDING
    assert [p["reason"] for p in refused.value.invalid_params] == [str(record.public_id)]
