"""Submission through the API is refused, item by item, while something is missing."""

from __future__ import annotations

import pytest

from kaigong.cases.models import Case
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, upload_all

from .conftest import client_for


@pytest.fixture
def world(monday):
    return lifecycle_world()


@pytest.mark.django_db
def test_submit_with_a_missing_required_material_is_refused_listing_it_in_chinese(world):
    # given a draft whose licence (required, not deferrable) is neither uploaded nor held
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-licence",))

    # when the applicant submits through the API
    response = client_for(world.applicant).post(
        f"/api/v1/cases/{case.public_id}/submit/", {}, format="json"
    )

    # then it is refused with a stable code, naming the licence by its label
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "materials_incomplete"
    assert response["Content-Type"].startswith("application/problem+json")
    missing = {p["name"]: p for p in body["invalid_params"]}
    assert set(missing) == {"materials.m-licence"}
    assert missing["materials.m-licence"]["reason"] == "请上传“营业执照”。"
    assert Case.objects.get(pk=case.pk).status == "draft"


@pytest.mark.django_db
def test_submit_lists_missing_fields_and_materials_together(world):
    # given a draft without its required contact phone and without any material
    case = CaseFactory(world=world)
    Case.objects.filter(pk=case.pk).update(form_data={"project_name": "开工测试项目"})

    response = client_for(world.applicant).post(
        f"/api/v1/cases/{case.public_id}/submit/", {}, format="json"
    )

    # then every missing item is named, the deferrable ones (容缺) are not
    body = response.json()
    names = [p["name"] for p in body["invalid_params"]]
    assert response.status_code == 400
    assert body["code"] == "form_invalid"
    assert "contact_phone" in names
    assert {"materials.m-form", "materials.m-licence"} <= set(names)
    assert "materials.m-drawings" not in names  # may follow under 容缺
    reasons = {p["name"]: p["reason"] for p in body["invalid_params"]}
    assert reasons["contact_phone"] == "请填写“联系电话”。"


@pytest.mark.django_db
def test_a_transition_refusal_names_the_action_and_the_status_by_their_labels(world):
    case = CaseFactory(world=world, submitted=True)

    response = client_for(world.applicant).post(
        f"/api/v1/cases/{case.public_id}/submit/", {}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert "已提交" in response.json()["detail"]
    assert "submitted" not in response.json()["detail"]
