"""
After the selection: contract, report, the report attached to the case, the approval, the
ratings (the department's derived from the approval), the composite score, the
intermediary clock excluded from the government clock; signals; sanctions with due process.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
import time_machine

from kaigong.cases.constants import ItemStatus
from kaigong.cases.models import Case
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.intake import case_submit
from kaigong.cases.tests.conftest import MONDAY, SHANGHAI
from kaigong.cases.tests.factories import PDF, CaseFactory, decide_all, review_all, upload_all
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.credit.models import CreditRecord
from kaigong.marketplace.constants import AgencyStatus, RequestStatus, SanctionStatus
from kaigong.marketplace.due_process import (
    sanction_appeal,
    sanction_appeal_decide,
    sanction_decide,
    sanction_open,
    sanction_statement,
)
from kaigong.marketplace.selectors import (
    collusion_signals,
    composite_score,
    government_working_days,
    intermediary_segments,
)
from kaigong.marketplace.services import (
    bid_submit,
    contract_file,
    deliverable_attach_to_case,
    deliverable_file,
    rating_centre,
    rating_owner,
    requests_advance,
)

from .world import market_world, open_request

pytestmark = pytest.mark.django_db


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=SHANGHAI)


def test_from_contract_to_the_outcome_based_rating():
    with time_machine.travel(MONDAY, tick=False) as clock:
        market = market_world(n_agencies=3)
        world = market.world
        case = CaseFactory(world=world)
        upload_all(case, world.applicant, skip=("m-drawings",))
        request = open_request(market, case=case)
        for i, price in enumerate(["20000", "20050", "20100"]):
            bid_submit(
                actor=market.intermediaries[i],
                request=request,
                agency=market.agencies[i],
                price=Decimal(price),
                contact_phone="13911112222" if i < 2 else "13700000000",
            )
        clock.move_to(MONDAY + timedelta(hours=3))
        requests_advance()
        request.refresh_from_db()
        winner = request.winner
        agent = market.intermediaries[market.agencies.index(winner.agency)]

        # the contract waits for the objection period (until Thursday 2026-03-05)
        clock.move_to(_at(5))
        with pytest.raises(Conflict) as early:
            contract_file(
                actor=world.applicant,
                request=request,
                price=winner.price,
                period_days=10,
                signed_on=date(2026, 3, 5),
            )
        assert early.value.code == "objection_period_open"
        clock.move_to(_at(6))
        with pytest.raises(InvalidInput):
            contract_file(
                actor=world.applicant,
                request=request,
                price=Decimal("1"),
                period_days=10,
                signed_on=date(2026, 3, 6),
            )
        contract = contract_file(
            actor=world.applicant,
            request=request,
            price=winner.price,
            period_days=10,
            signed_on=date(2026, 3, 6),
        )
        assert contract.due_on == date(2026, 3, 20)  # 10 working days after Friday 6 March

        # the agency files its report on Wednesday 11 March; the owner may not file it
        clock.move_to(_at(11))
        report = SimpleUploadedFile("设计图纸.pdf", PDF, content_type="application/pdf")
        with pytest.raises(PermissionDenied):
            deliverable_file(actor=world.applicant, request=request, file=report)
        five = {"quality": 5, "timeliness": 4, "attitude": 5, "charge": 4, "standards": 5}
        with pytest.raises(Conflict):  # the marketplace rule: no rating before the report is filed
            rating_owner(actor=world.applicant, request=request, scores=five)
        deliverable_file(actor=agent, request=request, file=report)
        # the report becomes the case's material
        deliverable = deliverable_attach_to_case(actor=world.applicant, request=request)
        material = case.materials.get(public_id=deliverable.material_public_id)
        assert material.material.code == "m-drawings" and material.sha256 == deliverable.sha256

        # the intermediary's segment: (Fri 6, Wed 11] = Mon 9, Tue 10, Wed 11 → 3 working days
        [segment] = intermediary_segments(case=case)
        assert (segment.start, segment.end, segment.working_days) == (
            date(2026, 3, 6),
            date(2026, 3, 11),
            3,
        )
        # (Mon 2, Fri 13] has 9 working days; the government's clock counts 6 of them
        assert government_working_days(case, date(2026, 3, 2), date(2026, 3, 13)) == 6

        # the approval uses the report: submitted, accepted, reviewed, approved
        case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
        case = case_accept(case=Case.objects.get(pk=case.pk), actor=world.clerk)
        assert requests_advance()["rated"] == 0  # still in review: nothing to derive yet
        review_all(case, world)
        decide_all(case, world)
        assert set(case.items.values_list("status", flat=True)) == {ItemStatus.APPROVED}
        assert requests_advance()["rated"] == 1
        department = request.ratings.get(rater_kind="department")
        assert department.overall == Decimal("100.00")
        assert department.derived_from == {
            "case": str(case.public_id),
            "approved": True,
            "corrections": 0,
            "review_rounds": 1,
            "accepted_first_time": True,
        }
        with pytest.raises(InvalidInput):
            rating_owner(actor=world.applicant, request=request, scores={"quality": 6})
        owner = rating_owner(
            actor=world.applicant,
            request=request,
            scores={"quality": 5, "timeliness": 4, "attitude": 5, "charge": 4, "standards": 5},
        )
        assert owner.overall == Decimal("92.00")  # mean 4.6 × 20
        with pytest.raises(Conflict):
            rating_owner(actor=world.applicant, request=request, scores=owner.scores)
        rating_centre(actor=market.centre_admin, request=request, score=80)

    # composite: department 100 × 70 + credit 100 × 10 + public mean(92, 80) = 86 × 20 → 97.2
    score = composite_score(winner.agency)
    assert score["score"] == Decimal("97.2")
    assert score["parts"]["public"] == Decimal("86.00")
    # a losing agency has no ratings: no score
    loser = next(a for a in market.agencies if a != winner.agency)
    assert composite_score(loser)["score"] is None

    # signals: two bidders share a phone; the three prices lie within 0.2 %
    kinds = {s["kind"] for s in collusion_signals()}
    assert {"same_phone", "clustered_prices"} <= kinds
    [phone] = [s for s in collusion_signals() if s["kind"] == "same_phone"]
    assert phone["detail"] == "13911112222" and len(phone["agencies"]) == 2


def test_sanctions_follow_due_process():
    with time_machine.travel(MONDAY, tick=False) as clock:
        market = market_world(n_agencies=1)
        agency, agent, admin = market.agencies[0], market.intermediaries[0], market.centre_admin
        with pytest.raises(PermissionDenied):
            sanction_open(actor=agent, agency=agency, kind="blacklist", grounds="x")
        sanction = sanction_open(
            actor=admin, agency=agency, kind="blacklist", grounds="出具虚假评估报告"
        )
        assert sanction.statement_due_on == date(2026, 3, 9)  # 5 working days
        with pytest.raises(Conflict):  # not before the agency is heard
            sanction_decide(actor=admin, sanction=sanction, uphold=True, decision="清出")
        sanction_statement(actor=agent, sanction=sanction, statement="报告系笔误，已更正")
        sanction_decide(
            actor=admin, sanction=sanction, uphold=True, decision="清出中介超市", months=12
        )
        agency.refresh_from_db()
        assert agency.status == AgencyStatus.BLACKLISTED
        record = CreditRecord.objects.get(public_id=sanction.credit_record_public_id)
        assert (record.subject_kind, record.level, record.status) == ("agency", "serious", "active")
        sanction_appeal(actor=agent, sanction=sanction, appeal="申请复核")
        clock.move_to(_at(10))
        sanction_appeal_decide(actor=admin, sanction=sanction, overturn=True, decision="复核撤销")
    agency.refresh_from_db()
    record.refresh_from_db()
    sanction.refresh_from_db()
    assert agency.status == AgencyStatus.LISTED
    assert record.status == "repaired"
    assert [h["to"] for h in sanction.history] == [
        "noticed",
        "stated",
        "decided",
        "appealed",
        "overturned",
    ]
    assert sanction.status == SanctionStatus.OVERTURNED
    assert RequestStatus.CHOSEN  # the states are shared with the selection tests
