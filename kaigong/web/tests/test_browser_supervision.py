"""
Supervision in a real browser (Debian's chromium, phone-sized): the supervisor sees a red
item in the overdue queue, issues a 督办 order from it, the department head replies, the
supervisor closes it and exports the week's denial register as xlsx (opened with openpyxl).
"""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from kaigong.supervision.models import SupervisionOrder
from kaigong.supervision.services import audit_compile, metrics_refresh
from kaigong.supervision.tests.factories import m1, supervision_world

from .test_browser_staff import log_in, shot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_supervisor_orders_the_red_item_and_exports_the_register(browser_page, tmp_path, settings):
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    page = browser_page
    sw = supervision_world("b")  # accepted 2 March 2026: long overdue today
    item = m1(sw)
    metrics_refresh()
    audit_compile(on=date(2026, 3, 6), force=True)

    # the supervisor sees the red item in the overdue queue and opens it
    log_in(page, sw.world.supervisor)
    page.goto(page.base_url + "/supervision/queues/overdue/")
    link = page.locator(f"a[href='/supervision/items/{item.public_id}/']")
    assert link.count() == 1
    link.click()
    page.wait_for_load_state()
    assert "badge red" in page.content()
    shot(page, "supervision-item")
    page.fill("#instruction", "请说明逾期原因，三个工作日内回告")
    page.fill("#reply_days", "3")
    page.locator("#reply_days ~ button").click()
    page.wait_for_load_state()
    order = SupervisionOrder.objects.get(item=item)
    assert order.status == "open" and order.reply_days == 3

    # the department head replies
    log_in(page, sw.head)
    page.goto(page.base_url + f"/supervision/orders/{order.public_id}/")
    page.fill("#reply", "已督促经办人，今日办结")
    page.locator("input[value=reply] ~ button").click()
    page.wait_for_load_state()
    order.refresh_from_db()
    assert order.status == "replied"

    # the supervisor closes it
    log_in(page, sw.world.supervisor)
    page.goto(page.base_url + f"/supervision/orders/{order.public_id}/")
    page.locator("input[value=close] ~ button").click()
    page.wait_for_load_state()
    order.refresh_from_db()
    assert order.status == "closed"
    assert [s.kind for s in order.steps.order_by("at")] == ["issued", "replied", "closed"]
    shot(page, "supervision-order-closed")

    # and exports the week's denial register
    page.goto(page.base_url + "/supervision/registers/")
    page.locator("table a[href^='/supervision/registers/']").first.click()
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.locator("a[href$='format=xlsx']").click()
    path = tmp_path / "register.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the one correction of that week
    assert sw.correction_case.number in rows[1]
    assert sw.correction_case.enterprise.name in rows[1]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_on_a_desk_and_on_a_phone(browser_page, tmp_path, settings):
    from kaigong.feedback.constants import CallbackOutcome, CallbackReason
    from kaigong.feedback.models import CallbackTask

    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    page = browser_page
    sw = supervision_world("d")
    for outcome in (
        CallbackOutcome.SATISFIED,
        CallbackOutcome.PROBLEM,
        CallbackOutcome.NOT_REACHED,
    ):
        CallbackTask.objects.create(
            service_center=sw.world.centre, case=sw.red_case, reason=CallbackReason.SAMPLE,
            outcome=outcome,
        )  # fmt: skip
    metrics_refresh()
    log_in(page, sw.world.supervisor)

    for name, width in (
        ("supervision-dashboard-desktop", 1280),
        ("supervision-dashboard-phone", 390),
    ):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(page.base_url + "/supervision/")
        page.wait_for_load_state()
        feedback = page.locator("section.sup-feedback")
        assert feedback.is_visible()
        # 3 listed, 2 reached: 66.7 %; 1 satisfied of 2 reached: 50 %
        assert "66.7%" in feedback.inner_text() and "50.0%" in feedback.inner_text()
        assert page.locator("text=改革成效").count() >= 1
        # nothing wider than the screen
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1
        shot(page, name)
