"""
Role × action matrix at service level: every role gets exactly "ok", 403 or 404.

404 comes from the visibility selectors (``case_get_for`` / ``item_get_for``), 403 from the
services' ``ensure_can_*``; the API adds the HTTP layer on top of the same calls.
"""

from django.db import transaction

import pytest

from kaigong.cases.selectors import case_get_for, item_get_for
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.clock import item_pause
from kaigong.cases.services.decision import item_decide, item_pre_approve
from kaigong.cases.services.drafting import case_form_data_set
from kaigong.cases.services.intake import (
    case_refuse,
    case_request_correction,
    case_submit,
    case_withdraw,
)
from kaigong.cases.services.review import item_opinion_submit
from kaigong.cases.tests.factories import (
    CaseFactory,
    item_of,
    lifecycle_world,
    upload_all,
    valid_form,
)
from kaigong.core.exceptions import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db

ROLES = [
    "applicant",
    "helper",
    "stranger",
    "clerk",
    "other_clerk",
    "reviewer1",
    "approver1",
    "inspector1",
    "reviewer2",
    "approver2",
    "supervisor",
    "catalog_admin",
]


def _case(user, case):
    return case_get_for(user, case.public_id)


def _m1(user, case):
    return item_get_for(user, item_of(case, "M1").public_id)


ACTIONS = {
    "edit": (
        "draft",
        lambda u, c: case_form_data_set(case=_case(u, c), actor=u, data=valid_form()),
    ),
    "submit": ("draft", lambda u, c: case_submit(case=_case(u, c), actor=u)),
    "accept": ("submitted", lambda u, c: case_accept(case=_case(u, c), actor=u)),
    "refuse": (
        "submitted",
        lambda u, c: case_refuse(case=_case(u, c), actor=u, reason="r", legal_basis="b"),
    ),
    "request_correction": (
        "submitted",
        lambda u, c: case_request_correction(
            case=_case(u, c), actor=u, items=[{"kind": "field", "code": "floor_area"}]
        ),
    ),
    "withdraw": ("submitted", lambda u, c: case_withdraw(case=_case(u, c), actor=u)),
    "opinion": (
        "accepted",
        lambda u, c: item_opinion_submit(
            item=_m1(u, c), actor=u, text="同意", recommendation="approve"
        ),
    ),
    "pause": (
        "accepted",
        lambda u, c: item_pause(
            item=_m1(u, c),
            actor=u,
            kind="special_procedure",
            reason="检测",
            evidence="委托书",
            planned_working_days=5,
        ),
    ),
    "decide": ("proposed", lambda u, c: item_decide(item=_m1(u, c), actor=u, decision="approve")),
    "pre_approve": ("accepted", lambda u, c: item_pre_approve(item=_m1(u, c), actor=u)),
}

# the assigned helper sees the draft but writes only under a mandate (cases.hooks.acting_for;
# the world grants none: test_acting_for_hook.py and kaigong/assistance/tests cover mandates)
HIDDEN_DRAFT = {r: 404 for r in ROLES} | {"applicant": "ok", "helper": 403}
WINDOW = {r: 404 for r in ROLES} | {
    "clerk": "ok",
    "applicant": 403,
    "helper": 403,
    "supervisor": 403,
}
# withdrawal is the enterprise's own: no mandate covers it
WITHDRAW = WINDOW | {"clerk": 403, "applicant": "ok", "helper": 403}
REVIEW = {r: 404 for r in ROLES} | {
    "reviewer1": "ok",
    "approver1": 403,
    "inspector1": 403,
    "clerk": 403,
    "applicant": 403,
    "helper": 403,
    "supervisor": 403,
}
DECIDE = REVIEW | {"reviewer1": 403, "approver1": "ok"}

EXPECTED = {
    "edit": HIDDEN_DRAFT,
    "submit": HIDDEN_DRAFT,
    "accept": WINDOW,
    "refuse": WINDOW,
    "request_correction": WINDOW,
    "withdraw": WITHDRAW,
    "opinion": REVIEW,
    "pause": REVIEW,
    "decide": DECIDE,
    "pre_approve": DECIDE,
}


class _Undo(Exception):
    pass


def _outcome(action, user, case):
    try:
        with transaction.atomic():
            ACTIONS[action][1](user, case)
            raise _Undo
    except _Undo:
        return "ok"
    except PermissionDenied:
        return 403
    except NotFound:
        return 404


@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_action_matrix(action, monday):
    world = lifecycle_world()
    case = CaseFactory(
        world=world, **({} if ACTIONS[action][0] == "draft" else {ACTIONS[action][0]: True})
    )
    if action == "submit":
        upload_all(case, world.applicant)  # a complete draft: only permissions decide
    outcomes = {role: _outcome(action, world.users[role], case) for role in ROLES}
    assert outcomes == EXPECTED[action]
