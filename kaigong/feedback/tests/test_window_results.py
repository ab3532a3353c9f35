"""
Figures per window (窗口): the accepting clerk names the comprehensive window on acceptance
(``Case.accepted_window``, through cases' accept service); the published results count the
acceptance ratings of the cases each window accepted. A window of another centre is refused.
"""

from __future__ import annotations

from django.test import TestCase

import pytest

from kaigong.accounts.models import Window
from kaigong.accounts.tests.factories import ServiceCenterFactory
from kaigong.cases.models import Case
from kaigong.cases.tests.api.conftest import client_for
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world
from kaigong.core.relay import outbox_relay_run
from kaigong.feedback.constants import Occasion
from kaigong.feedback.models import Invitation
from kaigong.feedback.selectors import evaluation_results
from kaigong.feedback.services.evaluations import evaluation_submit
from kaigong.feedback.tokens import invitation_token

from .conftest import feedback_staff

pytestmark = pytest.mark.django_db


def test_the_accepting_window_is_recorded_and_rated_per_window(monday):
    world = lifecycle_world()
    feedback_staff(world)
    window = Window.objects.create(service_center=world.centre, number="3", name="综合受理窗口")
    elsewhere = Window.objects.create(
        service_center=ServiceCenterFactory(), number="1", name="他处窗口"
    )
    clerk = client_for(world.clerk)
    case = CaseFactory(world=world, submitted=True)
    url = f"/api/v1/cases/{case.public_id}/accept/"

    foreign = clerk.post(url, {"window": str(elsewhere.public_id)}, format="json")
    assert foreign.status_code == 400 and foreign.json()["code"] == "window_invalid"
    unknown = clerk.post(url, {"window": "8a3c1d2e-0000-4000-8000-000000000000"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "window_invalid"
    assert Case.objects.get(pk=case.pk).accepted_at is None

    with TestCase.captureOnCommitCallbacks(execute=True):
        accepted = clerk.post(url, {"window": str(window.public_id)}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert Case.objects.get(pk=case.pk).accepted_window == window
    outbox_relay_run()
    invitation = Invitation.objects.get(case=case, occasion=Occasion.ACCEPTANCE)
    evaluation_submit(token=invitation_token(invitation), level=2, text="窗口解释不清")

    rows = evaluation_results(by="window")

    assert [r["unit"] for r in rows] == [f"{world.centre.name} 3 综合受理窗口"]
    assert (rows[0]["total"], rows[0]["bad"], rows[0]["rate"]) == (1, 1, "0.0")
    published = client_for(None).get("/api/v1/feedback/results/").json()
    assert [r["unit"] for r in published["by_window"]] == [f"{world.centre.name} 3 综合受理窗口"]


def test_the_window_page_accepts_at_the_chosen_window(monday):
    from django.test import Client

    world = lifecycle_world()
    window = Window.objects.create(service_center=world.centre, number="5", name="综合受理窗口")
    case = CaseFactory(world=world, submitted=True)
    page = Client()
    page.force_login(world.clerk)
    url = f"/window/{case.public_id}/"

    shown = page.get(url).content.decode()
    assert 'id="accept-window"' in shown and str(window.public_id) in shown
    done = page.post(url, {"action": "accept", "window": str(window.public_id)})

    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).accepted_window == window
