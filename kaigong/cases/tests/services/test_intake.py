from datetime import date, timedelta

import pytest

from kaigong.accounts.models import CreditStanding
from kaigong.cases.constants import CaseStatus, DenialKind, ErrorCode, ItemStatus
from kaigong.cases.exceptions import StaleVersion
from kaigong.cases.hashing import request_fingerprint
from kaigong.cases.models import Case, CaseEvent, Correction, Denial
from kaigong.cases.planning import case_plan_snapshot
from kaigong.cases.services.acceptance import case_accept, case_accept_with_deferral
from kaigong.cases.services.events import case_event_chain_verify, case_event_record, plain_json
from kaigong.cases.services.intake import (
    case_refuse,
    case_request_correction,
    case_resubmit,
    case_submit,
    case_withdraw,
)
from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world, upload_all
from kaigong.core.exceptions import Conflict, InvalidInput
from kaigong.core.models import Notification, OutboxMessage
from kaigong.projects import hooks

pytestmark = pytest.mark.django_db


def _ready_draft(world, **kwargs):
    case = CaseFactory(world=world, **kwargs)
    upload_all(case, world.applicant)
    return Case.objects.get(pk=case.pk)


def test_submission_numbers_the_case_and_starts_the_art32_clock(monday):
    world = lifecycle_world()
    case = case_submit(case=_ready_draft(world), actor=world.applicant)
    assert case.status == CaseStatus.SUBMITTED
    assert case.number == "KG-2026-000001"
    assert case.service_center == world.centre
    # Monday 2 March + 5 working days = Monday 9 March
    assert case.correction_notice_due_on == date(2026, 3, 9)
    assert (
        OutboxMessage.objects.filter(topic="case.submitted", key=str(case.public_id)).count() == 1
    )


def test_submitting_a_stale_case_is_refused_and_changes_nothing(monday):
    # given a draft read before another change moved its version on
    world = lifecycle_world()
    stale = _ready_draft(world)
    Case.objects.filter(pk=stale.pk).update(version=stale.version + 1)
    # when it is submitted from the stale read
    with pytest.raises(StaleVersion):
        case_submit(case=stale, actor=world.applicant)
    # then the case is still the draft, with no number and no event of a submission
    row = Case.objects.get(pk=stale.pk)
    assert row.status == CaseStatus.DRAFT
    assert row.number == ""
    assert row.event_count == stale.event_count
    assert not OutboxMessage.objects.filter(topic="case.submitted").exists()


def test_submission_needs_a_complete_form(monday):
    world = lifecycle_world()
    case = _ready_draft(world)
    Case.objects.filter(pk=case.pk).update(form_data={"project_name": "x"})
    case.refresh_from_db()
    with pytest.raises(InvalidInput) as excinfo:
        case_submit(case=case, actor=world.applicant)
    assert excinfo.value.code == ErrorCode.FORM_INVALID
    assert [p["name"] for p in excinfo.value.invalid_params] == ["contact_phone"]


def test_submit_replay_returns_the_first_result_and_another_body_is_refused(monday):
    world = lifecycle_world()
    case = _ready_draft(world)
    fingerprint = request_fingerprint({"case": str(case.public_id)})
    first = case_submit(
        case=case, actor=world.applicant, idempotency_key="sub-1", fingerprint=fingerprint
    )
    replay = case_submit(
        case=Case.objects.get(pk=case.pk),
        actor=world.applicant,
        idempotency_key="sub-1",
        fingerprint=fingerprint,
    )
    assert replay.pk == first.pk
    assert replay.number == first.number
    assert CaseEvent.objects.filter(case=case, data__action="submit").count() == 1
    with pytest.raises(Conflict) as excinfo:
        case_submit(
            case=replay, actor=world.applicant, idempotency_key="sub-1", fingerprint="other"
        )
    assert excinfo.value.code == ErrorCode.IDEMPOTENCY_KEY_REUSED


def test_acceptance_creates_every_item_at_once_with_due_dates(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, submitted=True, with_optional=True)
    case = case_accept(case=case, actor=world.clerk)
    assert case.status == CaseStatus.ACCEPTED
    assert case.accepted_by == world.clerk
    assert case.accepted_on == date(2026, 3, 2)
    items = {
        i.matter_version.matter.code: i for i in case.items.select_related("matter_version__matter")
    }
    assert set(items) == {"M1", "M2", "M3"}
    assert all(i.status == ItemStatus.IN_REVIEW for i in items.values())
    # promised 5 WD from Monday 2 March → Monday 9 March; statutory 20 WD → Monday 30 March
    assert items["M1"].promised_due_on == date(2026, 3, 9)
    assert items["M1"].statutory_due_on == date(2026, 3, 30)
    assert items["M3"].promised_due_on == date(2026, 3, 5)
    assert items["M1"].matter_version == world.versions["M1"]
    assert case.promised_due_on == date(2026, 3, 9)
    assert case.statutory_due_on == date(2026, 3, 30)
    event = CaseEvent.objects.get(case=case, data__action="accept")
    assert len(event.data["items"]) == 3


def test_accepting_a_stale_case_is_refused_and_changes_nothing(monday):
    # given a submitted case read before another change moved its version on
    world = lifecycle_world()
    stale = CaseFactory(world=world, submitted=True)
    stale = Case.objects.get(pk=stale.pk)
    Case.objects.filter(pk=stale.pk).update(version=stale.version + 1)
    # when the clerk accepts it from the stale read (the row is not read again under a lock)
    with pytest.raises(StaleVersion):
        case_accept(case=stale, actor=world.clerk)
    # then the case is still submitted: no items, no event, message, notice or document
    row = Case.objects.get(pk=stale.pk)
    assert row.status == CaseStatus.SUBMITTED
    assert row.version == stale.version + 1
    assert row.event_count == stale.event_count
    assert row.items.count() == 0
    assert not CaseEvent.objects.filter(case=row, data__action="accept").exists()
    assert not OutboxMessage.objects.filter(topic="case.accepted").exists()
    assert not Notification.objects.filter(kind="case_accept").exists()
    assert not row.official_documents.exists()  # the documents app, above cases


def test_accepting_from_a_read_behind_the_chain_still_chains_the_event(monday):
    # given a submitted case read before an event was appended (its version unchanged)
    world = lifecycle_world()
    case = CaseFactory(world=world, submitted=True)
    behind = Case.objects.get(pk=case.pk)
    case_event_record(case=Case.objects.get(pk=case.pk), kind="note", data={"n": 1})
    # when it is accepted from that read
    accepted = case_accept(case=behind, actor=world.clerk)
    # then the acceptance follows the appended event and the chain verifies
    row = Case.objects.get(pk=case.pk)
    assert row.status == CaseStatus.ACCEPTED
    assert (row.event_count, row.chain_head) == (accepted.event_count, accepted.chain_head)
    last = CaseEvent.objects.filter(case=row).order_by("-seq").first()
    assert last.data["action"] == "accept" and last.seq == row.event_count
    assert case_event_chain_verify(row) is None


def test_acceptance_notice_names_the_cases_centre(monday):
    # the centre comes from the caller's read of the case (no read of its own)
    world = lifecycle_world()
    case = CaseFactory(world=world, submitted=True)
    case_accept(
        case=Case.objects.select_related("service_center").get(pk=case.pk), actor=world.clerk
    )
    notice = case.official_documents.get(kind="acceptance_notice")  # the documents app
    assert notice.issuer_name == world.centre.name != ""
    assert notice.data["issuer_name"] == world.centre.name


def test_acceptance_with_a_held_certificate_records_it_in_the_event_and_plan(monday, monkeypatch):
    # given an enterprise holding a certificate that satisfies m-licence (免提交)
    world = lifecycle_world()
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-licence",))
    monkeypatch.setattr(hooks, "_provider", lambda enterprise: {"ct-licence"})
    case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
    # when the clerk accepts (the held types read once, for the materials and the plan)
    accepted = case_accept(case=case, actor=world.clerk)
    # then the exemption is recorded and the plan is the one the guide gives the holder
    event = CaseEvent.objects.get(case=accepted, data__action="accept")
    assert event.data["exempt"]["m-licence"] == ["ct-licence"]
    codes = [i["matter"] for i in event.data["items"]]
    fresh = plain_json(
        case_plan_snapshot(accepted, matter_codes=codes, accepted_on=accepted.accepted_on)
    )
    assert Case.objects.get(pk=case.pk).plan_snapshot == fresh


def test_acceptance_refuses_missing_materials_and_changes_nothing(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-contract",))
    case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
    with pytest.raises(Conflict) as excinfo:
        case_accept(case=case, actor=world.clerk)
    assert excinfo.value.code == ErrorCode.MATERIALS_INCOMPLETE
    assert [p["name"] for p in excinfo.value.invalid_params] == ["m-contract"]
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.items.count() == 0


def test_refusal_needs_reason_and_basis_and_is_a_denial(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, submitted=True)
    with pytest.raises(InvalidInput) as excinfo:
        case_refuse(case=case, actor=world.clerk, reason="", legal_basis="x")
    assert excinfo.value.code == ErrorCode.REASON_REQUIRED
    with pytest.raises(InvalidInput) as excinfo:
        case_refuse(case=case, actor=world.clerk, reason="不属于本机关职权", legal_basis=" ")
    assert excinfo.value.code == ErrorCode.LEGAL_BASIS_REQUIRED
    case = case_refuse(
        case=case, actor=world.clerk, reason="不属于本机关职权", legal_basis="行政许可法第三十二条"
    )
    assert case.status == CaseStatus.REFUSED
    denial = Denial.objects.get(case=case)
    assert denial.kind == DenialKind.REFUSAL
    assert denial.by == world.clerk
    assert "行政复议" in denial.applicant_rights


def test_one_correction_notice_lists_everything_and_is_a_denial(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, submitted=True)
    with pytest.raises(InvalidInput) as excinfo:
        case_request_correction(case=case, actor=world.clerk, items=[])
    assert excinfo.value.code == ErrorCode.CORRECTION_EMPTY
    with pytest.raises(InvalidInput):
        case_request_correction(
            case=case, actor=world.clerk, items=[{"kind": "material", "code": "zz"}]
        )
    correction = case_request_correction(
        case=case,
        actor=world.clerk,
        items=[
            {"kind": "material", "code": "m-drawings", "problem": "defective", "note": "缺少签章"},
            {"kind": "field", "code": "floor_area", "problem": "missing"},
        ],
    )
    assert [i["label"] for i in correction.items] == ["设计图纸", "建筑面积"]
    assert correction.notice_due_on == date(2026, 3, 9)
    case.refresh_from_db()
    assert case.status == CaseStatus.CORRECTION_REQUESTED
    assert Denial.objects.get(case=case).kind == DenialKind.CORRECTION


def test_resubmission_returns_to_the_queue_with_a_new_receipt(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, correction_requested=True)
    monday.shift(timedelta(days=1))
    case = case_resubmit(case=case, actor=world.applicant)
    assert case.status == CaseStatus.SUBMITTED
    assert case.correction_notice_due_on == date(2026, 3, 10)
    assert Correction.objects.get(case=case).answered_at is not None


def test_late_correction_notice_is_refused_and_acceptance_counts_from_receipt(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, submitted=True)
    monday.shift(timedelta(days=8))  # Tuesday 10 March, past Monday 9 March
    with pytest.raises(Conflict) as excinfo:
        case_request_correction(
            case=case, actor=world.clerk, items=[{"kind": "field", "code": "floor_area"}]
        )
    assert excinfo.value.code == ErrorCode.CORRECTION_NOTICE_OVERDUE
    case = case_accept(case=case, actor=world.clerk)
    assert case.deemed_accepted is True
    assert case.accepted_on == date(2026, 3, 2)
    assert item_of(case, "M1").promised_due_on == date(2026, 3, 9)


def test_withdrawing_an_accepted_case_withdraws_its_items(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)
    case = case_withdraw(case=case, actor=world.applicant, reason="项目调整")
    assert case.status == CaseStatus.WITHDRAWN
    assert set(case.items.values_list("status", flat=True)) == {ItemStatus.WITHDRAWN}


def test_withdrawing_a_draft_closes_it_without_a_number(monday):
    # given a draft (no number yet)
    world = lifecycle_world()
    case = CaseFactory(world=world)
    assert case.number == ""
    # when the applicant withdraws it
    case_withdraw(case=case, actor=world.applicant)
    # then it is withdrawn and closed, and takes no number (it was never handed in)
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == CaseStatus.WITHDRAWN
    assert stored.closed_at is not None
    assert stored.number == ""


def _deferral(**overrides):
    return {
        "text": "本单位承诺在期限内补齐容缺材料，逾期愿承担相应责任。",
        "signer_name": "张三",
        "materials": ["m-drawings"],
        "due_on": date(2026, 3, 6),
        **overrides,
    }


def test_deferral_rules(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-drawings", "m-form"))
    from kaigong.cases.services.materials import case_material_upload
    from kaigong.cases.tests.factories import pdf_file

    case_material_upload(
        case=Case.objects.get(pk=case.pk),
        actor=world.applicant,
        material_code="m-form",
        file=pdf_file(),
    )
    case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
    with pytest.raises(InvalidInput) as excinfo:
        case_accept_with_deferral(
            case=case, actor=world.clerk, commitment=_deferral(materials=["m-form"])
        )
    assert excinfo.value.code == ErrorCode.NOT_DEFERRABLE
    with pytest.raises(InvalidInput) as excinfo:
        case_accept_with_deferral(
            case=case, actor=world.clerk, commitment=_deferral(due_on=date(2026, 3, 10))
        )
    assert excinfo.value.code == ErrorCode.COMMITMENT_DUE_TOO_LATE
    with pytest.raises(InvalidInput) as excinfo:
        case_accept_with_deferral(
            case=case, actor=world.clerk, commitment=_deferral(signer_name="")
        )
    assert excinfo.value.code == ErrorCode.COMMITMENT_INVALID
    world.enterprise.credit_standing = CreditStanding.WATCH
    world.enterprise.save(update_fields=["credit_standing"])
    with pytest.raises(Conflict) as excinfo:
        case_accept_with_deferral(
            case=Case.objects.get(pk=case.pk), actor=world.clerk, commitment=_deferral()
        )
    assert excinfo.value.code == ErrorCode.CREDIT_STANDING
    world.enterprise.credit_standing = CreditStanding.GOOD
    world.enterprise.save(update_fields=["credit_standing"])
    case = case_accept_with_deferral(
        case=Case.objects.get(pk=case.pk), actor=world.clerk, commitment=_deferral()
    )
    assert case.status == CaseStatus.ACCEPTED
    commitment = case.commitments.get()
    assert commitment.material_codes == ["m-drawings"]
    assert len(commitment.text_hash) == 64


def test_undertaking_replaces_only_what_the_matter_allows(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-contract",))
    case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
    value = {
        "text": "本单位承诺已签订施工合同。",
        "signer_name": "张三",
        "materials": ["m-form"],
        "verification_due_on": date(2026, 4, 1),
    }
    with pytest.raises(InvalidInput) as excinfo:
        case_accept(case=case, actor=world.clerk, undertaking=value)
    assert excinfo.value.code == ErrorCode.COMMITMENT_NOT_ALLOWED
    case = case_accept(
        case=case, actor=world.clerk, undertaking={**value, "materials": ["m-contract"]}
    )
    assert case.status == CaseStatus.ACCEPTED
    assert case.commitments.get().verification_due_on == date(2026, 4, 1)
