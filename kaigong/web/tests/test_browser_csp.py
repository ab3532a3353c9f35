"""The pages work under the strict CSP: no violation reported by chromium."""

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import PASSWORD, user_with_role


def _watch_csp(page) -> list[str]:
    """Collect CSP violations and Permissions-Policy errors reported by the console."""
    violations: list[str] = []

    def on_console(message):
        text = message.text
        if any(
            m in text
            for m in ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")
        ):
            violations.append(text)

    page.on("console", on_console)
    return violations


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_under_the_csp(browser_page):
    page = browser_page
    violations = _watch_csp(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(page.base_url + "/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # the operations are listed: the start-up script ran from its own URL, not inline
    page.wait_for_selector(".opblock-summary-path", timeout=30000)
    assert page.locator(".opblock-summary-path").count() > 0  # rendered as it scrolls
    page.shot("api-docs")
    assert violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_login_and_staff_pages_have_no_csp_violation(browser_page, settings):
    settings.STAFF_OTP_REQUIRED = True
    clerk = user_with_role(Role.WINDOW_CLERK)
    page = browser_page
    violations = _watch_csp(page)
    page.goto(page.base_url + "/accounts/login/")
    page.shot("login-csp")
    page.fill("#id_username", clerk.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    # a clerk with no authenticator yet is sent to enrolment, with a QR code drawn locally
    page.wait_for_selector("img[alt]")
    assert page.url.split("?")[0].endswith("/accounts/otp/setup/")
    page.shot("otp-setup")
    assert violations == []
