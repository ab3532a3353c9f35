"""
PUT …/form-data/: JSON only, and a version precondition (If-Match → 412, ``version`` →
409) so two clients editing one draft never overwrite each other silently. Also: a draft
can be withdrawn (it used to fail a check constraint: a 500).
"""

from __future__ import annotations

import pytest

from kaigong.cases.models import Case
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, mandate_for, valid_form

from .conftest import client_for

PROBLEM = "application/problem+json"


def url(case: Case, tail: str = "") -> str:
    return f"/api/v1/cases/{case.public_id}/{tail}"


@pytest.fixture
def world(monday):
    return lifecycle_world()


@pytest.fixture
def draft(world):
    return CaseFactory(world=world)


@pytest.mark.django_db
def test_a_multipart_put_is_415_and_leaves_the_form_unchanged(world, draft):
    # given a draft whose form has data
    before = Case.objects.get(pk=draft.pk).form_data
    assert before
    # when the form is sent as multipart
    response = client_for(world.applicant).put(
        url(draft, "form-data/"), {"data": "x"}, format="multipart"
    )
    # then 415 problem and nothing changes
    assert response.status_code == 415
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "unsupported_media_type"
    stored = Case.objects.get(pk=draft.pk)
    assert stored.form_data == before
    assert stored.version == draft.version


@pytest.mark.django_db
def test_the_case_and_its_form_answer_the_etag_of_the_version(world, draft):
    client = client_for(world.applicant)

    case_response = client.get(url(draft))
    form_response = client.get(url(draft, "form/"))

    version = Case.objects.get(pk=draft.pk).version
    assert case_response["ETag"] == form_response["ETag"] == f'"v{version}"'
    assert form_response.json()["version"] == version


@pytest.mark.django_db
def test_a_matching_if_match_saves_and_answers_the_new_etag(world, draft):
    client = client_for(world.applicant)
    etag = client.get(url(draft, "form/"))["ETag"]

    response = client.put(
        url(draft, "form-data/"),
        {"data": valid_form(floor_area=7)},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200, response.json()
    stored = Case.objects.get(pk=draft.pk)
    assert stored.form_data["floor_area"] == 7
    assert response["ETag"] == f'"v{stored.version}"' != etag


@pytest.mark.django_db
def test_a_stale_if_match_is_412_and_nothing_is_written(world, draft):
    # given two clients that read the same version of the form
    first, second = client_for(world.applicant), client_for(world.helper)
    etag = first.get(url(draft, "form/"))["ETag"]
    assert second.get(url(draft, "form/"))["ETag"] == etag
    # when the first saves, then the second (the helper, under a mandate) saves with the
    # same (now stale) ETag
    saved = first.put(
        url(draft, "form-data/"),
        {"data": valid_form(floor_area=1)},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    with mandate_for(world.helper):
        stale = second.put(
            url(draft, "form-data/"),
            {"data": valid_form(floor_area=2)},
            format="json",
            HTTP_IF_MATCH=etag,
        )
    # then the second is refused with 412 and the first one's data stays
    assert saved.status_code == 200
    assert stale.status_code == 412
    assert stale["Content-Type"] == PROBLEM
    assert stale.json()["code"] == "precondition_failed"
    stored = Case.objects.get(pk=draft.pk)
    assert stored.form_data["floor_area"] == 1
    assert stored.version == draft.version + 1


@pytest.mark.django_db
def test_an_if_match_of_another_form_is_412(world, draft):
    response = client_for(world.applicant).put(
        url(draft, "form-data/"), {"data": valid_form()}, format="json", HTTP_IF_MATCH='"abc"'
    )

    assert response.status_code == 412


@pytest.mark.django_db
def test_a_stale_version_field_is_409_and_nothing_is_written(world, draft):
    client = client_for(world.applicant)
    version = client.get(url(draft, "form/")).json()["version"]
    assert (
        client.put(
            url(draft, "form-data/"),
            {"data": valid_form(floor_area=1), "version": version},
            format="json",
        ).status_code
        == 200
    )

    stale = client.put(
        url(draft, "form-data/"),
        {"data": valid_form(floor_area=2), "version": version},
        format="json",
    )

    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert Case.objects.get(pk=draft.pk).form_data["floor_area"] == 1


@pytest.mark.django_db
def test_withdrawing_a_draft_over_the_api_is_200(world, draft):
    # given a draft; when the applicant withdraws it
    response = client_for(world.applicant).post(url(draft, "withdraw/"), {}, format="json")
    # then it is withdrawn (not a 500 of the numbering check constraint)
    assert response.status_code == 200, response.content[:300]
    assert response.json()["status"] == "withdrawn"
    assert Case.objects.get(pk=draft.pk).status == "withdrawn"


@pytest.mark.django_db
def test_a_zip_bomb_upload_is_a_400_problem(world, draft):
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    # given a docx whose document expands to 8 MiB of zeros
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "x")
        archive.writestr("word/document.xml", b"\0" * (8 * 1024 * 1024))
    upload = SimpleUploadedFile("申请表.docx", buffer.getvalue())
    # when it is uploaded
    response = client_for(world.applicant).post(
        url(draft, "materials/"), {"material": "m-form", "file": upload}, format="multipart"
    )
    # then a 400 problem with the zip-bomb code
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "file_expands_too_much"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "floor_area", "phone", "unknown"),
    [
        ("zh-hans", "“建筑面积”必须是数字。", "联系电话：", "“colour”不是本表单的字段。"),
        (
            "en",
            "“建筑面积” must be a number.",
            "联系电话: ",
            "“colour” is not a field of this form.",
        ),
    ],
)
def test_invalid_form_data_names_each_field_by_its_label(
    world, draft, language, floor_area, phone, unknown
):
    # given a draft, and form data with a text for a number, a bad phone and an unknown key
    before = Case.objects.get(pk=draft.pk).form_data
    bad = {**valid_form(), "floor_area": "很大", "contact_phone": "12345", "colour": "red"}

    # when the applicant PUTs it
    response = client_for(world.applicant).put(
        url(draft, "form-data/"),
        {"data": bad},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    # then it is an RFC 7807 problem with a stable code and one entry per field, each
    # pointing at the value in the body and naming the field by its label, in that language
    assert response.status_code == 400
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == "form_invalid"
    errors = {e["pointer"]: e for e in body["errors"]}
    assert set(errors) == {"/data/floor_area", "/data/contact_phone", "/data/colour"}
    assert errors["/data/floor_area"]["detail"] == floor_area
    assert errors["/data/floor_area"]["code"] == "type"
    assert errors["/data/contact_phone"]["detail"].startswith(phone.rstrip(": "))
    assert errors["/data/colour"]["detail"] == unknown
    # and no validator's text reaches the client
    text = response.content.decode()
    for raw in ("is not of type", "does not match", "Additional properties", "'number'"):
        assert raw not in text
    assert Case.objects.get(pk=draft.pk).form_data == before
