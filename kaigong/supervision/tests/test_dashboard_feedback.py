"""The dashboard carries the callback (回访) figures, computed from the feedback records in scope."""

import pytest
import time_machine

from kaigong.feedback.constants import CallbackOutcome, CallbackReason
from kaigong.feedback.models import CallbackTask
from kaigong.supervision.selectors import dashboard

from .conftest import at
from .factories import supervision_world

pytestmark = pytest.mark.django_db


def _calls(centre, case, outcomes):
    for outcome in outcomes:
        CallbackTask.objects.create(
            service_center=centre, case=case, reason=CallbackReason.SAMPLE, outcome=outcome
        )


def test_the_dashboard_counts_the_callbacks_in_scope():
    sw = supervision_world()
    world = sw.world
    # the world's centre serves D1–D3: 5 calls, 4 reached (2 satisfied, 1 problem), 1 not
    # reached; the other centre (serving none of them) 2 more, both satisfied
    _calls(world.centre, sw.red_case, [
        CallbackOutcome.SATISFIED, CallbackOutcome.SATISFIED, CallbackOutcome.PROBLEM,
        CallbackOutcome.REACHED, CallbackOutcome.NOT_REACHED,
    ])  # fmt: skip
    _calls(world.other_centre, sw.red_case, [CallbackOutcome.SATISFIED] * 2)

    with time_machine.travel(at(2026, 3, 12), tick=False):
        everything = dashboard(world.users["supervisor"])["feedback"]["callbacks"]
        own = dashboard(sw.head)["feedback"]["callbacks"]

    # the supervisor: 7 listed, 6 reached → 85.7 %; 4 satisfied of 6 reached → 66.7 %
    assert (everything["total"], everything["reached"], everything["satisfied"]) == (7, 6, 4)
    assert everything["reach_rate"] == 85.7 and everything["satisfaction_rate"] == 66.7
    # the head of D1: its centre's only: 5 listed, 4 reached → 80 %; 2 of 4 satisfied → 50 %
    assert (own["total"], own["reached"], own["problems"], own["not_reached"]) == (5, 4, 1, 1)
    assert own["reach_rate"] == 80.0 and own["satisfaction_rate"] == 50.0


def test_the_dashboard_page_and_api_show_them():
    from kaigong.cases.tests.api.conftest import client_for as api_client

    sw = supervision_world()
    world = sw.world
    _calls(world.centre, sw.red_case, [CallbackOutcome.SATISFIED, CallbackOutcome.NOT_REACHED])

    page = _page_client(world.users["supervisor"]).get("/supervision/")
    api = api_client(world.users["supervisor"]).get("/api/v1/supervision/dashboard/")

    html = page.content.decode()
    assert page.status_code == 200 and "回访" in html
    assert "50.0%" in html  # 1 of 2 reached
    assert api.json()["feedback"]["callbacks"]["reach_rate"] == 50.0
    assert api.json()["feedback"]["callbacks"]["satisfaction_rate"] == 100.0


def _page_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
