"""
The anti-collusion signals the supervisor reads (signals, not verdicts): the same staff
member offered by different agencies on one request, and a group of agencies bidding
together on three or more requests with the wins rotating among them; and no signal where
the bids are independent.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from kaigong.cases.tests.conftest import MONDAY
from kaigong.marketplace.models import ServiceRequest
from kaigong.marketplace.selectors import collusion_signals
from kaigong.marketplace.services import bid_submit, requests_advance

from .world import market_world, open_request

pytestmark = pytest.mark.django_db


def _bid(market, request, i, price, staff=None):
    return bid_submit(
        actor=market.intermediaries[i],
        request=request,
        agency=market.agencies[i],
        price=Decimal(price),
        contact_phone=f"1390000000{i}",
        staff=staff or [{"name": f"工程师{i}", "certificate_no": f"ZC-{i}"}],
    )


def test_the_same_staff_member_in_two_agencies_bids_is_a_signal():
    with time_machine.travel(MONDAY, tick=False):
        market = market_world(n_agencies=3)
        request = open_request(market)
        shared = [{"name": "王工", "certificate_no": "ZJ-0001"}]
        _bid(market, request, 0, "20000", staff=shared)
        _bid(market, request, 1, "26000", staff=shared)
        _bid(market, request, 2, "31000")  # prices far apart: no cluster
        signals = collusion_signals()
    assert [(s["kind"], s["detail"]) for s in signals] == [("same_staff", "ZJ-0001")]
    assert signals[0]["agencies"] == sorted(a.enterprise.name for a in market.agencies[:2])
    assert signals[0]["request"] == str(request.public_id)


def test_winners_rotating_in_a_bidding_group_is_a_signal_and_independent_bids_are_not():
    with time_machine.travel(MONDAY, tick=False) as clock:
        market = market_world(n_agencies=3)
        for round_ in range(3):
            request = open_request(market, method="lowest", title=f"第{round_ + 1}次")
            # the lowest price passes from one agency to the next
            for i in range(3):
                _bid(market, request, i, str(20000 + 4000 * ((i - round_) % 3)))
            clock.shift(timedelta(hours=3))
            requests_advance()
            request.refresh_from_db()
            assert request.winner.agency == market.agencies[round_]
        kinds = [s["kind"] for s in collusion_signals()]
        assert kinds == ["rotating_winners"]
        [rotating] = [s for s in collusion_signals() if s["kind"] == "rotating_winners"]
        assert rotating["detail"] == "3"
        assert rotating["agencies"] == sorted(a.enterprise.name for a in market.agencies)
        # two chosen requests of the same group are not enough to call it rotation
        two = ServiceRequest.objects.order_by("created_at")[:2]
        assert collusion_signals(requests=ServiceRequest.objects.filter(pk__in=two)) == []


def test_one_agency_winning_every_time_is_not_rotation():
    with time_machine.travel(MONDAY, tick=False) as clock:
        market = market_world(n_agencies=3)
        for round_ in range(3):
            request = open_request(market, method="lowest", title=f"第{round_ + 1}次")
            for i in range(3):
                _bid(market, request, i, str(20000 + 4000 * i))
            clock.shift(timedelta(hours=3))
            requests_advance()
        assert collusion_signals() == []
