"""The case page says which certificates are still held and why (issue 10, part 2)."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def monday(settings, tmp_path):
    """The cases tests' Monday 2026-03-02, and a key directory for the signing keys."""
    import time_machine

    from kaigong.cases.tests.conftest import MONDAY

    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    with time_machine.travel(MONDAY, tick=True):
        yield


def test_the_case_page_names_the_held_certificates(monday, browser_page):
    from kaigong.cases.tests.api.test_issued_when_released import (
        _conclude,
        _world_with_certificates,
    )

    # given a concluded case whose 联发 rule holds two certificates
    world, _rule = _world_with_certificates()
    case, _url = _conclude(world)
    # when its applicant opens the case page
    client = Client()
    client.force_login(world.applicant)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page = browser_page
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": page.base_url}])
    page.goto(f"{page.base_url}/cases/{case.public_id}/")
    page.shot("case-certificates-held")
    # then the held certificates are named, with the condition they wait for, in Chinese
    section = page.locator("#certificates-held")
    assert "尚未出证的证照" in section.inner_text()
    assert "安全施工措施备案" in section.inner_text()
    assert "取得土地使用权" in section.inner_text()
