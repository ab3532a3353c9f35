"""
The administrator's integration pages in a real browser (Debian's chromium, phone-sized):
subscribe an endpoint through the form, see the secret once, see a failed delivery with its
attempt, replay it. Screenshots: /tmp/integ-*.png.
"""

from __future__ import annotations

from django.test import Client

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import user_with_role
from kaigong.core.relay import outbox_relay_run
from kaigong.core.services import outbox_emit
from kaigong.integrations.models import WebhookSubscription
from kaigong.integrations.tests.receivers import serve
from kaigong.web.tests.conftest import browser_page  # noqa: F401 - the browser fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_administrator_subscribes_and_replays_a_delivery(browser_page, settings):  # noqa: F811
    settings.KAIGONG_WEBHOOK_ALLOW_HTTP = True  # the receiver here speaks plain http
    admin = user_with_role(Role.CATALOG_ADMIN)
    page = browser_page
    client = Client()
    client.force_login(admin)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": page.base_url, "httpOnly": True}]
    )
    with serve(lambda r: (503, "维护中", 0)) as (url, log):
        page.goto(page.base_url + "/integrations/")
        assert page.locator("h1").inner_text() == "系统对接"
        page.fill("#id_name", "市大数据中心")
        page.fill("#id_url", url + "/hook")
        page.check("input[name=topics][value='case.*']")
        with page.expect_navigation():
            page.click("button:has-text('订阅')")
        assert "签名密钥只显示这一次" in page.content()
        subscription = WebhookSubscription.objects.get(name="市大数据中心")
        assert subscription.secret in page.content()

        outbox_emit(
            topic="case.accepted",
            key="00000000-0000-4000-8000-00000000000a",
            payload={"case": "00000000-0000-4000-8000-00000000000a", "number": "KG-1"},
        )
        outbox_relay_run()
        page.reload()
        assert "HTTP 503" in page.content()
        page.screenshot(path="/tmp/integ-webhook.png", full_page=True)
        with page.expect_navigation():
            page.click("button:has-text('重新推送')")
        assert "该推送将在数秒内重新发送" in page.content()
        page.goto(page.base_url + "/integrations/")
        page.screenshot(path="/tmp/integ-home.png", full_page=True)
    assert len(log.requests) == 1
