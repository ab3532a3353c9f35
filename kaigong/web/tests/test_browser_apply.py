"""
The applicant's journey in a real browser, through pages only (no URL typed after the log-in):
my projects → the project and its guide → Apply → the pre-filled form → one upload with
progress → check your answers → refused while a required material is missing → the link to
it → the remaining uploads → submitted, with the confirmation. Screenshots of each step go
to test-results/screenshots/.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

import pytest

from kaigong.cases.applicable import case_form_schema
from kaigong.cases.models import Case
from kaigong.projects.models import Project

from .test_browser_journey import PDF, fill_if_empty

SHOTS = Path(__file__).resolve().parents[3] / "test-results" / "screenshots"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"apply-{name}.png"), full_page=True)


def upload(page, form) -> None:
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "扫描件.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    form.locator("button[type=submit]").click()
    form.locator(".upload-status:has-text('已上传')").wait_for()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_applicant_applies_from_the_guide_and_is_refused_until_complete(browser_page):
    page = browser_page
    call_command("demo_load", stdout=io.StringIO())
    project = Project.objects.filter(region_code="371321").order_by("id").first()

    # given the applicant logged in, on its project's page
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", "yinan_applicant")
    page.fill("#id_password", settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.click("main a[href='/projects/']")
    page.click(f"main a:has-text('{project.name}')")
    shot(page, "01-project")

    # when it applies from the guide and saves the pre-filled form
    page.click("#apply")
    page.wait_for_selector("button[name=start]")
    shot(page, "02-start")
    page.click("button[name=start]")
    page.wait_for_selector("#merged-form")
    case = Case.objects.filter(project=project).latest("created_at")
    assert page.input_value("#id_project_name") == project.name
    for key, prop in case_form_schema(case)["properties"].items():
        fill_if_empty(page, key, prop, project.enterprise.uscc)
    shot(page, "03-form")
    page.locator("h1").click()
    page.click("button[name=save]")
    page.wait_for_selector("form[data-upload]")

    # and uploads only the first material, then tries to submit
    upload(page, page.locator("form[data-upload]").first)
    shot(page, "04-materials")
    page.click("[data-after-uploads]")
    page.click("button[name=submit]")

    # then the submission is refused, listing the missing materials with links
    page.wait_for_selector(".error-summary a")
    shot(page, "05-refused")
    assert Case.objects.get(pk=case.pk).status == "draft"
    page.click(".error-summary a >> nth=0")
    page.wait_for_selector("form[data-upload]")

    # when it uploads every other material and submits again
    pending = page.locator("li.state-missing, li.state-deferrable")
    for item_id in [item.get_attribute("id") for item in pending.all()]:
        upload(page, page.locator(f"li[id='{item_id}'] form[data-upload]"))
    page.click("[data-after-uploads]")
    page.click("button[name=submit]")

    # then the confirmation names the case number and the window's due date
    page.wait_for_selector("#case-number")
    shot(page, "06-submitted")
    case.refresh_from_db()
    assert case.status == "submitted"
    assert case.number in page.inner_text("#case-number")
