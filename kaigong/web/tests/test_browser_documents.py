"""
The 文书 of a case in a real browser (Debian's chromium): an accepted case with a deferred
material and a special procedure shows its 受理通知书 and 特别程序告知书 on the case page; the
QR code's verification page says both verify. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from kaigong.cases.models import Case
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.clock import item_pause
from kaigong.cases.services.drafting import case_create_draft, case_form_data_set
from kaigong.cases.services.intake import case_submit
from kaigong.cases.tests.factories import item_of, lifecycle_world, upload_all, valid_form
from kaigong.core.clock import local_date
from kaigong.documents.models import OfficialDocument

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Kaigong-文书-2026"


def _log_in(page, user) -> None:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_the_applicant_finds_and_verifies_the_documents_of_a_case(browser_page, settings, tmp_path):
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    page = browser_page
    # given an accepted case (容缺: 设计图纸 deferred) whose M1 is paused for 5 working days;
    # every service commits, so the documents are issued by their events' hooks
    world = lifecycle_world()
    case = case_create_draft(
        actor=world.applicant, project=world.project, bundle_code=world.bundle.code, matter_codes=[]
    )
    case = case_form_data_set(case=case, actor=world.applicant, data=valid_form())
    upload_all(case, world.applicant, skip=("m-drawings",))
    case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
    case = case_accept(
        case=Case.objects.get(pk=case.pk),
        actor=world.clerk,
        deferral={
            "text": "本单位承诺按期补齐。",
            "signer_name": "张三",
            "materials": ["m-drawings"],
            "due_on": local_date() + timedelta(days=1),
        },
    )
    item_pause(
        item=item_of(case, "M1"),
        actor=world.reviewer1,
        kind="special_procedure",
        reason="专家评审",
        evidence="专家评审通知",
        planned_working_days=5,
    )
    assert OfficialDocument.objects.filter(case=case).count() == 2

    # when the applicant opens the case page
    _log_in(page, world.applicant)
    page.goto(f"{page.base_url}/cases/{case.public_id}/")
    section = page.locator("#documents")
    page.shot("documents-case-page")

    # then both documents are listed, and each PDF opens for them
    assert section.locator("li").count() == 2
    assert "受理通知书" in section.inner_text() and "特别程序告知书" in section.inner_text()
    href = section.locator("li a").first.get_attribute("href")
    pdf = page.request.get(page.base_url + href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"

    # and the verification page (the QR code's target) says the document verifies
    section.locator("li a", has_text="核验").first.click()
    page.wait_for_load_state()
    page.shot("documents-verify")
    assert "有效" in page.locator("#document-result h2").inner_text()
