"""Cases endpoints over HTTP: what success does, bad input (400) and conflicts (409)."""

from __future__ import annotations

import pytest

from kaigong.cases.models import Case, CaseEvent
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, upload_all, valid_form

from .conftest import client_for, pdf_upload


def url(case: Case, tail: str = "") -> str:
    return f"/api/v1/cases/{case.public_id}/{tail}"


@pytest.fixture
def world(monday):
    return lifecycle_world()


@pytest.mark.django_db
def test_create_opens_a_draft_with_mandatory_and_chosen_matters(world):
    response = client_for(world.applicant).post(
        "/api/v1/cases/",
        {"project": str(world.project.public_id), "bundle": "kg-bundle", "matters": ["M3"]},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["matters"] == ["M1", "M2", "M3"]
    assert body["actions"] == ["edit", "submit", "withdraw"]


@pytest.mark.django_db
def test_create_replays_the_same_key_and_refuses_it_with_another_body(world):
    client = client_for(world.applicant)
    body = {"project": str(world.project.public_id), "bundle": "kg-bundle", "matters": []}

    first = client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    again = client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    other = client.post(
        "/api/v1/cases/", {**body, "matters": ["M3"]}, format="json", HTTP_IDEMPOTENCY_KEY="c-1"
    )

    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert Case.objects.filter(project=world.project).count() == 1
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_create_refuses_a_matter_outside_the_bundle(world):
    response = client_for(world.applicant).post(
        "/api/v1/cases/",
        {"project": str(world.project.public_id), "bundle": "kg-bundle", "matters": ["X9"]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "matter_not_in_bundle"


@pytest.mark.django_db
def test_form_is_the_merged_json_schema_with_each_key_once(world):
    case = CaseFactory(world=world)

    body = client_for(world.applicant).get(url(case, "form/")).json()

    schema = body["schema"]
    assert list(schema["properties"]) == [
        "project_name",
        "floor_area",
        "contact_phone",
        "builder_uscc",
    ]
    assert schema["required"] == ["project_name", "contact_phone"]
    assert schema["properties"]["project_name"]["x-matters"] == ["M1", "M2"]
    assert {m["code"] for m in body["materials"]} == {
        "m-form",
        "m-licence",
        "m-drawings",
        "m-contract",
    }


@pytest.mark.django_db
def test_form_data_lists_every_problem_and_saves_nothing(world):
    case = CaseFactory(world=world)
    bad = {"floor_area": -1, "contact_phone": "123", "unknown": 1}

    response = client_for(world.applicant).put(
        url(case, "form-data/"), {"data": bad}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "form_invalid"
    names = {p["name"] for p in response.json()["invalid_params"]}
    assert {"floor_area", "contact_phone"} <= names
    case.refresh_from_db()
    assert case.form_data == valid_form()


@pytest.mark.django_db
def test_form_data_saves_a_valid_form(world):
    case = CaseFactory(world=world)
    data = valid_form(contact_phone="13900139000")

    response = client_for(world.applicant).put(
        url(case, "form-data/"), {"data": data}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["form_data"]["contact_phone"] == "13900139000"


@pytest.mark.django_db
def test_materials_records_hashes_and_refuses_a_file_of_the_wrong_kind(world):
    case = CaseFactory(world=world)
    client = client_for(world.applicant)

    ok = client.post(url(case, "materials/"), {"material": "m-form", "file": pdf_upload()})
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    from django.core.files.uploadedfile import SimpleUploadedFile

    wrong = client.post(
        url(case, "materials/"),
        {"material": "m-form", "file": SimpleUploadedFile("a.pdf", png)},
    )

    assert ok.status_code == 201
    assert ok.json()["content_type"] == "application/pdf"
    assert len(ok.json()["sm3"]) == 64
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "file_type_not_allowed"


@pytest.mark.django_db
def test_materials_needs_a_file_or_a_certificate(world):
    case = CaseFactory(world=world)

    response = client_for(world.applicant).post(url(case, "materials/"), {"material": "m-form"})

    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "file"


@pytest.mark.django_db
def test_submit_is_idempotent_and_refuses_the_key_with_another_body(world):
    # given a complete draft
    case = CaseFactory(world=world)
    upload_all(case, world.applicant)
    client = client_for(world.applicant)

    # when it is submitted twice with one key, then with another body
    first = client.post(url(case, "submit/"), {}, format="json", HTTP_IDEMPOTENCY_KEY="s-1")
    replay = client.post(url(case, "submit/"), {}, format="json", HTTP_IDEMPOTENCY_KEY="s-1")
    other = client.post(url(case, "submit/"), {"x": 1}, format="json", HTTP_IDEMPOTENCY_KEY="s-1")

    # then the replay gives the first result and only one submission happened
    assert first.status_code == replay.status_code == 200
    assert replay.json()["number"] == first.json()["number"] != ""
    submits = CaseEvent.objects.filter(case=case, data__action="submit").count()
    assert submits == 1
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_submit_without_a_key_twice_is_a_conflict(world):
    case = CaseFactory(world=world)
    upload_all(case, world.applicant)
    client = client_for(world.applicant)

    client.post(url(case, "submit/"), {}, format="json")
    second = client.post(url(case, "submit/"), {}, format="json")

    assert second.status_code == 409
    assert second.json()["code"] == "transition_not_allowed"


@pytest.mark.django_db
def test_submit_refuses_an_incomplete_form(world):
    case = CaseFactory(world=world)
    client_for(world.applicant).put(url(case, "form-data/"), {"data": {}}, format="json")

    response = client_for(world.applicant).post(url(case, "submit/"), {}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "form_invalid"


@pytest.mark.django_db
def test_accept_starts_every_item_with_due_dates(world):
    case = CaseFactory(world=world, submitted=True)

    response = client_for(world.clerk).post(url(case, "accept/"), {}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "accepted"
    assert [i["status"] for i in body["items"]] == ["in_review", "in_review"]
    assert all(i["promised_due_on"] == "2026-03-09" for i in body["items"])


@pytest.mark.django_db
@pytest.mark.parametrize("dependency", [None, "requires_result"])
def test_the_accept_answer_is_the_case_as_read_after_it(monday, dependency):
    # given a submitted case of three matters (M2 waiting for M1's result, in one world)
    world = lifecycle_world(dependency=dependency)
    case = CaseFactory(world=world, submitted=True, with_optional=True)
    clerk = client_for(world.clerk)

    # when the clerk accepts it (the answer's matters are the rows the acceptance read)
    accepted = clerk.post(url(case, "accept/"), {}, format="json")

    # then it is exactly what the case reads as afterwards: its matters, items and dates
    assert accepted.status_code == 200
    body = accepted.json()
    assert body == clerk.get(url(case)).json()
    assert body["matters"] == ["M1", "M2", "M3"]
    assert [i["matter_code"] for i in body["items"]] == ["M1", "M2", "M3"]
    expected = ["in_review", "waiting", "in_review"] if dependency else ["in_review"] * 3
    assert [i["status"] for i in body["items"]] == expected


@pytest.mark.django_db
def test_accept_with_a_deferral_commitment_when_a_deferrable_material_is_missing(world):
    # given a submitted case without the drawings (deferrable)
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-drawings",))
    client_for(world.applicant).post(url(case, "submit/"), {}, format="json")
    clerk = client_for(world.clerk)

    # when the clerk accepts without, then with a signed commitment
    plain = clerk.post(url(case, "accept/"), {}, format="json")
    deferred = clerk.post(
        url(case, "accept/"),
        {
            "deferral": {
                "text": "承诺三日内补交设计图纸",
                "signer_name": "张三",
                "materials": ["m-drawings"],
                "due_on": "2026-03-05",
            }
        },
        format="json",
    )

    # then only the commitment lets it in
    assert plain.status_code == 409
    assert plain.json()["code"] == "materials_incomplete"
    assert deferred.status_code == 200
    assert case.commitments.get().kind == "deferral"


@pytest.mark.django_db
def test_accept_with_an_undertaking_replacing_a_proof(world):
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-contract",))
    client_for(world.applicant).post(url(case, "submit/"), {}, format="json")

    response = client_for(world.clerk).post(
        url(case, "accept/"),
        {
            "undertaking": {
                "text": "本单位承诺已签订施工合同，内容真实。",
                "signer_name": "张三",
                "materials": ["m-contract"],
                "verification_due_on": "2026-04-01",
            }
        },
        format="json",
    )

    assert response.status_code == 200
    assert case.commitments.get().kind == "undertaking"


@pytest.mark.django_db
def test_accept_refuses_a_deferral_of_a_material_that_may_not_be_deferred(world):
    # given a submitted case whose application form (not deferrable) is no longer current
    case = CaseFactory(world=world)
    upload_all(case, world.applicant)
    client_for(world.applicant).post(url(case, "submit/"), {}, format="json")
    case.materials.filter(material__code="m-form").update(is_current=False)

    response = client_for(world.clerk).post(
        url(case, "accept/"),
        {"deferral": {"text": "承诺", "signer_name": "张三", "materials": ["m-form"],
                      "due_on": "2026-03-05"}},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json()["code"] == "material_not_deferrable"


@pytest.mark.django_db
def test_refuse_needs_a_legal_basis_and_records_the_refusal(world):
    case = CaseFactory(world=world, submitted=True)
    clerk = client_for(world.clerk)

    missing = clerk.post(
        url(case, "refuse/"), {"reason": "不符合", "legal_basis": ""}, format="json"
    )
    done = clerk.post(
        url(case, "refuse/"),
        {"reason": "不属于受理范围", "legal_basis": "《行政许可法》第三十二条"},
        format="json",
    )

    assert missing.status_code == 400
    assert missing.json()["code"] == "legal_basis_required"
    assert done.status_code == 200
    assert done.json()["status"] == "refused"
    assert case.denials.get().applicant_rights != ""


@pytest.mark.django_db
def test_request_correction_lists_everything_once_and_refuses_an_empty_notice(world):
    case = CaseFactory(world=world, submitted=True)
    clerk = client_for(world.clerk)

    empty = clerk.post(url(case, "request-correction/"), {"items": []}, format="json")
    notice = clerk.post(
        url(case, "request-correction/"),
        {
            "items": [
                {"kind": "material", "code": "m-drawings", "problem": "defective"},
                {"kind": "field", "code": "contact_phone", "problem": "missing"},
            ],
            "note": "请一次补齐",
        },
        format="json",
    )

    assert empty.status_code == 400
    assert empty.json()["code"] == "correction_empty"
    assert notice.status_code == 200
    assert [i["code"] for i in notice.json()["items"]] == ["m-drawings", "contact_phone"]


@pytest.mark.django_db
def test_resubmit_returns_the_case_to_the_queue(world):
    case = CaseFactory(world=world, correction_requested=True)

    response = client_for(world.applicant).post(url(case, "resubmit/"))

    assert response.status_code == 200
    assert response.json()["status"] == "submitted"


@pytest.mark.django_db
def test_withdraw_closes_the_case(world):
    case = CaseFactory(world=world, submitted=True)

    # withdrawal is the enterprise's own: its helper is refused even under a mandate
    refused = client_for(world.helper).post(url(case, "withdraw/"), {}, format="json")
    response = client_for(world.applicant).post(
        url(case, "withdraw/"), {"reason": "项目调整"}, format="json"
    )

    assert refused.status_code == 403
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


@pytest.mark.django_db
def test_events_are_the_chained_history_in_order(world):
    case = CaseFactory(world=world, accepted=True)

    body = client_for(world.supervisor).get(url(case, "events/")).json()

    events = body["results"]
    assert [e["seq"] for e in events] == list(range(1, body["count"] + 1))
    assert events[0]["prev_hash"] == "0" * 64
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(events, events[1:], strict=False))


@pytest.mark.django_db
def test_queue_is_in_arrival_order(world, monday):
    first = CaseFactory(world=world, submitted=True)
    monday.shift(60)
    second = CaseFactory(world=world, submitted=True)

    body = client_for(world.clerk).get("/api/v1/cases/queue/").json()

    assert [c["id"] for c in body["results"]] == [str(first.public_id), str(second.public_id)]


@pytest.mark.django_db
def test_state_fields_cannot_be_written_with_put_or_patch(world):
    case = CaseFactory(world=world)
    client = client_for(world.applicant)

    put = client.put(url(case), {"status": "accepted"}, format="json")
    patch = client.patch(url(case), {"status": "accepted"}, format="json")

    assert put.status_code == patch.status_code == 405
    case.refresh_from_db()
    assert case.status == "draft"


# Every command in a state that does not allow it: 409 with a stable code.
CONFLICTS = [
    ("form-data/", "put", "submitted", {"data": {}}, "transition_not_allowed"),
    ("submit/", "post", "submitted", {}, "transition_not_allowed"),
    ("accept/", "post", "accepted", {}, "transition_not_allowed"),
    ("refuse/", "post", "accepted", {"reason": "x", "legal_basis": "y"}, "transition_not_allowed"),
    (
        "request-correction/",
        "post",
        "accepted",
        {"items": [{"kind": "material", "code": "m-form"}]},
        "transition_not_allowed",
    ),
    ("resubmit/", "post", "submitted", {}, "transition_not_allowed"),
    ("withdraw/", "post", "issued", {}, "transition_not_allowed"),
]
ACTOR = {
    "form-data/": "applicant",
    "submit/": "applicant",
    "accept/": "clerk",
    "refuse/": "clerk",
    "request-correction/": "clerk",
    "resubmit/": "applicant",
    "withdraw/": "applicant",
}


@pytest.mark.django_db
@pytest.mark.parametrize(("tail", "method", "state", "body", "code"), CONFLICTS)
def test_a_command_in_the_wrong_state_is_a_conflict(world, tail, method, state, body, code):
    case = CaseFactory(world=world, **{state: True})
    client = client_for(world.users[ACTOR[tail]])

    response = getattr(client, method)(url(case, tail), body, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == code


@pytest.mark.django_db
def test_materials_after_acceptance_without_a_deferral_is_a_conflict(world):
    case = CaseFactory(world=world, accepted=True)

    response = client_for(world.applicant).post(
        url(case, "materials/"), {"material": "m-form", "file": pdf_upload()}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
