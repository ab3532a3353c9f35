"""
The staff workspace over HTTP: a case's materials listed and opened through the
permission check (inline or attachment, audited), and the approver's decisions on
extension requests and consent letters.
"""

from __future__ import annotations

import pytest

from kaigong.cases.models import SubmittedMaterial
from kaigong.cases.services.clock import item_extension_request
from kaigong.cases.tests.factories import PDF, CaseFactory, item_of, lifecycle_world
from kaigong.core.models import AuditRecord
from kaigong.core.tests.conformance import assert_conforms

from .conftest import client_for


@pytest.fixture
def world(monday):
    return lifecycle_world()


def _material(case, code: str) -> SubmittedMaterial:
    return SubmittedMaterial.objects.get(case=case, material__code=code, is_current=True)


def _file_url(case, row) -> str:
    return f"/api/v1/cases/{case.public_id}/materials/{row.public_id}/file/"


@pytest.mark.django_db
def test_the_list_shows_each_material_with_state_type_size_hashes_and_link(world):
    # given an accepted case with four uploaded materials
    case = CaseFactory(world=world, accepted=True)

    # when the clerk of the centre lists them
    response = client_for(world.clerk).get(f"/api/v1/cases/{case.public_id}/materials/")

    # then every material is there, with the file's facts and its API link
    assert response.status_code == 200
    rows = {r["material"]["code"]: r for r in response.json()}
    assert set(rows) == {"m-form", "m-licence", "m-drawings", "m-contract"}
    form = rows["m-form"]
    row = _material(case, "m-form")
    assert form["state"] == "current"
    assert form["content_type"] == "application/pdf"
    assert form["size"] == len(PDF)
    assert form["sha256"] == row.sha256 and len(form["sm3"]) == 64
    assert form["file_url"].endswith(_file_url(case, row))


@pytest.mark.django_db
def test_department_staff_list_only_the_materials_their_items_need(world):
    case = CaseFactory(world=world, accepted=True)

    response = client_for(world.reviewer2).get(f"/api/v1/cases/{case.public_id}/materials/")

    # M2 (department 2) needs the form, the drawings and the contract, not the licence
    assert {r["material"]["code"] for r in response.json()} == {
        "m-form",
        "m-drawings",
        "m-contract",
    }


@pytest.mark.django_db
def test_the_file_downloads_through_the_api_and_is_audited(world):
    case = CaseFactory(world=world, accepted=True)
    row = _material(case, "m-form")

    response = client_for(world.reviewer1).get(_file_url(case, row))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    record = AuditRecord.objects.get(action="material.viewed")
    assert record.actor == world.reviewer1
    assert record.object_id == str(row.public_id)
    assert record.data["channel"] == "api"


@pytest.mark.django_db
def test_the_file_answers_with_a_content_type_its_schema_documents(world):
    # the outside fuzz found a PDF answered as application/pdf where the schema documented
    # only application/octet-stream
    case = CaseFactory(world=world, accepted=True)
    response = client_for(world.reviewer1).get(_file_url(case, _material(case, "m-form")))

    assert response.status_code == 200
    assert_conforms(response, "GET", "/api/v1/cases/{public_id}/materials/{material_id}/file/")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["reviewer3", "other_clerk", "stranger", "catalog_admin"])
def test_the_file_and_the_list_are_not_found_for_who_may_not_see_them(world, who):
    case = CaseFactory(world=world, accepted=True)
    row = _material(case, "m-form")
    client = client_for(world.users[who])

    listed = client.get(f"/api/v1/cases/{case.public_id}/materials/")
    opened = client.get(_file_url(case, row))

    assert listed.status_code == opened.status_code == 404
    assert not AuditRecord.objects.filter(action__startswith="material.").exists()


@pytest.mark.django_db
def test_a_material_the_departments_items_do_not_need_is_not_found(world):
    case = CaseFactory(world=world, accepted=True)

    response = client_for(world.reviewer2).get(_file_url(case, _material(case, "m-licence")))

    assert response.status_code == 404
    assert response.json()["code"] == "material_not_found"


@pytest.mark.django_db
def test_the_approver_refuses_one_extension_with_a_reason_and_grants_the_next(world):
    # given a pending extension request on M1
    item = item_of(CaseFactory(world=world, accepted=True), "M1")
    first = item_extension_request(
        item=item, actor=world.reviewer1, working_days=10, reason="需组织专家论证"
    )
    approver = client_for(world.approver1)
    base = f"/api/v1/items/{item.public_id}/extensions/"

    # when the approver refuses it without a reason, then with one
    bare = approver.post(f"{base}{first.public_id}/reject/", {}, format="json")
    refused = approver.post(
        f"{base}{first.public_id}/reject/", {"reason": "理由不充分"}, format="json"
    )
    # and the reviewer asks again and the approver grants it
    second = client_for(world.reviewer1).post(
        f"/api/v1/items/{item.public_id}/extend/", {"working_days": 5, "reason": "补充论证"},
        format="json",
    )  # fmt: skip
    granted = approver.post(
        f"{base}{second.json()['id']}/approve/", {"reason": "同意延期"}, format="json"
    )

    # then the refusal needed its reason, and only the granted days count
    assert bare.status_code == 400
    assert bare.json()["code"] == "reason_required"
    assert refused.status_code == 200
    assert refused.json()["state"] == "rejected"
    assert refused.json()["decision_reason"] == "理由不充分"
    assert second.status_code == 201
    assert granted.status_code == 200
    assert granted.json()["extension_days"] == 5
    listed = client_for(world.reviewer1).get(base).json()
    assert [e["state"] for e in listed] == ["rejected", "approved"]
    assert [e["decision_reason"] for e in listed] == ["理由不充分", "同意延期"]


@pytest.mark.django_db
def test_a_reviewer_may_not_decide_an_extension(world):
    item = item_of(CaseFactory(world=world, accepted=True), "M1")
    extension = item_extension_request(item=item, actor=world.reviewer1, working_days=3, reason="x")

    response = client_for(world.reviewer1).post(
        f"/api/v1/items/{item.public_id}/extensions/{extension.public_id}/reject/",
        {"reason": "不要"},
        format="json",
    )

    assert response.status_code == 403
    extension.refresh_from_db()
    assert extension.rejected_at is None


@pytest.mark.django_db
def test_an_extension_of_another_item_is_not_found(world):
    case = CaseFactory(world=world, accepted=True)
    other = item_extension_request(
        item=item_of(case, "M2"), actor=world.reviewer2, working_days=3, reason="x"
    )

    response = client_for(world.approver1).post(
        f"/api/v1/items/{item_of(case, 'M1').public_id}/extensions/{other.public_id}/approve/",
        {},
        format="json",
    )

    assert response.status_code == 404
    assert response.json()["code"] == "extension_not_found"


@pytest.mark.django_db
def test_the_consent_letter_is_issued_where_the_matter_allows_it(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True, with_optional=True)
    approver = client_for(world.approver3)

    issued = approver.post(
        f"/api/v1/items/{item_of(case, 'M3').public_id}/consent-letter/",
        {"conditions": "按审定方案施工"},
        format="json",
    )
    refused = client_for(world.approver1).post(
        f"/api/v1/items/{item_of(case, 'M1').public_id}/consent-letter/", {}, format="json"
    )

    assert issued.status_code == 201
    assert issued.json()["kind"] == "consent_letter"
    assert refused.status_code == 409
    assert refused.json()["code"] == "consent_letter_not_allowed"


@pytest.mark.django_db
def test_a_client_that_accepts_only_the_file_type_gets_the_file(world):
    case = CaseFactory(world=world, accepted=True)
    row = _material(case, "m-form")

    response = client_for(world.clerk).get(_file_url(case, row), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
