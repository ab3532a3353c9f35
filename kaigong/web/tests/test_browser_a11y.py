"""
The main pages under axe-core (WCAG 2.1 AA), as their users, at desktop width and on a
phone (390×844): no serious or critical violation. axe-core comes inside the pinned
axe-playwright-python wheel, so nothing is fetched at run time. One live server, one world
and one browser for the whole module; phone screenshots of the worklist, the window queue
and a case page go to test-results/screenshots/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.conf import settings
from django.test import Client

import pytest

from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world
from kaigong.projects.services import service_code_ensure
from kaigong.web.tests.conftest import CHROMIUM, CHROMIUM_ARGS

SHOTS = Path(__file__).resolve().parents[3] / "test-results" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
SHOT_AT_PHONE = {
    "worklist": "a11y-worklist",
    "window-queue": "a11y-window-queue",
    "case": "a11y-case",
}


def _log_in(context, base_url: str, user) -> None:
    context.clear_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": base_url, "httpOnly": True}]
    )


def _serious(results: dict) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): " + "; ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in results["violations"]
        if v["impact"] in os.environ.get("AXE_IMPACTS", "serious,critical").split(",")
    ]


def _check_keyboard_and_cards(page, base_url: str, reviewer) -> None:
    from playwright.sync_api import expect

    _log_in(page.context, base_url, reviewer)
    page.goto(base_url + "/workbench/")
    # the first Tab reaches the skip link, and following it puts the focus on <main>
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "跳到主要内容"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # on a phone each cell of the worklist shows its column's Chinese label
    label = page.evaluate(
        "getComputedStyle(document.querySelector('#worklist td[data-label]'), '::before').content"
    )
    assert label == '"到期日"'
    # an htmx swap of the worklist keeps the focus on the filter and announces the update
    page.focus("#id_warning")
    with page.expect_response(lambda r: "/workbench/" in r.url):
        page.select_option("#id_warning", "red")
    expect(page.locator("[data-live-region]")).to_have_text(re.compile(r"^内容已更新"))
    assert page.evaluate("document.activeElement.id") == "id_warning"


def _check_focus_after_an_outer_swap(page, base_url: str, applicant) -> None:
    # a notification marked read with the keyboard is swapped whole (outerHTML); the focus
    # lands in its successor, not on <body>
    _log_in(page.context, base_url, applicant)
    page.goto(base_url + "/inbox/")
    item = page.locator("li.notification.unread").first
    item_id = item.get_attribute("id")
    item.locator("button").focus()
    with page.expect_response(lambda r: "/read/" in r.url):
        page.keyboard.press("Enter")
    page.locator(f"#{item_id}:not(.unread)").wait_for()
    assert page.evaluate(f"document.activeElement.closest('#{item_id}') !== null")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_main_pages_have_no_serious_axe_violations(live_server):
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is required in CI (make test installs it).")
        pytest.skip("Debian's chromium is not installed")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    # given a world with a draft, a submitted case (window) and an accepted one (workbench)
    world = lifecycle_world()
    draft = CaseFactory(world=world)
    submitted = CaseFactory(world=world, submitted=True)
    accepted = CaseFactory(world=world, accepted=True)
    item = item_of(accepted, "M1")
    code = service_code_ensure(enterprise=world.enterprise, project=world.project)
    pages = [
        ("login", None, "/accounts/login/"),
        ("home", world.applicant, "/"),
        ("projects", world.applicant, "/projects/"),
        ("project", world.applicant, f"/projects/{world.project.public_id}/"),
        ("case", world.applicant, f"/cases/{accepted.public_id}/"),
        ("case-list", world.applicant, "/cases/"),
        ("case-form", world.applicant, f"/cases/{draft.public_id}/form/"),
        ("materials", world.applicant, f"/cases/{draft.public_id}/materials/"),
        ("check", world.applicant, f"/cases/{draft.public_id}/check/"),
        ("inbox", world.applicant, "/inbox/"),
        ("library", world.applicant, "/certificates/"),
        ("window-queue", world.clerk, "/window/"),
        ("window-case", world.clerk, f"/window/{submitted.public_id}/"),
        ("worklist", world.reviewer1, "/workbench/"),
        ("item", world.reviewer1, f"/workbench/items/{item.public_id}/"),
        ("archives", world.supervisor, "/archives/"),
        ("verify", None, "/certificates/verify/"),
        ("track", None, f"/track/{code.token}/"),
    ]
    axe = Axe()
    failures: list[str] = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for size, viewport in VIEWPORTS.items():
                context = browser.new_context(locale="zh-CN", viewport=viewport)
                page = context.new_page()
                for name, user, path in pages:
                    # when the user opens the page
                    _log_in(context, live_server.url, user)
                    response = page.goto(live_server.url + path)
                    assert response is not None and response.status == 200, (name, path)
                    # then axe finds nothing serious or critical
                    found = _serious(axe.run(page, options=AXE_OPTIONS).response)
                    failures += [f"{name} @ {size}: {line}" for line in found]
                    if size == "phone" and name in SHOT_AT_PHONE:
                        page.screenshot(
                            path=str(SHOTS / f"{SHOT_AT_PHONE[name]}.png"), full_page=True
                        )
                if size == "phone":
                    _check_keyboard_and_cards(page, live_server.url, world.reviewer1)
                    _check_focus_after_an_outer_swap(page, live_server.url, world.applicant)
                context.close()
        finally:
            browser.close()
    assert not failures, "\n".join(failures)
