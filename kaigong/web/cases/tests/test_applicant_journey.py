"""
The applicant's journey through pages: apply from the project → the form pre-filled →
materials uploaded one by one → the check page → refused while a material is missing →
submitted → the confirmation; and no page of it shows a raw status code or field key.
"""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from kaigong.cases.models import Case
from kaigong.cases.tests.factories import PDF, CaseFactory, lifecycle_world
from kaigong.web.cases.tests.clients import client_for


@pytest.fixture
def world(monday):
    return lifecycle_world()


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _start(world, client) -> Case:
    client.post(
        "/cases/new/",
        {"project": str(world.project.public_id), "bundle": world.bundle.code, "matters": ["M3"]},
    )
    return Case.objects.filter(project=world.project).latest("created_at")


@pytest.mark.django_db
def test_apply_starts_from_the_project_with_its_bundle_and_the_guides_matters_ticked(world):
    # given the applicant on the project page
    client = client_for(world.applicant)
    project_page = client.get(f"/projects/{world.project.public_id}/").content.decode()

    # when it follows the apply link
    start = client.get(f"/cases/new/?project={world.project.public_id}")

    # then the page offers the project's bundle with its applying matters already ticked
    assert f"/cases/new/?project={world.project.public_id}" in project_page
    assert start.status_code == 200
    form = start.context["form"]
    assert [code for code, _label in form.fields["bundle"].choices] == [world.bundle.code]
    assert set(form.initial["matters"]) >= {"M1", "M2"}


@pytest.mark.django_db
def test_apply_for_a_project_of_another_enterprise_is_not_found(world):
    response = client_for(world.users["stranger"]).get(
        f"/cases/new/?project={world.project.public_id}"
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_merged_form_is_prefilled_from_the_project_and_the_enterprise(world):
    # given an enterprise with a contact phone and a fresh draft
    world.enterprise.contact_phone = "0539-1234567"
    world.enterprise.save()
    client = client_for(world.applicant)
    case = _start(world, client)

    # when the form opens
    page = client.get(f"/cases/{case.public_id}/form/")

    # then the project's name and the enterprise's landline are filled in, nothing says None
    html = page.content.decode()
    assert 'value="开工测试项目"' in html
    assert 'value="0539-1234567"' in html
    assert "None" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "phone", ["13800138000", "0539-1234567", "0536-12345678", "010-87654321-801"]
)
def test_the_form_accepts_mobiles_and_landlines(world, phone):
    case = CaseFactory(world=world)

    response = client_for(world.applicant).post(
        f"/cases/{case.public_id}/form/", {"project_name": "开工测试项目", "contact_phone": phone}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.form_data["contact_phone"] == phone


@pytest.mark.django_db
def test_a_wrong_phone_is_told_in_a_plain_sentence_with_the_fields_label(world):
    case = CaseFactory(world=world)

    response = client_for(world.applicant).post(
        f"/cases/{case.public_id}/form/", {"project_name": "开工测试项目", "contact_phone": "12ab"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "0539-1234567" in response.context["form"].errors["contact_phone"][0]
    assert "^1[3-9]" not in html
    assert 'href="#field-contact_phone"' in html  # the error summary links to the field


@pytest.mark.django_db
def test_uploading_one_material_answers_json_for_the_progress_script(world):
    case = CaseFactory(world=world)

    response = client_for(world.applicant).post(
        f"/cases/{case.public_id}/materials/m-form/",
        {"file": _pdf("申请表.pdf")},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert case.materials.filter(is_current=True, material__code="m-form").exists()


@pytest.mark.django_db
def test_the_submit_page_refuses_while_a_material_is_missing_and_lists_it_with_a_link(world):
    # given a draft with every material but the licence (not deferrable, no held certificate)
    client = client_for(world.applicant)
    case = CaseFactory(world=world)
    for code in ("m-form", "m-drawings", "m-contract"):
        client.post(f"/cases/{case.public_id}/materials/{code}/", {"file": _pdf("扫描件.pdf")})

    # when the applicant submits from the check page
    check = client.get(f"/cases/{case.public_id}/check/")
    refused = client.post(f"/cases/{case.public_id}/submit/", {"idempotency_key": "j-1"})

    # then it is refused, the licence is named and linked, and the case is still a draft
    assert check.status_code == 200
    assert refused.status_code == 409
    html = refused.content.decode()
    assert f'href="/cases/{case.public_id}/materials/#m-m-licence"' in html
    assert "请上传" in html
    case.refresh_from_db()
    assert case.status == "draft"


@pytest.mark.django_db
def test_the_whole_journey_shows_no_raw_code_or_key(world):
    # given the applicant going from the project to the confirmation
    client = client_for(world.applicant)
    pages = [
        client.get(f"/projects/{world.project.public_id}/"),
        client.get(f"/cases/new/?project={world.project.public_id}"),
    ]
    case = _start(world, client)
    pages.append(client.get(f"/cases/{case.public_id}/form/"))
    client.post(
        f"/cases/{case.public_id}/form/",
        {"project_name": "开工测试项目", "contact_phone": "0539-1234567", "floor_area": "1200.5"},
    )
    pages.append(client.get(f"/cases/{case.public_id}/materials/"))
    for code in ("m-form", "m-licence", "m-drawings"):
        client.post(f"/cases/{case.public_id}/materials/{code}/", {"file": _pdf("扫描件.pdf")})
    pages.append(client.get(f"/cases/{case.public_id}/check/"))

    # when it submits (m-contract may follow under 容缺), reads the confirmation and the case
    submitted = client.post(f"/cases/{case.public_id}/submit/", {"idempotency_key": "j-2"})
    pages += [
        client.get(submitted["Location"]),
        client.get(f"/cases/{case.public_id}/"),
        client.get(f"/cases/{case.public_id}/materials/"),
    ]

    # then it went through, and no page shows a status code, an action, a field key or a list
    assert submitted.status_code == 302
    assert submitted["Location"] == f"/cases/{case.public_id}/submitted/"
    assert all(page.status_code == 200 for page in pages)
    raw = re.compile(
        r">[^<]*\b(draft|submitted|correction_requested|edit|submit|project_name|contact_phone"
        r"|floor_area|builder_uscc|m-licence|material_uploaded|case_transition|None)\b[^<]*<"
    )
    for page in pages:
        text = page.content.decode()
        visible = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", text, flags=re.S)
        assert raw.search(visible) is None, (page.request["PATH_INFO"], raw.search(visible))
        assert "→" not in re.sub(r"<[^>]+>", "", visible).replace("下一步", "")
        assert "['" not in visible


@pytest.mark.django_db
def test_the_confirmation_names_the_number_and_the_window_due_date(world):
    case = CaseFactory(world=world, submitted=True)

    page = client_for(world.applicant).get(f"/cases/{case.public_id}/submitted/")

    html = page.content.decode()
    assert case.number in html
    # received Monday 2 March 2026: the window answers within 5 working days
    assert "2026-03-09" in html


@pytest.mark.django_db
def test_after_submission_the_materials_page_offers_no_upload(world):
    case = CaseFactory(world=world, submitted=True)

    page = client_for(world.applicant).get(f"/cases/{case.public_id}/materials/")

    assert page.status_code == 200
    assert 'type="file"' not in page.content.decode()


@pytest.mark.django_db
def test_the_history_reads_as_plain_events(world):
    case = CaseFactory(world=world, submitted=True)

    page = client_for(world.applicant).get(f"/cases/{case.public_id}/")

    texts = [row["text"] for row in page.context["history"]]
    assert any(str(t).startswith("上传材料：") for t in texts)
    assert "保存申请表" in [str(t) for t in texts]
    assert any("由“草稿”变为“已提交”" in str(t) for t in texts)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tail", ["check/", "submitted/", "materials/m-form/", "materials/m-licence/reuse/"]
)
@pytest.mark.parametrize("user", ["stranger", "clerk", "reviewer1"])
def test_the_new_pages_of_a_draft_are_not_found_for_others(world, tail, user):
    case = CaseFactory(world=world)
    client = client_for(world.users[user])

    response = (
        client.post(f"/cases/{case.public_id}/{tail}", {"file": _pdf("扫描件.pdf")})
        if tail.startswith("materials/")
        else client.get(f"/cases/{case.public_id}/{tail}")
    )

    assert response.status_code == 404
    assert not case.materials.exists()


@pytest.mark.django_db
def test_a_clerk_who_sees_a_submitted_case_cannot_upload_to_it(world):
    case = CaseFactory(world=world, submitted=True)
    before = case.materials.count()

    response = client_for(world.clerk).post(
        f"/cases/{case.public_id}/materials/m-form/",
        {"file": _pdf("扫描件.pdf")},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 403
    assert case.materials.count() == before
