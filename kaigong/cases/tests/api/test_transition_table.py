"""
The whole transition table, walked through the API (issue 10, part 2): from every status a
case or an item can be in, every action the API offers either succeeds (the table allows
it, and the status becomes the table's) or is refused with 409 ``transition_not_allowed``.
A table row that no walk covers fails the coverage test, so a new row needs a walk.
"""

from __future__ import annotations

from datetime import date

import pytest

from kaigong.accounts.models import CreditStanding
from kaigong.cases.constants import CaseAction as CA
from kaigong.cases.constants import CaseStatus as CS
from kaigong.cases.constants import ItemAction as IA
from kaigong.cases.constants import ItemStatus as IS
from kaigong.cases.models import Case, CaseItem
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.clock import item_pause
from kaigong.cases.services.commitments import commitment_breach_check
from kaigong.cases.services.decision import item_decide, item_pre_approve
from kaigong.cases.services.intake import (
    case_refuse,
    case_request_correction,
    case_submit,
    case_withdraw,
)
from kaigong.cases.services.review import item_opinion_submit
from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world, upload_all
from kaigong.cases.workflow import CASE_TRANSITIONS, ITEM_TRANSITIONS
from kaigong.credit.models import CreditRecord
from kaigong.credit.services import credit_record_withdraw

from .conftest import client_for

pytestmark = pytest.mark.django_db

DEFERRAL = {
    "text": "本单位承诺在期限内补齐设计图纸。",
    "signer_name": "张三",
    "materials": ["m-drawings"],
    "due_on": date(2026, 3, 5),
}

# --- cases ------------------------------------------------------------------------------------


def _approve_all(case):
    for n in (1, 2):
        item = item_of(case, f"M{n}")
        item_opinion_submit(item=item, actor=_w(case)[f"reviewer{n}"], text="同意",
                            recommendation="approve")  # fmt: skip
        item.refresh_from_db()
        item_decide(item=item, actor=_w(case)[f"approver{n}"], decision="approve")


_WORLDS: dict[int, dict] = {}


def _w(case) -> dict:
    return _WORLDS[case.bundle_id]


def _case_in(world, status: str) -> Case:
    """A case of ``world`` brought to ``status`` through the services."""
    _WORLDS[world.bundle.id] = world.users
    case = CaseFactory(world=world)
    if status == CS.DRAFT:
        # a complete draft: submission refuses while a required material is missing
        upload_all(case, world.applicant)
        return Case.objects.get(pk=case.pk)
    upload_all(case, world.applicant, skip=("m-drawings",) if status in _DEFERRED else ())
    case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
    if status == CS.SUBMITTED:
        return case
    if status == CS.CORRECTION_REQUESTED:
        case_request_correction(
            case=case, actor=world.clerk,
            items=[{"kind": "material", "code": "m-form", "problem": "defective"}],
        )  # fmt: skip
        return Case.objects.get(pk=case.pk)
    if status == CS.REFUSED:
        return case_refuse(
            case=case,
            actor=world.clerk,
            reason="不属于本机关职权",
            legal_basis="行政许可法第三十二条",
        )
    if status == CS.WITHDRAWN:
        return case_withdraw(case=case, actor=world.applicant)
    deferral = DEFERRAL if status in _DEFERRED else None
    if deferral:  # a previous lapse put the enterprise on watch: 容缺 needs good standing
        _good_standing(world)
        world.enterprise.credit_standing = CreditStanding.GOOD
        case = Case.objects.get(pk=case.pk)
    case = case_accept(case=case, actor=world.clerk, deferral=deferral)
    if status == CS.ACCEPTED:
        return case
    if status == CS.HALTED:
        commitment_breach_check(on=date(2026, 3, 9))
        return Case.objects.get(pk=case.pk)
    _approve_all(case)  # concluded (deferred materials outstanding) or issued
    return Case.objects.get(pk=case.pk)


_DEFERRED = (CS.CONCLUDED, CS.HALTED)

# API action → (role, method, path, body); SUPPLY is an upload of a deferred material.
CASE_API = {
    CA.EDIT: ("applicant", "put", "form-data/", {"data": {"project_name": "改名后的项目"}}),
    CA.SUBMIT: ("applicant", "post", "submit/", {}),
    CA.ACCEPT: ("clerk", "post", "accept/", {}),
    CA.REFUSE: ("clerk", "post", "refuse/", {"reason": "不属于本机关职权", "legal_basis": "行政许可法第三十二条"}),
    CA.REQUEST_CORRECTION: (
        "clerk", "post", "request-correction/",
        {"items": [{"kind": "material", "code": "m-form", "problem": "defective"}]},
    ),
    CA.RESUBMIT: ("applicant", "post", "resubmit/", {}),
    CA.WITHDRAW: ("applicant", "post", "withdraw/", {"reason": "不再办理"}),
}  # fmt: skip
# system transitions: run by services, never by an API call (walked elsewhere, see below)
CASE_SYSTEM = {CA.CONCLUDE, CA.ISSUE, CA.HALT, CA.RECOMPUTE, CA.SUPPLY}


def _call(world, case, action):
    role, method, path, body = CASE_API[action]
    client = client_for(world.users[role])
    return getattr(client, method)(f"/api/v1/cases/{case.public_id}/{path}", body, format="json")


@pytest.mark.parametrize("status", list(CS))
def test_every_case_action_of_the_api_from_every_status(monday, status):
    world = lifecycle_world()
    for action in CASE_API:
        # given a case in ``status``
        case = _case_in(world, status)
        assert case.status == status
        # when the action is asked for through the API
        response = _call(world, case, action)
        allowed = (status, action) in CASE_TRANSITIONS
        role = CASE_API[action][0]
        visible = client_for(world.users[role]).get(f"/api/v1/cases/{case.public_id}/")
        # then it succeeds into the table's status, or is refused as not allowed (or, for
        # a role that cannot see the case in this status, not found: not visible == 404)
        if visible.status_code == 404:
            assert not allowed and response.status_code == 404, (status, action)
        elif allowed:
            assert response.status_code < 300, (status, action, response.json())
            case.refresh_from_db()
            assert case.status == CASE_TRANSITIONS[(status, action)], (status, action)
        else:
            assert response.status_code == 409, (status, action, response.status_code)
            assert response.json()["code"] == "transition_not_allowed", (status, action)


def test_the_system_transitions_of_a_case_happen_from_their_statuses(monday):
    world = lifecycle_world()
    # conclude + issue: the last decision of an accepted case
    assert _case_in(world, CS.ISSUED).status == CS.ISSUED
    # conclude without issue: a result waits for deferred materials
    concluded = _case_in(world, CS.CONCLUDED)
    assert concluded.status == CS.CONCLUDED
    # supply from concluded: the deferred material arrives, then issue
    from kaigong.cases.tests.factories import pdf_file

    client = client_for(world.applicant)
    response = client.post(
        f"/api/v1/cases/{concluded.public_id}/materials/",
        {"material": "m-drawings", "file": pdf_file("图纸.pdf")},
        format="multipart",
    )
    assert response.status_code < 300, response.json()
    concluded.refresh_from_db()
    assert concluded.status == CS.ISSUED
    # halt from accepted: a lapsed 容缺 commitment
    assert _case_in(world, CS.HALTED).status == CS.HALTED
    # supply from accepted
    accepted = _case_in(world, CS.ACCEPTED)
    assert accepted.status == CS.ACCEPTED


def test_every_row_of_the_case_table_is_walked():
    walked = {(s, a) for (s, a) in CASE_TRANSITIONS if a in CASE_API}
    system = {(s, a) for (s, a) in CASE_TRANSITIONS if a in CASE_SYSTEM}
    assert walked | system == set(CASE_TRANSITIONS)


# --- items ------------------------------------------------------------------------------------

DENY = {
    "decision": "deny",
    "reason": "设计方案不符合控制性详细规划",
    "legal_basis": "《城乡规划法》第四十条",
    "applicant_rights": "可依法申请行政复议或提起行政诉讼",
}
ITEM_API = {
    IA.PROPOSE: ("reviewer1", "opinions/", {"text": "同意", "recommendation": "approve"}),
    IA.APPROVE: ("approver1", "decide/", {"decision": "approve"}),
    IA.DENY: ("approver1", "decide/", DENY),
    IA.PAUSE: (
        "reviewer1",
        "pause/",
        {"reason": "专家评审", "evidence": "评审通知书", "planned_working_days": 5},
    ),
    IA.RESUME: ("reviewer1", "resume/", {}),
    IA.EXTEND: ("reviewer1", "extend/", {"working_days": 5, "reason": "情况复杂"}),
    IA.PRE_APPROVE: ("approver1", "pre-approve/", {"conditions": "以正式许可为准"}),
}
# run by services on their occasion (acceptance, routing, commitments, the clock, the
# case's withdrawal or halt), never by an item endpoint
ITEM_SYSTEM = {
    IA.START_REVIEW,
    IA.SEND_BACK,
    IA.APPROVE_DEFERRED,
    IA.COMPLETE_MATERIALS,
    IA.CONSENT_LETTER,
    IA.RECOMPUTE,
    IA.WITHDRAW,
    IA.TERMINATE,
}


def _item_in(world, status: str) -> CaseItem:
    """M1 of a fresh case of ``world`` (M2 waits for M1's result) brought to ``status``."""
    users = world.users
    if status == IS.WAITING:
        return item_of(_case_in(world, CS.ACCEPTED), "M2")
    if status == IS.APPROVED_DEFERRED:
        return _deferred_m1(world)  # M1 approved while its drawings are deferred (容缺)
    if status == IS.TERMINATED:
        return item_of(_case_in(world, CS.HALTED), "M1")
    case = _case_in(world, CS.ACCEPTED)
    item = item_of(case, "M1")
    if status == IS.WITHDRAWN:
        case_withdraw(case=case, actor=world.applicant)
    elif status == IS.PAUSED:
        item_pause(item=item, actor=users["reviewer1"], kind="special_procedure",
                   reason="专家评审", evidence="评审通知书", planned_working_days=5)  # fmt: skip
    elif status == IS.PRE_APPROVED:
        item_pre_approve(item=item, actor=users["approver1"], conditions="以正式许可为准")
    elif status in (IS.PROPOSED, IS.APPROVED, IS.DENIED):
        item_opinion_submit(item=item, actor=users["reviewer1"], text="同意",
                            recommendation="approve")  # fmt: skip
        if status != IS.PROPOSED:
            item.refresh_from_db()
            decision = "approve" if status == IS.APPROVED else "deny"
            extra = {k: v for k, v in DENY.items() if k != "decision"} if decision == "deny" else {}
            item_decide(item=item, actor=users["approver1"], decision=decision, **extra)
    return CaseItem.objects.get(pk=item.pk)


def _good_standing(world) -> None:
    """A previous walk's lapsed 容缺 left a watch record: it is overturned, standing restored."""
    for record in CreditRecord.objects.filter(enterprise=world.enterprise):
        credit_record_withdraw(public_id=record.public_id, reason="测试复位", actor=None)
    type(world.enterprise).objects.filter(pk=world.enterprise.pk).update(
        credit_standing=CreditStanding.GOOD
    )


def _deferred_m1(world) -> CaseItem:
    _good_standing(world)
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-drawings",))
    case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
    case = case_accept(case=case, actor=world.clerk, deferral=DEFERRAL)
    item = item_of(case, "M1")
    item_opinion_submit(item=item, actor=world.reviewer1, text="同意", recommendation="approve")
    item.refresh_from_db()
    item_decide(item=item, actor=world.approver1, decision="approve")
    return CaseItem.objects.get(pk=item.pk)


@pytest.mark.parametrize("status", list(IS))
def test_every_item_action_of_the_api_from_every_status(monday, status):
    world = lifecycle_world(dependency="requires_result")
    for action, (role, path, body) in ITEM_API.items():
        # given an item in ``status``
        item = _item_in(world, status)
        assert item.status == status, (status, item.status)
        client = client_for(world.users[role])
        # when the action is asked for through the API
        response = client.post(f"/api/v1/items/{item.public_id}/{path}", body, format="json")
        allowed = (status, action) in ITEM_TRANSITIONS
        visible = client.get(f"/api/v1/items/{item.public_id}/")
        # then it succeeds into the table's status, or is refused as not allowed
        if visible.status_code == 404:
            assert not allowed and response.status_code == 404, (status, action)
        elif allowed:
            assert response.status_code < 300, (status, action, response.json())
            item.refresh_from_db()
            assert item.status == ITEM_TRANSITIONS[(status, action)], (status, action)
        else:
            assert response.status_code == 409, (status, action, response.status_code)
            assert response.json()["code"] == "transition_not_allowed", (status, action)


def test_every_row_of_the_item_table_is_walked():
    walked = {(s, a) for (s, a) in ITEM_TRANSITIONS if a in ITEM_API}
    system = {(s, a) for (s, a) in ITEM_TRANSITIONS if a in ITEM_SYSTEM}
    assert walked | system == set(ITEM_TRANSITIONS)
