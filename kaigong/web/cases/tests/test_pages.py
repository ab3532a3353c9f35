"""The application pages: who may open what (404 when not visible), and each form's effect."""

from __future__ import annotations

from django.test import Client

import pytest

from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world, upload_all
from kaigong.web.cases import staff
from kaigong.web.cases.tests.clients import client_for


@pytest.fixture
def world(monday):
    return lifecycle_world()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(world):
    case = CaseFactory(world=world)

    response = Client().get(f"/cases/{case.public_id}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("applicant", 200),
        ("helper", 200),
        ("stranger", 404),
        ("clerk", 404),
        ("reviewer1", 404),
        ("supervisor", 404),
    ],
)
def test_a_draft_page_is_seen_only_by_its_applicant_side(world, user, status):
    case = CaseFactory(world=world)

    response = client_for(world.users[user]).get(f"/cases/{case.public_id}/")

    assert response.status_code == status


@pytest.mark.django_db
def test_the_wizard_opens_a_draft_and_saves_the_merged_form(world):
    client = client_for(world.applicant)

    start = client.post(
        "/cases/new/",
        {"project": str(world.project.public_id), "bundle": "kg-bundle", "matters": ["M3"]},
    )
    form_url = start["Location"]
    saved = client.post(form_url, {"project_name": "开工测试项目", "contact_phone": "13800138000"})

    assert start.status_code == 302
    assert saved.status_code == 302
    assert saved["Location"].endswith("/materials/")


@pytest.mark.django_db
def test_the_merged_form_shows_the_services_errors_on_the_fields(world):
    case = CaseFactory(world=world)

    response = client_for(world.applicant).post(
        f"/cases/{case.public_id}/form/", {"project_name": "x", "contact_phone": "123"}
    )

    assert response.status_code == 200
    assert "contact_phone" in response.context["form"].errors


@pytest.mark.django_db
def test_uploading_and_submitting_from_the_materials_page(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kaigong.cases.tests.factories import PDF

    case = CaseFactory(world=world)
    client = client_for(world.applicant)
    files = {
        f"file-{code}": SimpleUploadedFile(f"{code}.pdf", PDF)
        for code in ("m-form", "m-licence", "m-drawings", "m-contract")
    }

    uploaded = client.post(f"/cases/{case.public_id}/materials/", files)
    submitted = client.post(f"/cases/{case.public_id}/submit/", {"idempotency_key": "w-1"})

    assert uploaded.status_code == 302
    assert submitted.status_code == 302
    case.refresh_from_db()
    assert case.status == "submitted"


@pytest.mark.django_db
def test_the_window_queue_lists_submissions_and_the_clerk_accepts(world):
    case = CaseFactory(world=world, submitted=True)
    clerk = client_for(world.clerk)

    queue = clerk.get("/window/")
    accepted = clerk.post(f"/window/{case.public_id}/", {"action": "accept"})

    assert case.number in queue.content.decode()
    assert accepted.status_code == 302
    case.refresh_from_db()
    assert case.status == "accepted"


@pytest.mark.django_db
def test_the_clerk_accepts_on_a_deferral_commitment(world):
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-drawings",))
    client_for(world.applicant).post(f"/cases/{case.public_id}/submit/")

    response = client_for(world.clerk).post(
        f"/window/{case.public_id}/",
        {
            "action": "commitment",
            "commitment-kind": "deferral",
            "commitment-materials": ["m-drawings"],
            "commitment-text": "承诺三日内补交设计图纸",
            "commitment-signer_name": "张三",
            "commitment-due_on": "2026-03-05",
        },
    )

    assert response.status_code == 302
    assert case.commitments.get().material_codes == ["m-drawings"]


@pytest.mark.django_db
def test_a_refusal_without_legal_basis_stays_on_the_page_with_the_error(world):
    case = CaseFactory(world=world, submitted=True)

    response = client_for(world.clerk).post(
        f"/window/{case.public_id}/",
        {"action": "refuse", "refuse-reason": "不符合", "refuse-legal_basis": ""},
    )

    assert response.status_code == 200
    assert "legal_basis" in response.context["forms"]["refuse"].errors
    case.refresh_from_db()
    assert case.status == "submitted"


@pytest.mark.django_db
def test_one_correction_notice_lists_every_ticked_entry(world):
    case = CaseFactory(world=world, submitted=True)

    response = client_for(world.clerk).post(
        f"/window/{case.public_id}/",
        {
            "action": "correction",
            "correction-material__m-drawings": "defective",
            "correction-field__contact_phone": "missing",
        },
    )

    assert response.status_code == 302
    assert [i["code"] for i in case.corrections.get().items] == ["m-drawings", "contact_phone"]


@pytest.mark.django_db
def test_the_workbench_shows_the_departments_items_with_colours(world, monday):
    CaseFactory(world=world, accepted=True)
    monday.shift(7 * 24 * 3600)  # due today: yellow

    response = client_for(world.reviewer1).get("/workbench/")

    items = list(response.context["items"])
    assert [i.warning for i in items] == ["yellow"]
    htmx = client_for(world.reviewer1).get("/workbench/?warning=red", HTTP_HX_REQUEST="true")
    assert list(htmx.context["items"]) == []


@pytest.mark.django_db
def test_the_workbench_pages_through_every_item_with_a_count(world, monday, monkeypatch):
    # given three accepted cases (three items for reviewer 1) and pages of two
    for _ in range(3):
        CaseFactory(world=world, accepted=True)
        monday.shift(24 * 3600)
    monkeypatch.setattr(staff, "WORKBENCH_PAGE_SIZE", 2)
    reviewer = client_for(world.reviewer1)

    # when the reviewer follows the next-page link
    first = reviewer.get("/workbench/")
    html = first.content.decode()
    assert "共 3 项" in html and "下一页" in html and "上一页" not in html
    cursor = first.context["page"].next_cursor
    second = reviewer.get(f"/workbench/?cursor={cursor}")

    # then the second page holds the third item, with a link back
    shown = [i.public_id for i in first.context["items"]] + [
        i.public_id for i in second.context["items"]
    ]
    assert len(shown) == len(set(shown)) == 3
    assert "上一页" in second.content.decode() and "下一页" not in second.content.decode()
    # and an altered link starts again from the first page with a message, not an error
    altered = reviewer.get("/workbench/?cursor=forged")
    assert altered.status_code == 200
    assert "该分页链接已失效" in altered.content.decode()


@pytest.mark.django_db
def test_reviewer_then_approver_decide_on_the_item_page(world):
    case = CaseFactory(world=world, accepted=True)
    item = item_of(case, "M1")
    page = f"/workbench/items/{item.public_id}/"

    opinion = client_for(world.reviewer1).post(
        page, {"action": "opinion", "opinion-recommendation": "approve", "opinion-text": "同意"}
    )
    decided = client_for(world.approver1).post(
        page, {"action": "decide", "decide-decision": "approve"}
    )

    assert opinion.status_code == decided.status_code == 302
    item.refresh_from_db()
    assert item.status == "approved"


@pytest.mark.django_db
def test_the_item_page_of_another_department_is_not_found(world):
    item = item_of(CaseFactory(world=world, accepted=True), "M1")

    response = client_for(world.reviewer2).get(f"/workbench/items/{item.public_id}/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_a_denial_without_rights_shows_the_error_and_changes_nothing(world):
    item = item_of(CaseFactory(world=world, proposed=True), "M1")

    response = client_for(world.approver1).post(
        f"/workbench/items/{item.public_id}/",
        {"action": "decide", "decide-decision": "deny", "decide-reason": "不符合"},
    )

    assert response.status_code == 200
    assert "applicant_rights" in response.context["forms"]["decide"].errors
    item.refresh_from_db()
    assert item.status == "proposed"


@pytest.mark.django_db
def test_pause_and_resume_from_the_item_page(world, monday):
    # given an item accepted on Monday, due the next Monday
    item = item_of(CaseFactory(world=world, accepted=True), "M1")
    page = f"/workbench/items/{item.public_id}/"

    # when the reviewer pauses it on Tuesday and resumes it on Wednesday (a fresh login
    # each day: sessions time out)
    monday.shift(24 * 3600)
    paused = client_for(world.reviewer1).post(
        page,
        {"action": "pause", "pause-kind": "special_procedure", "pause-reason": "检测",
         "pause-evidence": "检测委托书", "pause-planned_working_days": "5"},
    )  # fmt: skip
    monday.shift(24 * 3600)
    resumed = client_for(world.reviewer1).post(page, {"action": "resume"})

    # then Tuesday does not count: due one working day later
    assert paused["Location"] == resumed["Location"] == page
    item.refresh_from_db()
    assert item.status == "in_review"
    assert str(item.promised_due_on) == "2026-03-10"


@pytest.mark.django_db
def test_the_case_page_explains_each_due_date_day_by_day(world):
    case = CaseFactory(world=world, accepted=True)

    response = client_for(world.applicant).get(f"/cases/{case.public_id}/")

    row = response.context["items"][0]
    assert str(row["clock"].promised.due_on) == "2026-03-09"
    assert len(row["clock"].promised.counted) == 5


@pytest.mark.django_db
def test_the_case_page_shows_the_plan_kept_at_acceptance(world):
    # given an accepted case
    case = CaseFactory(world=world, accepted=True)

    # when the applicant opens the case page
    content = client_for(world.applicant).get(f"/cases/{case.public_id}/").content.decode()

    # then the planned dates of each matter and the planned total are shown, from the data
    case.refresh_from_db()
    plan = case.plan_snapshot
    assert f"{plan['total_days']} 个工作日" in content
    for planned in plan["matters"].values():
        assert f"{planned['start_on']} → {planned['end_on']}" in content
