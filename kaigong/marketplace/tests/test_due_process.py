"""
Objections to a published selection (公示期异议): who may raise one and when, the contract
held while one is open, an upheld objection overturning the selection (the winner excluded,
a new draw among the rest, 流标 when too few remain), a dismissed one leaving it standing.
The relying department's rating derived when the approval happens (the cases hook), the
job only sweeping what a missed hook left.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
import time_machine

from kaigong.accounts.tests.factories import UserFactory
from kaigong.cases.models import Case
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.intake import case_submit
from kaigong.cases.tests.conftest import MONDAY, SHANGHAI
from kaigong.cases.tests.factories import PDF, CaseFactory, decide_all, review_all, upload_all
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.marketplace.constants import ObjectionStatus, RequestStatus
from kaigong.marketplace.due_process import objection_decide, objection_raise
from kaigong.marketplace.services import (
    bid_submit,
    contract_file,
    deliverable_attach_to_case,
    deliverable_file,
    requests_advance,
    service_request_choose,
)

from .world import market_world, open_request

pytestmark = pytest.mark.django_db


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=SHANGHAI)


def _chosen(clock, n_bids=4, method="random"):
    market = market_world(n_agencies=n_bids)
    request = open_request(market, method=method)
    for i in range(n_bids):
        bid_submit(
            actor=market.intermediaries[i],
            request=request,
            agency=market.agencies[i],
            price=Decimal(20000 + 10 * i),
            contact_phone=f"1390000000{i}",
        )
    clock.move_to(MONDAY + timedelta(hours=3))
    requests_advance()
    request.refresh_from_db()
    assert request.status == RequestStatus.CHOSEN
    return market, request


def _person_of(market, bid):
    return market.intermediaries[market.agencies.index(bid.agency)]


def test_an_upheld_objection_overturns_the_selection_and_a_new_draw_runs():
    with time_machine.travel(MONDAY, tick=False) as clock:
        market, request = _chosen(clock)
        first, first_draw = request.winner, request.draw
        loser = next(b for b in request.bids.all() if b != first)
        public = UserFactory(username="citizen")
        # the winner does not object to itself; grounds are required
        with pytest.raises(PermissionDenied):
            objection_raise(actor=_person_of(market, first), request=request, grounds="x")
        with pytest.raises(InvalidInput):
            objection_raise(actor=public, request=request, grounds="  ")
        by_bidder = objection_raise(
            actor=_person_of(market, loser), request=request, grounds="中标人资质证书已被注销"
        )
        by_public = objection_raise(actor=public, request=request, grounds="同一人员在两家报名")
        assert (by_bidder.raiser_kind, by_public.raiser_kind) == ("bidder", "public")
        # while an objection is open, no contract, even after the period
        clock.move_to(_at(6))
        with pytest.raises(Conflict) as held:
            contract_file(
                actor=market.world.applicant,
                request=request,
                price=first.price,
                period_days=10,
                signed_on=date(2026, 3, 6),
            )
        assert held.value.code == "objection_pending"
        with pytest.raises(PermissionDenied):  # only the centre decides
            objection_decide(
                actor=market.world.applicant, objection=by_bidder, uphold=True, decision="x"
            )
        objection_decide(
            actor=market.centre_admin, objection=by_bidder, uphold=True, decision="经核查资质已注销"
        )
        with pytest.raises(Conflict):
            objection_decide(
                actor=market.centre_admin, objection=by_bidder, uphold=False, decision="y"
            )
        request.refresh_from_db()
        first.refresh_from_db()
        by_public.refresh_from_db()
        assert by_public.status == ObjectionStatus.UPHELD  # decided with the first
        assert first.excluded_reason.endswith("经核查资质已注销")
        # back to choosing with a new committed draw over the three remaining bids
        assert request.status == RequestStatus.CHOOSING and request.winner is None
        assert request.draw is not None and request.draw != first_draw
        assert str(first.public_id) not in [c["id"] for c in request.draw.candidates]
        assert len(request.draw.candidates) == 3
        assert request.events.last().action == "reselect"
        service_request_choose(request=request, actor=market.world.applicant)
        request.refresh_from_db()
        assert request.status == RequestStatus.CHOSEN and request.winner != first
        assert request.objection_until == date(2026, 3, 11)  # a new period from Friday 6 March


def test_a_dismissed_objection_leaves_the_selection_and_the_period_is_enforced():
    with time_machine.travel(MONDAY, tick=False) as clock:
        market, request = _chosen(clock, n_bids=3)
        winner = request.winner
        objection = objection_raise(
            actor=UserFactory(username="citizen2"), request=request, grounds="价格过低"
        )
        objection_decide(
            actor=market.centre_admin, objection=objection, uphold=False, decision="报价在区间内"
        )
        request.refresh_from_db()
        assert request.status == RequestStatus.CHOSEN and request.winner == winner
        clock.move_to(_at(6))  # the period ended on Thursday 5 March
        with pytest.raises(Conflict) as late:
            objection_raise(actor=UserFactory(username="late"), request=request, grounds="迟到")
        assert late.value.code == "objection_period_closed"


def test_an_upheld_objection_with_too_few_bids_left_fails_the_request():
    with time_machine.travel(MONDAY, tick=False) as clock:
        market, request = _chosen(clock, n_bids=3)  # fiscal random: 3 needed, 2 remain
        objection = objection_raise(
            actor=UserFactory(username="citizen3"), request=request, grounds="围标"
        )
        objection_decide(
            actor=market.centre_admin, objection=objection, uphold=True, decision="异议成立"
        )
        request.refresh_from_db()
        assert request.status == RequestStatus.FAILED


def _attached(clock):
    market = market_world(n_agencies=3)
    world = market.world
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-drawings",))
    request = open_request(market, case=case)
    for i in range(3):
        bid_submit(
            actor=market.intermediaries[i],
            request=request,
            agency=market.agencies[i],
            price=Decimal(20000 + 500 * i),
            contact_phone=f"1390000000{i}",
        )
    clock.move_to(MONDAY + timedelta(hours=3))
    requests_advance()
    request.refresh_from_db()
    clock.move_to(_at(6))
    contract_file(
        actor=world.applicant,
        request=request,
        price=request.winner.price,
        period_days=10,
        signed_on=date(2026, 3, 6),
    )
    clock.move_to(_at(11))
    deliverable_file(
        actor=_person_of(market, request.winner),
        request=request,
        file=SimpleUploadedFile("设计图纸.pdf", PDF, content_type="application/pdf"),
    )
    deliverable_attach_to_case(actor=world.applicant, request=request)
    case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
    case = case_accept(case=Case.objects.get(pk=case.pk), actor=world.clerk)
    review_all(case, world)
    return world, case, request


def test_the_department_rating_is_derived_when_the_approval_happens(
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(MONDAY, tick=False) as clock:
        world, case, request = _attached(clock)
        with django_capture_on_commit_callbacks(execute=True):
            decide_all(case, world)
        # no job ran: the approval's event derived it
        department = request.ratings.get(rater_kind="department")
        assert department.overall == Decimal("100.00")
        assert department.derived_from["case"] == str(case.public_id)
        assert requests_advance()["rated"] == 0  # the sweep finds nothing left


def test_the_job_sweeps_a_rating_a_missed_hook_left_out(django_capture_on_commit_callbacks):
    with time_machine.travel(MONDAY, tick=False) as clock:
        world, case, request = _attached(clock)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            decide_all(case, world)
        assert callbacks  # the hook was scheduled but never ran (a crash after the commit)
        assert not request.ratings.filter(rater_kind="department").exists()
        assert requests_advance()["rated"] == 1
        assert request.ratings.get(rater_kind="department").overall == Decimal("100.00")
