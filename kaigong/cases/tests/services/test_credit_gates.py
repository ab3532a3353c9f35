"""
The spine's credit gates (容缺, 告知承诺) ask kaigong.credit's ``credit_gate``: a refusal names
the records it rests on, the accept event cites the gates asked; records expire; credit
repair is a request with evidence and a decision.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from kaigong.accounts.models import CreditStanding
from kaigong.cases.constants import CaseAction, ErrorCode
from kaigong.cases.models import Case
from kaigong.cases.services.acceptance import case_accept_with_deferral
from kaigong.cases.services.intake import case_submit
from kaigong.cases.tests.conftest import MONDAY
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, upload_all
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.credit.constants import Gate, Level, ListKind, RecordStatus, RepairStatus, Source
from kaigong.credit.selectors import credit_gate
from kaigong.credit.services import (
    credit_record_create,
    credit_records_expire,
    credit_repair_decide,
    credit_repair_request,
)

pytestmark = pytest.mark.django_db

DEFERRAL = {
    "text": "承诺补齐",
    "signer_name": "张三",
    "materials": ["m-drawings"],
    "due_on": date(2026, 3, 6),
}


def _watch(world, **kw):
    return credit_record_create(
        actor=world.approver1,
        subject=world.enterprise,
        list_kind=ListKind.BLACK,
        level=kw.pop("level", Level.WATCH),
        reason="容缺材料逾期未补",
        basis="容缺受理承诺书",
        **kw,
    )


def test_the_gates_cite_the_records_and_the_accept_event_keeps_the_citation():
    with time_machine.travel(MONDAY, tick=False):
        world = lifecycle_world()
        case = CaseFactory(world=world)
        upload_all(case, world.applicant, skip=("m-drawings",))
        case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)

        # given a watch record entered by the authority (approver of D1)
        record = _watch(world)
        assert record.authority == world.departments[0]
        assert record.expires_on == date(2026, 6, 2)  # 关注: 3 months from 2026-03-02

        # then 容缺 is shut and the refusal names the record; 告知承诺 stays open, citing nothing
        decision = credit_gate(world.enterprise, Gate.DEFERRAL)
        assert (decision.allowed, decision.records) == (False, [record])
        undertaking = credit_gate(world.enterprise, Gate.UNDERTAKING)
        assert (
            undertaking.allowed and undertaking.records == [] and undertaking.consulted == [record]
        )
        with pytest.raises(Conflict) as refused:
            case_accept_with_deferral(case=case, actor=world.clerk, commitment=DEFERRAL)
        assert refused.value.code == ErrorCode.CREDIT_STANDING
        assert [p["reason"] for p in refused.value.invalid_params] == [str(record.public_id)]

        # when the record is repaired (request with evidence, decided by the authority)
        repair = credit_repair_request(
            actor=world.applicant,
            record=record,
            statement="材料已补齐",
            evidence="补交回执 2026-03-02",
        )
        credit_repair_decide(actor=world.approver1, repair=repair, grant=True, reason="已纠正")
        record.refresh_from_db()
        world.enterprise.refresh_from_db()
        assert record.status == RecordStatus.REPAIRED
        assert world.enterprise.credit_standing == CreditStanding.GOOD

        # then 容缺 is open again and the accept event cites the gate it asked
        accepted = case_accept_with_deferral(
            case=Case.objects.get(pk=case.pk), actor=world.clerk, commitment=DEFERRAL
        )
        event = accepted.events.filter(data__action=CaseAction.ACCEPT).get()
        assert event.data["credit_gates"] == [
            {
                "gate": "deferral",
                "allowed": True,
                "on": "2026-03-02",
                "standing": "good",
                "records": [],
                "consulted": [],
            }
        ]


def test_a_serious_record_shuts_the_undertaking_gate_and_records_expire():
    with time_machine.travel(MONDAY, tick=False):
        world = lifecycle_world()
        serious = _watch(world, level=Level.SERIOUS, expires_on=date(2026, 3, 20))
        gate = credit_gate(world.enterprise, Gate.UNDERTAKING)
        assert (gate.allowed, gate.records) == (False, [serious])
        world.enterprise.refresh_from_db()
        assert world.enterprise.credit_standing == CreditStanding.DISHONEST
        # the day the record stands until it still stands; the day after it has expired
        assert (
            credit_gate(world.enterprise, Gate.UNDERTAKING, on=date(2026, 3, 20)).allowed is False
        )
        assert credit_records_expire(on=date(2026, 3, 20)) == []
        assert credit_records_expire(on=date(2026, 3, 21)) == [serious]
    serious.refresh_from_db()
    world.enterprise.refresh_from_db()
    assert serious.status == RecordStatus.EXPIRED
    assert world.enterprise.credit_standing == CreditStanding.GOOD
    assert credit_gate(world.enterprise, Gate.UNDERTAKING, on=date(2026, 3, 21)).allowed


def test_who_enters_and_repairs_and_what_is_refused():
    with time_machine.travel(MONDAY, tick=False):
        world = lifecycle_world()
        with pytest.raises(PermissionDenied):
            _watch(
                world.__class__(
                    **{**world.__dict__, "users": {**world.users, "approver1": world.reviewer1}}
                )
            )
        with pytest.raises(InvalidInput) as wrong:
            _watch(world, level=Level.COMMENDED)
        assert wrong.value.code == "credit_level_mismatch"
        red = credit_record_create(
            actor=world.approver1,
            subject=world.enterprise,
            list_kind=ListKind.RED,
            level=Level.COMMENDED,
            reason="守信激励",
            basis="年度评定",
        )
        assert credit_gate(world.enterprise, Gate.DEFERRAL).allowed  # a red record shuts nothing
        record = _watch(world)
        with pytest.raises(PermissionDenied):
            credit_repair_request(actor=world.stranger, record=record, statement="x", evidence="y")
        with pytest.raises(InvalidInput):
            credit_repair_request(
                actor=world.applicant, record=record, statement="已整改", evidence=""
            )
        with pytest.raises(Conflict):
            credit_repair_request(actor=world.applicant, record=red, statement="x", evidence="y")
        repair = credit_repair_request(
            actor=world.applicant, record=record, statement="已整改", evidence="回执"
        )
        with pytest.raises(Conflict):
            credit_repair_request(
                actor=world.applicant, record=record, statement="again", evidence="y"
            )
        with pytest.raises(PermissionDenied):  # another department's approver
            credit_repair_decide(actor=world.approver2, repair=repair, grant=True, reason="x")
        refused = credit_repair_decide(
            actor=world.approver1, repair=repair, grant=False, reason="证据不足"
        )
        assert refused.status == RepairStatus.REFUSED
        record.refresh_from_db()
        assert record.status == RecordStatus.ACTIVE
        with pytest.raises(Conflict):
            credit_repair_decide(actor=world.approver1, repair=repair, grant=True, reason="x")
        system = credit_record_create(
            actor=None,
            subject=world.enterprise,
            list_kind=ListKind.BLACK,
            level=Level.GENERAL,
            reason="告知承诺不实",
            basis="告知承诺书",
            authority=world.departments[1],
            source=Source.SYSTEM,
        )
        assert system.authority_name == world.departments[1].name
