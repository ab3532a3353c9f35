"""
A helper prepares and submits an application under a mandate, in a real browser, and the
enterprise sees in its history that its helper submitted it (issue #12): the clerk has
assigned the helper, the enterprise has signed a mandate on its mandates page; the helper
goes from its workbench to the form, the uploads and the submission.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kaigong.accounts.tests.factories import PASSWORD
from kaigong.assistance.services import assignment_create
from kaigong.cases.applicable import case_form_schema
from kaigong.cases.models import Case
from kaigong.cases.tests.factories import lifecycle_world

from .test_browser_apply import upload
from .test_browser_journey import fill_if_empty

SHOTS = Path("/tmp")


def _log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_helper_submits_under_a_mandate_and_the_enterprise_sees_it(browser_page):
    page = browser_page
    world = lifecycle_world()
    world.project.helpers.clear()
    assignment_create(
        actor=world.users["clerk"], project=world.project, helper=world.helper, level="county"
    )

    # given the enterprise signs a mandate for its helper on its mandates page
    _log_in(page, world.applicant.username)
    page.goto(page.base_url + "/assistance/mandates/")
    form = page.locator("#mandate-form")
    for action in ("draft", "upload", "submit"):
        form.locator(f"input[name=actions][value={action}]").check()
    until = dt.date.today() + dt.timedelta(days=30)
    form.locator("input[name=valid_until]").fill(until.isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#mandate-status")
    page.screenshot(path=str(SHOTS / "assist-01-mandate.png"), full_page=True)
    assert "有效" in page.inner_text("#mandate-status")
    page.goto(page.base_url + "/assistance/mandates/")
    assert page.inner_text("table thead th >> nth=0") == "委托书编号"

    # when the helper, from its workbench, prepares the application
    _log_in(page, world.helper.username)
    page.goto(page.base_url + "/assistance/workbench/")
    page.screenshot(path=str(SHOTS / "assist-02-workbench.png"), full_page=True)
    page.click("main a.button:has-text('代为申报')")
    page.wait_for_selector("button[name=start]")
    page.click("button[name=start]")
    page.wait_for_selector("#merged-form")
    case = Case.objects.filter(project=world.project).latest("created_at")
    for key, prop in case_form_schema(case)["properties"].items():
        fill_if_empty(page, key, prop, world.enterprise.uscc)
    page.locator("h1").click()
    page.click("button[name=save]")
    page.wait_for_selector("form[data-upload]")
    pending = page.locator("li.state-missing, li.state-deferrable")
    for item_id in [item.get_attribute("id") for item in pending.all()]:
        upload(page, page.locator(f"li[id='{item_id}'] form[data-upload]"))
    page.click("[data-after-uploads]")
    page.click("button[name=submit]")
    page.wait_for_selector("#case-number")
    case.refresh_from_db()
    assert case.status == "submitted"

    # then the enterprise's history says its helper submitted it, under the mandate
    _log_in(page, world.applicant.username)
    page.goto(page.base_url + f"/cases/{case.public_id}/")
    page.screenshot(path=str(SHOTS / "assist-03-history.png"), full_page=True)
    history = page.inner_text("main")
    assert f"由帮办员{world.helper}代为提交" in history
    assert "委托书 WT" in history
