"""
The staff workspace in a real browser (Debian's chromium, phone-sized): the reviewers of
two departments open a submitted material from their item pages and see each other's
opinions; the approver refuses one extension request with a reason and grants the next.
Screenshots go to test-results/screenshots/.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import Client

import pytest

from kaigong.accounts.tests.factories import PASSWORD
from kaigong.cases.models import CaseItem
from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world
from kaigong.core.models import AuditRecord

SHOTS = Path(__file__).resolve().parents[3] / "test-results" / "screenshots"


def log_in(page, user, *, through_form: bool = False) -> None:
    """A session for ``user``: through the login page once, else its session cookie (the
    login page has its own browser tests; this keeps the journey under 30 s)."""
    page.context.clear_cookies()
    if through_form:
        page.goto(page.base_url + "/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": page.base_url, "httpOnly": True}]
    )


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_first_material(page) -> None:
    """Follow the item page's first 打开 link; the file answers inline."""
    link = page.locator("#item-materials a.open-material").first
    response = page.request.get(page.base_url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-disposition"].startswith("inline;")


def give_opinion(page, text: str) -> None:
    page.select_option("#id_opinion-recommendation", "approve")
    page.fill("#id_opinion-text", text)
    with page.expect_navigation():
        page.click("button[name=opinion]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_departments_see_each_other_and_the_approver_decides_extensions(browser_page):
    page = browser_page
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)
    m1, m2 = item_of(case, "M1"), item_of(case, "M2")

    # given department 1's reviewer opens a material and gives an opinion
    log_in(page, world.reviewer1, through_form=True)
    page.goto(f"{page.base_url}/workbench/items/{m1.public_id}/")
    open_first_material(page)
    give_opinion(page, "规划条件符合，建议批准。")

    # when department 2's reviewer opens its own item, a material, and gives an opinion
    log_in(page, world.reviewer2)
    page.goto(f"{page.base_url}/workbench/items/{m2.public_id}/")
    open_first_material(page)
    # then it sees department 1's opinion already
    assert "规划条件符合，建议批准。" in page.inner_text("#departments")
    give_opinion(page, "施工合同齐全，建议批准。")
    shot(page, "staff-01-reviewer2-item")

    # and department 1 sees department 2's opinion
    log_in(page, world.reviewer1)
    page.goto(f"{page.base_url}/workbench/items/{m1.public_id}/")
    assert "施工合同齐全，建议批准。" in page.inner_text("#departments")
    # the reviewer asks for 10 more working days and sees the request pending
    page.fill("#id_extend-working_days", "10")
    page.fill("#id_extend-reason", "需组织专家论证")
    with page.expect_navigation():
        page.click("button[name=extend]")
    assert "需组织专家论证" in page.inner_text("#pending-extension")
    shot(page, "staff-02-reviewer1-pending-extension")

    # when the approver refuses it with a reason
    log_in(page, world.approver1)
    page.goto(f"{page.base_url}/workbench/items/{m1.public_id}/")
    shot(page, "staff-03-approver-extension")
    page.select_option("#id_extension_decision-verdict", "reject")
    page.fill("#id_extension_decision-reason", "论证理由不充分")
    with page.expect_navigation():
        page.click("button[name=extension_decision]")

    # and the reviewer asks again for 5, which the approver grants
    log_in(page, world.reviewer1)
    page.goto(f"{page.base_url}/workbench/items/{m1.public_id}/")
    page.fill("#id_extend-working_days", "5")
    page.fill("#id_extend-reason", "补充现场踏勘")
    with page.expect_navigation():
        page.click("button[name=extend]")
    log_in(page, world.approver1)
    page.goto(f"{page.base_url}/workbench/items/{m1.public_id}/")
    page.select_option("#id_extension_decision-verdict", "approve")
    page.fill("#id_extension_decision-reason", "同意延期")
    with page.expect_navigation():
        page.click("button[name=extension_decision]")
    shot(page, "staff-04-approver-decided")

    # then the page lists one refused and one granted request, and 5 days were added
    extensions = page.inner_text("#extensions")
    assert "论证理由不充分" in extensions and "同意延期" in extensions
    assert CaseItem.objects.get(pk=m1.pk).extension_days == 5
    viewers = set(
        AuditRecord.objects.filter(action="material.viewed").values_list("actor", flat=True)
    )
    assert viewers == {world.reviewer1.pk, world.reviewer2.pk}
