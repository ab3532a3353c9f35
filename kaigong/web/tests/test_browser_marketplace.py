"""
The 中介超市 in a real browser (Debian's chromium): the owner opens a request, three agencies
bid (one through its page), the scheduled job closes registration, the owner runs the draw
at choice time and anyone verifies it on the public page; the contract and the report are
filed, the report is attached to the case, the approval happens, and the ratings appear.
The process clock travels (time_machine, ticking) so that the registration window, the
choice time and the objection period pass. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from kaigong.cases.models import Case
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.intake import case_submit
from kaigong.cases.tests.conftest import SHANGHAI
from kaigong.cases.tests.factories import PDF, CaseFactory, decide_all, review_all, upload_all
from kaigong.marketplace.models import ServiceRequest
from kaigong.marketplace.services import bid_submit, requests_advance
from kaigong.marketplace.tests.world import QUAL, market_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "Kaigong-中介-2026"
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


def test_an_owner_buys_a_report_by_a_verifiable_draw_and_uses_it_in_the_case(
    browser_page, settings, tmp_path
):
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    page = browser_page
    with time_machine.travel(START, tick=True) as clock:
        market = market_world(n_agencies=3)
        world = market.world
        case = CaseFactory(world=world)
        upload_all(case, world.applicant, skip=("m-drawings",))

        # the owner opens the request on its page
        _log_in(page, world.applicant)
        page.goto(
            page.base_url
            + f"/marketplace/requests/new/?project={world.project.public_id}&material=m-drawings"
        )
        page.fill("#id_title", "设计图纸编制")
        page.fill("#id_service_type", "设计")
        page.select_option("#id_funds_type", "fiscal")
        page.select_option("#id_method", "random")
        page.fill("#id_qualification_kind", QUAL)
        page.fill("#id_price_min", "10000")
        page.fill("#id_price_max", "50000")
        page.fill("#id_registration_hours", "2")
        page.fill("#id_choice_hours", "1")
        page.fill("#id_witnesses", "李四（纪检见证）")
        page.click("#request-form button[type=submit]")
        page.wait_for_selector("#service-request")
        request = ServiceRequest.objects.get()
        request.case = case  # opened from the case's guide: the report serves this case
        request.save(update_fields=["case"])

        # three agencies bid: the first through its page, two through the service
        _log_in(page, market.intermediaries[0])
        page.goto(page.base_url + f"/marketplace/requests/{request.public_id}/")
        page.fill("#bid-form input[name=price]", "21000")
        page.click("#bid-form button[type=submit]")
        page.wait_for_selector("#bid-list")
        for i, price in ((1, "22000"), (2, "23500")):
            bid_submit(
                actor=market.intermediaries[i],
                request=request,
                agency=market.agencies[i],
                price=Decimal(price),
                contact_phone=f"1390000000{i}",
            )
        assert request.bids.count() == 3

        # the scheduled job closes registration and freezes the list; at choice time the draw
        clock.shift(timedelta(hours=2, minutes=1))
        requests_advance()
        clock.shift(timedelta(hours=1))
        _log_in(page, world.applicant)
        page.goto(page.base_url + f"/marketplace/requests/{request.public_id}/")
        page.click("#choose-form button[type=submit]")
        page.wait_for_selector("#winner")
        page.shot("mkt-request-chosen")
        page.click("#draw-link")
        page.wait_for_load_state()
        body = page.content()
        assert "badge green" in body  # the re-run confirms the published result
        page.shot("mkt-draw-verified")
        request.refresh_from_db()
        winner_index = [a.pk for a in market.agencies].index(request.winner.agency_id)

        # after the objection period (until Thursday) the contract, then the report
        clock.move_to(datetime(2026, 3, 6, 10, 0, tzinfo=SHANGHAI))
        _log_in(page, world.applicant)
        page.goto(page.base_url + f"/marketplace/requests/{request.public_id}/")
        page.click("#contract-form button[type=submit]")
        page.wait_for_selector("text=¥")
        clock.move_to(datetime(2026, 3, 11, 10, 0, tzinfo=SHANGHAI))
        _log_in(page, market.intermediaries[winner_index])
        page.goto(page.base_url + f"/marketplace/requests/{request.public_id}/")
        report = tmp_path / "设计图纸.pdf"
        report.write_bytes(PDF)
        page.set_input_files("#deliverable-form input[type=file]", str(Path(report)))
        page.click("#deliverable-form button[type=submit]")
        page.wait_for_selector("#intermediary-clock")

        # the owner attaches the report to its application
        _log_in(page, world.applicant)
        page.goto(page.base_url + f"/marketplace/requests/{request.public_id}/")
        page.click("#attach-form button[type=submit]")
        page.wait_for_selector("#attached")
        request.refresh_from_db()
        assert case.materials.filter(
            public_id=request.deliverable.material_public_id, material__code="m-drawings"
        ).exists()

        # the approval uses it; the department's rating is derived, the owner rates
        case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
        case = case_accept(case=Case.objects.get(pk=case.pk), actor=world.clerk)
        review_all(case, world)
        decide_all(case, world)
        requests_advance()
        _log_in(page, world.applicant)
        page.goto(page.base_url + f"/marketplace/requests/{request.public_id}/")
        page.click("#rating-form button[type=submit]")
        page.wait_for_selector("#rating-list")
        text = page.inner_text("#rating-list")
        page.shot("mkt-ratings")
        # the public pages: the winners (公示) and the agency's composite score
        page.goto(page.base_url + "/marketplace/winners/")
        assert request.title in page.inner_text("#winner-list")
        page.shot("mkt-winners")
        page.goto(page.base_url + f"/marketplace/agencies/{request.winner.agency.public_id}/")
        score = page.inner_text("#composite-score")
        page.shot("mkt-agency")
    # the department's rating, derived from the approval (100: accepted first time), and the
    # owner's (five dimensions at 5 → 100)
    assert len(text.strip().splitlines()) == 2
    assert text.count("100.00") == 2
    assert score == "100.0"  # department 100 × 70 + credit 100 × 10 + owner 100 × 20
