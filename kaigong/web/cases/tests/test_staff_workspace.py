"""
The staff workspace pages: materials opened through the permission check (inline or as a
download, each access audited), the item page that shows the case (form, materials, plan,
every department's opinion), the approver's decisions on extensions and the consent
letter, and the clerk's forms pre-marked with what the system knows.
"""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

import pytest

from kaigong.cases.applicable import case_current_materials
from kaigong.cases.models import Case, SubmittedMaterial
from kaigong.cases.services.clock import item_extension_request
from kaigong.cases.services.intake import case_submit
from kaigong.cases.services.materials import case_material_upload
from kaigong.cases.services.review import item_opinion_submit
from kaigong.cases.tests.factories import PDF, CaseFactory, item_of, lifecycle_world, upload_all
from kaigong.core.models import AuditRecord
from kaigong.web.cases.tests.clients import client_for


@pytest.fixture
def world(monday):
    return lifecycle_world()


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _file_url(row) -> str:
    return f"/cases/{row.case.public_id}/materials/{row.public_id}/file/"


def _row(case, code: str) -> SubmittedMaterial:
    return SubmittedMaterial.objects.select_related("case").get(
        case=case, material__code=code, is_current=True
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["applicant", "clerk", "reviewer1", "approver2", "supervisor"])
def test_a_pdf_opens_inline_for_everyone_allowed_and_each_view_is_audited(world, who):
    # given an accepted case whose application form is a PDF
    case = CaseFactory(world=world, accepted=True)
    row = _row(case, "m-form")

    # when an allowed user opens it twice
    client = client_for(world.users[who])
    first = client.get(_file_url(row))
    client.get(_file_url(row))

    # then the browser shows it itself, sandboxed and never sniffed
    assert first.status_code == 200
    assert b"".join(first.streaming_content) == PDF
    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"].startswith("inline;")
    assert first["X-Content-Type-Options"] == "nosniff"
    assert first["Content-Security-Policy"].startswith("sandbox")
    # and each view is one audit record naming who and which file
    records = AuditRecord.objects.filter(action="material.viewed", object_id=str(row.public_id))
    assert records.count() == 2
    assert {r.actor for r in records} == {world.users[who]}
    assert records[0].data["material"] == "m-form"


@pytest.mark.django_db
def test_other_formats_download_with_a_sanitised_chinese_file_name(world):
    # given a draft whose licence is a Word file with a name full of odd characters
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-licence",))
    from django.core.files.uploadedfile import SimpleUploadedFile

    case_material_upload(
        case=case,
        actor=world.applicant,
        material_code="m-licence",
        file=SimpleUploadedFile("../营业执照<副本>.docx", _docx()),
    )
    case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)

    # when the clerk opens it
    response = client_for(world.clerk).get(_file_url(_row(case, "m-licence")))

    # then it is an attachment, named in RFC 5987 form, no path or markup left in the name
    disposition = response["Content-Disposition"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert disposition.startswith("attachment;")
    assert disposition.endswith("filename*=UTF-8''" + quote("营业执照_副本.docx"))
    assert 'filename="file.docx"' in disposition
    assert AuditRecord.objects.filter(action="material.downloaded").count() == 1


@pytest.mark.django_db
def test_asking_for_a_download_of_a_pdf_gives_an_attachment(world):
    case = CaseFactory(world=world, accepted=True)

    response = client_for(world.clerk).get(_file_url(_row(case, "m-form")) + "?download=1")

    assert response["Content-Disposition"].startswith("attachment;")
    assert AuditRecord.objects.filter(action="material.downloaded").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["reviewer3", "other_clerk", "stranger", "inspector3"])
def test_a_material_is_not_found_for_whoever_may_not_see_it(world, who):
    # given an accepted case (department 3 has no item on it, the other clerk another
    # centre, the stranger another enterprise)
    case = CaseFactory(world=world, accepted=True)

    response = client_for(world.users[who]).get(_file_url(_row(case, "m-form")))

    assert response.status_code == 404
    assert not AuditRecord.objects.filter(action__startswith="material.").exists()


@pytest.mark.django_db
def test_department_staff_do_not_open_materials_their_items_do_not_need(world):
    case = CaseFactory(world=world, accepted=True)

    licence = client_for(world.reviewer2).get(_file_url(_row(case, "m-licence")))
    contract = client_for(world.reviewer2).get(_file_url(_row(case, "m-contract")))

    assert licence.status_code == 404
    assert contract.status_code == 200


@pytest.mark.django_db
def test_a_material_of_another_case_is_not_found_under_this_one(world):
    case = CaseFactory(world=world, accepted=True)
    other = CaseFactory(world=world, accepted=True)
    row = _row(other, "m-form")

    response = client_for(world.clerk).get(
        f"/cases/{case.public_id}/materials/{row.public_id}/file/"
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_window_case_page_lists_every_material_with_its_open_link(world):
    case = CaseFactory(world=world, submitted=True)

    html = client_for(world.clerk).get(f"/window/{case.public_id}/").content.decode()

    for row in case_current_materials(case).values():
        assert _file_url(row) in html
    assert "开工测试项目" in html  # the form value, under its label
    assert "项目名称" in html


@pytest.mark.django_db
def test_the_item_page_shows_form_materials_plan_and_the_other_departments_opinions(world):
    # given an accepted case where department 2 has given its opinion
    case = CaseFactory(world=world, accepted=True)
    item_opinion_submit(
        item=item_of(case, "M2"),
        actor=world.reviewer2,
        text="施工合同齐全，建议批准。",
        recommendation="approve",
    )

    # when department 1's reviewer opens its item
    response = client_for(world.reviewer1).get(f"/workbench/items/{item_of(case, 'M1').public_id}/")
    html = response.content.decode()

    # then the form data is there by label, the materials M1 needs open from the page, the
    # plan kept at acceptance and department 2's status and opinion are shown
    assert "项目名称" in html and "1200.5 m²" in html
    for code in ("m-form", "m-licence", "m-drawings"):
        assert _file_url(_row(case, code)) in html
    assert _file_url(_row(case, "m-contract")) not in html  # M1 does not need it
    assert "受理时计划" in html
    assert "施工合同齐全，建议批准。" in html
    assert world.departments[1].name in html
    assert [row["item"].matter_version.matter.code for row in response.context["departments"]] == [
        "M1",
        "M2",
    ]


@pytest.mark.django_db
def test_the_recommendation_has_no_default_and_must_be_chosen(world):
    item = item_of(CaseFactory(world=world, accepted=True), "M1")
    page = f"/workbench/items/{item.public_id}/"
    reviewer = client_for(world.reviewer1)

    shown = reviewer.get(page)
    posted = reviewer.post(page, {"action": "opinion", "opinion-text": "同意"})

    assert shown.context["forms"]["opinion"]["recommendation"].value() in (None, "")
    assert '<option value="" selected>' in shown.content.decode()
    assert "recommendation" in posted.context["forms"]["opinion"].errors
    item.refresh_from_db()
    assert item.status == "in_review"


@pytest.mark.django_db
def test_pre_approval_is_offered_only_where_the_matter_allows_it(world):
    case = CaseFactory(world=world, accepted=True)

    allowed = client_for(world.reviewer1).get(f"/workbench/items/{item_of(case, 'M1').public_id}/")
    not_allowed = client_for(world.reviewer2).get(
        f"/workbench/items/{item_of(case, 'M2').public_id}/"
    )

    def choices(response):
        return [
            v for v, _label in response.context["forms"]["opinion"].fields["recommendation"].choices
        ]

    assert "pre_approve" in choices(allowed)
    assert "pre_approve" not in choices(not_allowed)


@pytest.mark.django_db
def test_the_requester_sees_the_pending_extension(world):
    item = item_of(CaseFactory(world=world, accepted=True), "M1")
    page = f"/workbench/items/{item.public_id}/"

    client_for(world.reviewer1).post(
        page, {"action": "extend", "extend-working_days": "10", "extend-reason": "需专家论证"}
    )
    html = client_for(world.reviewer1).get(page).content.decode()

    assert 'id="pending-extension"' in html
    assert "需专家论证" in html
    assert 'id="extend-form"' not in html  # one request at a time


@pytest.mark.django_db
def test_the_approver_refuses_with_a_reason_then_grants_the_next_request(world):
    # given a pending request of 10 working days
    item = item_of(CaseFactory(world=world, accepted=True), "M1")
    page = f"/workbench/items/{item.public_id}/"
    first = item_extension_request(item=item, actor=world.reviewer1, working_days=10, reason="a")
    approver = client_for(world.approver1)

    # when the approver refuses it (first without a reason), the reviewer asks again, and
    # the approver grants the second request
    decision = {"action": "extension_decision", "extension_decision-extension": first.public_id}
    bare = approver.post(page, {**decision, "extension_decision-verdict": "reject"})
    approver.post(
        page,
        {**decision, "extension_decision-verdict": "reject", "extension_decision-reason": "不充分"},
    )
    second = item_extension_request(item=item, actor=world.reviewer1, working_days=5, reason="b")
    granted = approver.post(
        page,
        {
            "action": "extension_decision",
            "extension_decision-extension": second.public_id,
            "extension_decision-verdict": "approve",
            "extension_decision-reason": "同意",
        },
    )

    # then the bare refusal stayed on the page with its error; only 5 days were added
    assert bare.status_code == 200
    assert "reason" in bare.context["forms"]["extension_decision"].errors
    assert granted.status_code == 302
    first.refresh_from_db()
    item.refresh_from_db()
    assert first.rejected_by == world.approver1 and first.decision_reason == "不充分"
    assert item.extension_days == 5
    html = client_for(world.reviewer1).get(page).content.decode()
    assert "不充分" in html and "同意" in html


@pytest.mark.django_db
def test_the_consent_letter_is_issued_from_the_item_page(world):
    case = CaseFactory(world=world, accepted=True, with_optional=True)
    item = item_of(case, "M3")
    page = f"/workbench/items/{item.public_id}/"

    shown = client_for(world.approver3).get(page).content.decode()
    issued = client_for(world.approver3).post(
        page, {"action": "consent_letter", "consent_letter-conditions": "按方案施工"}
    )
    m1 = client_for(world.approver1).get(f"/workbench/items/{item_of(case, 'M1').public_id}/")

    assert 'id="consent-letter-form"' in shown
    assert issued.status_code == 302
    assert item.conditional_results.get().kind == "consent_letter"
    assert 'id="consent-letter-form"' not in m1.content.decode()


@pytest.mark.django_db
def test_the_correction_form_comes_pre_marked_with_what_is_missing(world):
    # given a submission without the (deferrable) drawings and with the phone emptied
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-drawings",))
    case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
    data = {**Case.objects.get(pk=case.pk).form_data}
    data.pop("contact_phone")
    Case.objects.filter(pk=case.pk).update(form_data=data)

    response = client_for(world.clerk).get(f"/window/{case.public_id}/")

    form = response.context["forms"]["correction"]
    assert form["material__m-drawings"].value() == "missing"
    assert form["field__contact_phone"].value() == "missing"
    assert form["material__m-form"].value() in ("", None)
    assert form["field__project_name"].value() in ("", None)


@pytest.mark.django_db
def test_the_deferral_due_date_limit_is_shown_before_the_date_is_typed(world):
    # given a submission on Monday 2 March without the deferrable drawings; M1 and M2
    # need them and are promised in 5 working days: Monday 9 March
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-drawings",))
    case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)

    html = client_for(world.clerk).get(f"/window/{case.public_id}/").content.decode()

    assert 'id="deferral-limit"' in html
    assert 'max="2026-03-09"' in html
    assert "设计图纸（最迟 2026-03-09 前补交）" in html


@pytest.mark.django_db
def test_the_shown_deferral_limit_is_the_one_acceptance_enforces(world):
    # given the same submission; the page shows 9 March as the latest date
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-drawings",))
    case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
    clerk = client_for(world.clerk)
    shown = clerk.get(f"/window/{case.public_id}/").context["forms"]["commitment"]
    post = {
        "action": "commitment",
        "commitment-kind": "deferral",
        "commitment-materials": ["m-drawings"],
        "commitment-text": "承诺按期补交设计图纸",
        "commitment-signer_name": "张三",
    }

    # when the clerk types the day after it, then the day itself
    late = clerk.post(f"/window/{case.public_id}/", {**post, "commitment-due_on": "2026-03-10"})
    on_time = clerk.post(f"/window/{case.public_id}/", {**post, "commitment-due_on": "2026-03-09"})

    # then the day after is refused on the date field, the shown day is accepted
    assert str(shown.earliest_due_on) == "2026-03-09"
    assert "due_on" in late.context["forms"]["commitment"].errors
    assert on_time.status_code == 302


@pytest.mark.django_db
def test_the_worklist_marks_items_with_an_extension_waiting(world):
    case = CaseFactory(world=world, accepted=True)
    item_extension_request(
        item=item_of(case, "M1"), actor=world.reviewer1, working_days=3, reason="a"
    )

    response = client_for(world.approver1).get("/workbench/")

    assert [i.extension_pending for i in response.context["items"]] == [True]
    assert "延期待审批" in response.content.decode()
