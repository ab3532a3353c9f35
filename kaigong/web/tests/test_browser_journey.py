"""
The main journey in a real browser on a phone-sized screen (Debian's chromium):
an enterprise applies for 沂南's 办理市政设施建设手续 bundle with three of its five matters,
the window clerk accepts, three departments review and decide (reviewer and approver are
different people), and the case page shows the bundle concluded. Screenshots of every step
go to var/screenshots/.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.management import call_command

import pytest

from kaigong.cases.applicable import case_form_schema
from kaigong.cases.models import Case
from kaigong.projects.models import Project

BUNDLE = "yinan-municipal-facilities"
MATTERS = ["371321-SZ-001", "371321-SZ-002", "371321-SZ-003"]
DEPARTMENTS = [
    ("zhifa", "占用、挖掘城市道路审批"),
    ("zhujian", "城市桥梁上架设各类市政管线审批"),
    ("shuiwu", "因工程建设需要拆除、改动、迁移供水、排水与污水处理设施审批"),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def fill_field(page, key: str, prop: dict[str, Any], uscc: str) -> None:
    """Type a valid value into the merged form's field for ``key``."""
    selector = f"#id_{key}"
    kind = prop.get("x-field-type", "string")
    if kind == "boolean":
        page.check(selector)
    elif kind == "choice":
        page.select_option(selector, prop["enum"][0])
    elif kind == "multi_choice":
        page.check(f"{selector}_0")
    elif kind in ("integer", "decimal"):
        page.fill(selector, str(max(prop.get("minimum", 1), 1)))
    elif kind == "date":
        page.fill(selector, "2026-12-20")
    elif kind == "phone":
        page.fill(selector, "13800138000")
    elif kind == "uscc":
        page.fill(selector, uscc)
    elif kind == "region":
        page.select_option(selector, "371321")
    elif "default" not in prop:
        page.fill(selector, "雨污分流管网改造")


def fill_if_empty(page, key: str, prop: dict[str, Any], uscc: str) -> None:
    """Answer the field for ``key`` unless the page pre-filled it (yes/no: yes)."""
    kind = prop.get("x-field-type", "string")
    if kind == "boolean":
        page.check(f"#id_{key}_1")
    elif kind == "multi_choice":
        if not page.locator(f"input[name={key}]:checked").count():
            page.check(f"#id_{key}_0")
    elif not page.input_value(f"#id_{key}"):
        fill_field(page, key, prop, uscc)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_enterprise_takes_the_yinan_bundle_to_concluded_in_the_browser(browser_page):
    page = browser_page
    call_command("demo_load", stdout=io.StringIO())
    project = Project.objects.filter(region_code="371321").order_by("id").first()

    # given the applicant opens a new application with three of the five matters
    log_in(page, "yinan_applicant")
    page.goto(page.base_url + f"/cases/new/?project={project.public_id}&bundle={BUNDLE}")
    for box in page.locator("input[name=matters]").all():
        box.uncheck()
    for code in MATTERS:
        page.check(f"input[name=matters][value='{code}']")
    page.shot("journey-01-start")
    page.click("button[name=start]")
    page.wait_for_selector("#merged-form")
    case = Case.objects.filter(project=project).latest("created_at")

    # when the applicant fills the one merged form …
    schema = case_form_schema(case)
    for key, prop in schema["properties"].items():
        fill_if_empty(page, key, prop, project.enterprise.uscc)
    page.shot("journey-02-form")
    page.locator("h1").click()  # leave the last field before saving
    with page.expect_navigation():
        page.click("button[name=save]")
    page.wait_for_selector("form[data-upload]")

    # … uploads one set of materials (each on its own) and submits from the check page
    for form in page.locator("form[data-upload]").all():
        form.locator("input[type=file]").set_input_files(
            files=[{"name": "材料.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        form.locator("button[type=submit]").click()
        form.locator(".upload-status:has-text('已上传')").wait_for()
    page.shot("journey-03-materials")
    page.click("[data-after-uploads]")
    page.click("button[name=submit]")
    page.wait_for_selector("#case-number")
    page.shot("journey-04-submitted")
    case.refresh_from_db()
    assert case.status == "submitted"

    # when the window clerk finds it in the queue and accepts it
    log_in(page, "yinan_clerk")
    page.goto(page.base_url + "/window/")
    page.shot("journey-05-window-queue")
    page.click(f"a:has-text('{case.number}')")
    page.shot("journey-06-window-case")
    page.click("button[name=accept]")
    page.wait_for_selector("#case-status.accepted")
    page.shot("journey-07-accepted")

    # and in each department the reviewer gives an opinion and the approver decides
    for index, (department, matter) in enumerate(DEPARTMENTS, start=8):
        log_in(page, f"yinan_{department}_reviewer")
        page.goto(page.base_url + "/workbench/")
        page.shot(f"journey-{index:02d}a-{department}-worklist")
        page.click(f"tr:has-text('{case.number}') a:has-text('{matter}')")
        page.select_option("#id_opinion-recommendation", "approve")
        page.fill("#id_opinion-text", "材料齐全，符合法定条件，建议准予许可。")
        page.click("button[name=opinion]")
        page.wait_for_selector("#item-status")
        page.shot(f"journey-{index:02d}b-{department}-opinion")

        log_in(page, f"yinan_{department}_approver")
        page.goto(page.base_url + "/workbench/")
        page.click(f"tr:has-text('{case.number}') a:has-text('{matter}')")
        page.select_option("#id_decide-decision", "approve")
        page.click("button[name=decide]")
        page.wait_for_selector("#item-status.approved")
        page.shot(f"journey-{index:02d}c-{department}-approved")

    # then the applicant's case page shows the bundle concluded, every matter approved
    log_in(page, "yinan_applicant")
    page.goto(page.base_url + f"/cases/{case.public_id}/")
    page.wait_for_selector(".concluded")
    page.shot("journey-11-concluded")
    case.refresh_from_db()
    assert case.concluded_at is not None
    assert case.status in ("concluded", "issued")
    assert sorted(case.items.values_list("status", flat=True)) == ["approved"] * 3
    assert page.locator(".item .status.approved").count() == 3
