"""
In a real browser (Debian's chromium, phone width): the enterprise opens the evaluation
invitation of a decision from its inbox and rates it 不满意; the callback agent verifies and
assigns the ticket, the department head records the rectification, the agent records the
feedback to the enterprise, and the follow-up call (satisfied) closes the ticket.
Screenshots go to var/screenshots/feedback-*.png.
"""

from __future__ import annotations

import pytest

from kaigong.cases.tests.factories import CaseFactory, lifecycle_world
from kaigong.core.relay import outbox_relay_run
from kaigong.feedback.constants import Occasion, TicketStatus
from kaigong.feedback.models import Invitation, Ticket
from kaigong.feedback.services.evaluations import indicator_sets_ensure
from kaigong.feedback.tests.conftest import feedback_staff
from kaigong.feedback.tokens import invitation_token

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "Kaigong-好差评-2026"


def _log_in(page, user) -> None:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _step(page, ticket: Ticket, user, action: str, note: str) -> None:
    _log_in(page, user)
    page.goto(f"{page.base_url}/feedback/tickets/{ticket.public_id}/")
    page.fill("#id_note", note)
    page.click(f"button[name=action][value={action}]")
    page.wait_for_load_state()


def test_a_bad_review_of_a_decision_runs_to_feedback_and_the_callback_closes_it(
    browser_page,
    settings,
    tmp_path,
):
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    page = browser_page
    # given an issued case whose events reached the invitation consumer
    indicator_sets_ensure()  # seeded by migration; a flushing test before may have removed them
    world = lifecycle_world()
    feedback_staff(world)
    case = CaseFactory(world=world, issued=True)
    outbox_relay_run()
    invitation = Invitation.objects.filter(case=case, occasion=Occasion.DECISION).order_by("id")[0]
    token = invitation_token(invitation)

    # when the enterprise follows the invitation from its inbox and rates 不满意
    _log_in(page, world.applicant)
    page.goto(page.base_url + "/inbox/")
    page.click(f"a[href='/feedback/rate/{token}/']")
    page.wait_for_load_state()
    assert "服务评价" in page.inner_text("h1")
    page.check("input[name=level][value='2']")
    page.check("input[name=indicators][value='efficiency']")
    page.fill("#id_text", "审批等了很久，没人说明原因。")
    page.shot("feedback-rate")
    page.click("form.rate-form button[type=submit]")
    page.wait_for_load_state()
    assert "感谢您的评价" in page.inner_text("#rated")
    # the link is spent: opening it again says so
    page.goto(f"{page.base_url}/feedback/rate/{token}/")
    assert "该环节已评价" in page.inner_text("h1")

    # then a ticket is open; the callback agent verifies and assigns it
    ticket = Ticket.objects.get(evaluation__invitation=invitation)
    _step(page, ticket, world.callback, "verify", "电话核实，情况属实。")
    _log_in(page, world.callback)
    page.goto(f"{page.base_url}/feedback/tickets/{ticket.public_id}/")
    page.fill("#id_note", "交办规划局整改。")
    page.select_option("#id_department", label=world.departments[0].name)
    page.click("button[name=action][value=assign]")
    page.wait_for_load_state()
    assert "已交办" in page.inner_text("#ticket-status")
    # the department head records the rectification, the agent the feedback
    _step(page, ticket, world.head1, "rectify", "约谈经办人，公开办理进度。")
    _step(page, ticket, world.callback, "feedback", "已电话向企业说明整改情况。")
    assert "待回访" in page.inner_text("#ticket-status")

    # and the follow-up call on the callback list closes the ticket
    page.goto(page.base_url + "/feedback/callbacks/")
    page.shot("feedback-callbacks")
    page.click("#callback-list a:has-text('回访')")
    page.wait_for_load_state()
    page.check("input[name=outcome][value=satisfied]")
    page.fill("#id_note", "企业对整改满意。")
    page.shot("feedback-callback")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    page.goto(f"{page.base_url}/feedback/tickets/{ticket.public_id}/")
    assert "已办结" in page.inner_text("#ticket-status")
    page.shot("feedback-ticket-closed")
    page.goto(page.base_url + "/feedback/results/")
    page.shot("feedback-results")
    assert invitation.department.name in page.inner_text("main")
