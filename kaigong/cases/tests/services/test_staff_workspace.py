"""
Services of the staff workspace: refusing an extension (with its reason and event), and
opening a submitted file (visibility re-checked, one audit record per opening).
"""

from __future__ import annotations

import pytest

from kaigong.cases.models import SubmittedMaterial
from kaigong.cases.permissions import can_view_material
from kaigong.cases.services.clock import (
    item_extension_approve,
    item_extension_reject,
    item_extension_request,
)
from kaigong.cases.services.material_access import material_filename, material_open
from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.models import AuditRecord


@pytest.fixture
def world(monday):
    return lifecycle_world()


@pytest.mark.django_db
def test_a_refused_extension_keeps_the_limits_records_an_event_and_allows_a_new_request(world):
    # given a pending request on an accepted item
    item = item_of(CaseFactory(world=world, accepted=True), "M1")
    due = item.promised_due_on
    first = item_extension_request(item=item, actor=world.reviewer1, working_days=10, reason="a")

    # when the approver refuses it with a reason
    item_extension_reject(extension=first, actor=world.approver1, reason="理由不充分")

    # then the limits stay, the refusal is in the history, and a new request may follow
    item.refresh_from_db()
    first.refresh_from_db()
    assert item.promised_due_on == due and item.extension_days == 0
    assert (first.rejected_by, first.decision_reason) == (world.approver1, "理由不充分")
    event = item.case.events.filter(kind="extension_rejected").get()
    assert event.data["reason"] == "理由不充分"
    second = item_extension_request(item=item, actor=world.reviewer1, working_days=3, reason="b")
    assert second.pk != first.pk


@pytest.mark.django_db
def test_refusing_needs_a_reason_and_a_pending_request(world):
    item = item_of(CaseFactory(world=world, accepted=True), "M1")
    extension = item_extension_request(item=item, actor=world.reviewer1, working_days=3, reason="a")

    with pytest.raises(InvalidInput) as bare:
        item_extension_reject(extension=extension, actor=world.approver1, reason="  ")
    item_extension_approve(extension=extension, actor=world.approver1, reason="同意")
    with pytest.raises(Conflict) as decided:
        item_extension_reject(extension=extension, actor=world.approver1, reason="晚了")

    assert bare.value.code == "reason_required"
    assert decided.value.code == "extension_not_pending"
    extension.refresh_from_db()
    assert extension.decision_reason == "同意"


@pytest.mark.django_db
def test_a_granted_extension_still_blocks_a_second_one(world):
    item = item_of(CaseFactory(world=world, accepted=True), "M1")
    extension = item_extension_request(item=item, actor=world.reviewer1, working_days=3, reason="a")
    item_extension_approve(extension=extension, actor=world.approver1)

    with pytest.raises(Conflict) as again:
        item_extension_request(item=item, actor=world.reviewer1, working_days=3, reason="b")

    assert again.value.code == "extension_invalid"


@pytest.mark.django_db
def test_only_an_approver_of_the_department_refuses(world):
    item = item_of(CaseFactory(world=world, accepted=True), "M1")
    extension = item_extension_request(item=item, actor=world.reviewer1, working_days=3, reason="a")

    with pytest.raises(PermissionDenied):
        item_extension_reject(extension=extension, actor=world.approver2, reason="不同意")


@pytest.mark.django_db
def test_visibility_of_materials_by_role(world):
    case = CaseFactory(world=world, accepted=True)
    licence = SubmittedMaterial.objects.get(case=case, material__code="m-licence")
    form = SubmittedMaterial.objects.get(case=case, material__code="m-form")

    allowed = {
        who: can_view_material(world.users[who], licence)
        for who in ("applicant", "helper", "clerk", "supervisor", "reviewer1", "inspector1")
    }
    denied = {
        who: can_view_material(world.users[who], licence)
        for who in ("reviewer2", "reviewer3", "other_clerk", "stranger", "catalog_admin")
    }

    assert all(allowed.values()), allowed
    assert not any(denied.values()), denied
    assert can_view_material(world.reviewer2, form)


@pytest.mark.django_db
def test_opening_a_file_rechecks_permission_and_audits_each_opening(world):
    case = CaseFactory(world=world, accepted=True)
    row = SubmittedMaterial.objects.get(case=case, material__code="m-form")

    opened = material_open(material=row, actor=world.reviewer1)
    with pytest.raises(PermissionDenied):
        material_open(material=row, actor=world.reviewer3)

    assert opened.inline and opened.content_type == "application/pdf"
    assert opened.filename == "申请表.pdf"
    records = AuditRecord.objects.filter(object_id=str(row.public_id))
    assert [(r.action, r.actor) for r in records] == [("material.viewed", world.reviewer1)]


def test_the_offered_file_name_takes_the_detected_type_s_extension():
    class Row:
        content_type = "image/png"
        original_name = "图纸.pdf"

        class material:
            name = "设计图纸"

    assert material_filename(Row) == "图纸.png"
