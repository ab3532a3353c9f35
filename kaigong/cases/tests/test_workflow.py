"""The transition tables, row by row, and every pair they forbid (pure, no database)."""

import itertools

import pytest

from kaigong.cases.constants import (
    ITEM_CONCLUDED_STATUSES,
    ITEM_OPEN_STATUSES,
    CaseAction,
    CaseStatus,
    ErrorCode,
    ItemAction,
    ItemStatus,
)
from kaigong.cases.exceptions import TransitionNotAllowed
from kaigong.cases.workflow import (
    CASE_TRANSITIONS,
    ITEM_TRANSITIONS,
    case_allowed_actions,
    case_next_status,
    item_allowed_actions,
    item_next_status,
)

CASE_ROWS = [
    ("draft", "edit", "draft"),
    ("draft", "submit", "submitted"),
    ("draft", "withdraw", "withdrawn"),
    ("submitted", "accept", "accepted"),
    ("submitted", "refuse", "refused"),
    ("submitted", "request_correction", "correction_requested"),
    ("submitted", "withdraw", "withdrawn"),
    ("correction_requested", "edit", "correction_requested"),
    ("correction_requested", "resubmit", "submitted"),
    ("correction_requested", "withdraw", "withdrawn"),
    ("accepted", "supply", "accepted"),
    ("accepted", "recompute", "accepted"),
    ("accepted", "conclude", "concluded"),
    ("accepted", "withdraw", "withdrawn"),
    ("accepted", "halt", "halted"),
    ("concluded", "supply", "concluded"),
    ("concluded", "issue", "issued"),
    ("concluded", "halt", "halted"),
]

ITEM_ROWS = [
    ("waiting", "start_review", "in_review"),
    ("in_review", "pause", "paused"),
    ("paused", "resume", "in_review"),
    ("in_review", "propose", "proposed"),
    ("proposed", "send_back", "in_review"),
    ("in_review", "pre_approve", "pre_approved"),
    ("proposed", "pre_approve", "pre_approved"),
    ("proposed", "approve", "approved"),
    ("proposed", "approve_deferred", "approved_deferred"),
    ("pre_approved", "approve", "approved"),
    ("pre_approved", "approve_deferred", "approved_deferred"),
    ("approved_deferred", "complete_materials", "approved"),
    ("proposed", "deny", "denied"),
    ("pre_approved", "deny", "denied"),
    ("in_review", "extend", "in_review"),
    ("paused", "extend", "paused"),
    ("proposed", "extend", "proposed"),
    ("in_review", "consent_letter", "in_review"),
    ("proposed", "consent_letter", "proposed"),
    ("in_review", "recompute", "in_review"),
    ("paused", "recompute", "paused"),
    ("proposed", "recompute", "proposed"),
    ("pre_approved", "recompute", "pre_approved"),
    ("waiting", "withdraw", "withdrawn"),
    ("in_review", "withdraw", "withdrawn"),
    ("paused", "withdraw", "withdrawn"),
    ("proposed", "withdraw", "withdrawn"),
    ("pre_approved", "withdraw", "withdrawn"),
    ("waiting", "terminate", "terminated"),
    ("in_review", "terminate", "terminated"),
    ("paused", "terminate", "terminated"),
    ("proposed", "terminate", "terminated"),
    ("pre_approved", "terminate", "terminated"),
    ("approved_deferred", "terminate", "terminated"),
]


@pytest.mark.parametrize(("current", "action", "expected"), CASE_ROWS)
def test_case_transition_row(current, action, expected):
    assert case_next_status(current, action) == expected


@pytest.mark.parametrize(("current", "action", "expected"), ITEM_ROWS)
def test_item_transition_row(current, action, expected):
    assert item_next_status(current, action) == expected


def test_tables_have_exactly_the_documented_rows():
    assert {(s.value, a.value, t.value) for (s, a), t in CASE_TRANSITIONS.items()} == set(CASE_ROWS)
    assert {(s.value, a.value, t.value) for (s, a), t in ITEM_TRANSITIONS.items()} == set(ITEM_ROWS)


CASE_FORBIDDEN = [
    (s.value, a.value)
    for s, a in itertools.product(CaseStatus, CaseAction)
    if (s.value, a.value) not in {(r[0], r[1]) for r in CASE_ROWS}
]
ITEM_FORBIDDEN = [
    (s.value, a.value)
    for s, a in itertools.product(ItemStatus, ItemAction)
    if (s.value, a.value) not in {(r[0], r[1]) for r in ITEM_ROWS}
]


@pytest.mark.parametrize(("current", "action"), CASE_FORBIDDEN)
def test_case_forbidden_pair_raises_transition_not_allowed(current, action):
    with pytest.raises(TransitionNotAllowed) as excinfo:
        case_next_status(current, action)
    assert excinfo.value.code == ErrorCode.TRANSITION_NOT_ALLOWED
    assert excinfo.value.status == 409
    assert excinfo.value.extra == {"current_status": current, "action": action}


@pytest.mark.parametrize(("current", "action"), ITEM_FORBIDDEN)
def test_item_forbidden_pair_raises_transition_not_allowed(current, action):
    with pytest.raises(TransitionNotAllowed) as excinfo:
        item_next_status(current, action)
    assert excinfo.value.code == ErrorCode.TRANSITION_NOT_ALLOWED


def test_unknown_values_are_refused_not_crashing():
    with pytest.raises(TransitionNotAllowed):
        case_next_status("nonsense", "submit")
    with pytest.raises(TransitionNotAllowed):
        item_next_status("in_review", "nonsense")


def test_closed_case_statuses_allow_nothing():
    for status in ("refused", "withdrawn", "issued", "halted"):
        assert case_allowed_actions(status) == []


def test_concluded_items_allow_nothing_but_their_own_exits():
    for status in ITEM_CONCLUDED_STATUSES - {ItemStatus.APPROVED_DEFERRED}:
        assert item_allowed_actions(status) == []
    assert set(item_allowed_actions("approved_deferred")) == {"complete_materials", "terminate"}


def test_every_open_item_status_can_be_withdrawn_and_terminated():
    for status in ITEM_OPEN_STATUSES:
        assert "withdraw" in item_allowed_actions(status)
        assert "terminate" in item_allowed_actions(status)


def test_allowed_actions_of_a_submitted_case():
    assert set(case_allowed_actions("submitted")) == {
        "accept",
        "refuse",
        "request_correction",
        "withdraw",
    }
