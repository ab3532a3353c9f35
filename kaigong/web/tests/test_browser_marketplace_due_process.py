"""
Due process in the 中介超市 in a real browser (Debian's chromium): a member of the public
objects to a published selection from the 公示, the centre upholds it on its page (after a
confirmation) and the selection goes back to a new draw; the centre serves notice of a
sanction, the agency states its case, the centre decides, and the decision appears on the
agency's public page. Screenshots (390 px and desktop) go to var/screenshots/.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from kaigong.accounts.tests.factories import UserFactory
from kaigong.cases.tests.conftest import SHANGHAI
from kaigong.marketplace.models import Sanction, ServiceRequest
from kaigong.marketplace.services import bid_submit, requests_advance
from kaigong.marketplace.tests.world import market_world, open_request

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "Kaigong-异议-2026"
START = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # a Monday


def _log_in(page, user) -> None:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _both(page, name: str) -> None:
    page.shot(f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.shot(f"{name}-desktop")
    page.set_viewport_size({"width": 390, "height": 844})


def test_an_objection_overturns_a_selection_and_a_sanction_follows_due_process(browser_page):
    page = browser_page
    page.set_default_timeout(60_000)
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations
    with time_machine.travel(START, tick=True) as clock:
        market = market_world(n_agencies=4)
        request = open_request(market)
        for i in range(4):
            bid_submit(
                actor=market.intermediaries[i],
                request=request,
                agency=market.agencies[i],
                price=Decimal(20000 + 100 * i),
                contact_phone=f"1390000000{i}",
            )
        clock.move_to(START + timedelta(hours=2, minutes=30))
        requests_advance()  # registration closes
        clock.move_to(START + timedelta(hours=4))
        requests_advance()  # the draw at choice time
        request.refresh_from_db()
        assert request.status == "chosen"
        first = request.winner

        # a member of the public objects from the 公示
        citizen = UserFactory(username="citizen-browser")
        _log_in(page, citizen)
        page.goto(page.base_url + "/marketplace/winners/")
        page.click(f"a[href='/marketplace/winners/{request.public_id}/objection/']")
        page.fill("textarea[name=grounds]", "中标机构的项目负责人同时在另一家机构报名")
        _both(page, "marketplace-objection-new")
        page.click("#objection-form button[type=submit]")
        page.wait_for_url("**/marketplace/objections/")
        assert "待处理" in page.inner_text("#objection-list")

        # the centre upholds it: the selection goes back to a new draw
        _log_in(page, market.centre_admin)
        page.goto(page.base_url + "/marketplace/objections/")
        _both(page, "marketplace-objections")
        page.check("input[name=uphold][value=yes]")
        page.fill("textarea[name=decision]", "经核查，异议成立")
        page.click("#objection-list button[type=submit]")
        page.wait_for_load_state()
        assert "异议成立" in page.inner_text("#objection-list")
        request = ServiceRequest.objects.get(pk=request.pk)
        assert request.status == "choosing" and request.winner is None
        assert str(first.public_id) not in [c["id"] for c in request.draw.candidates]

        # the centre serves notice of a sanction on the first winner's agency
        page.goto(page.base_url + "/marketplace/sanctions/")
        page.select_option("select[name=agency]", str(first.agency.public_id))
        page.fill("textarea[name=grounds]", "同一人员在两家机构报名，扰乱选取秩序")
        _both(page, "marketplace-sanctions")
        page.click("#sanction-open-form button[type=submit]")
        page.wait_for_url("**/marketplace/sanctions/*/")
        sanction = Sanction.objects.get()

        # the agency states its case
        agent = market.intermediaries[market.agencies.index(first.agency)]
        _log_in(page, agent)
        page.goto(page.base_url + f"/marketplace/sanctions/{sanction.public_id}/")
        page.fill("#statement-form textarea", "系工作人员失误，已整改")
        page.click("#statement-form button[type=submit]")
        page.wait_for_load_state()
        assert "已陈述申辩" in page.inner_text("#sanction-status")

        # the centre decides; the decision is published on the agency's page
        _log_in(page, market.centre_admin)
        page.goto(page.base_url + f"/marketplace/sanctions/{sanction.public_id}/")
        page.fill("#decide-form input[name=months]", "3")
        page.fill("#decide-form textarea", "暂停入驻三个月")
        _both(page, "marketplace-sanction")
        page.click("#decide-form button[type=submit]")
        page.wait_for_load_state()
        assert "已决定" in page.inner_text("#sanction-status")
        # each step of the history with its local date and minute, not an ISO timestamp
        steps = page.locator("#sanction-history li").all_inner_texts()
        assert len(steps) == 3 and all(
            re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} · ", t) for t in steps
        )
        page.context.clear_cookies()
        page.goto(page.base_url + f"/marketplace/agencies/{first.agency.public_id}/")
        assert "暂停入驻三个月" in page.inner_text("#agency-sanctions")
        _both(page, "marketplace-agency-sanctioned")
