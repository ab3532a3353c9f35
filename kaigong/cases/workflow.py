"""
Which action moves a case, or one item of it, from which status to which status.

Case (one bundled application, DESIGN.md §4)::

    draft ─submit→ submitted ─accept→ accepted ─conclude→ concluded ─issue→ issued
      │  ↺edit        │ │  ↑                │ ↺supply/recompute │ ↺supply
      │               │ │  └─resubmit─ correction_requested ↺edit
      │               │ └request_correction┘
      │               └─refuse→ refused
      └─withdraw (from draft, submitted, correction_requested, accepted)→ withdrawn
    accepted | concluded ─halt→ halted   (a 容缺 commitment lapsed)

Case item (one matter of the bundle in one department)::

    waiting ─start_review→ in_review ─propose→ proposed ─approve→ approved
                              ⇅ pause/resume    │ └─approve_deferred→ approved_deferred
                            paused              │      approved_deferred ─complete_materials→ approved
                              in_review ─pre_approve→ pre_approved ─approve→ approved
                              proposed ─send_back→ in_review
                              proposed | pre_approved ─deny→ denied
    every open status ─withdraw→ withdrawn; open or approved_deferred ─terminate→ terminated
    self-loops: extend, consent_letter, recompute (the clock changes, the status does not)

This module is pure: no database, no permissions. Services call ``next_status()`` through
the one transition helper of each aggregate and do everything else.
"""

from __future__ import annotations

from kaigong.cases.constants import CaseAction as CA
from kaigong.cases.constants import CaseStatus as CS
from kaigong.cases.constants import ItemAction as IA
from kaigong.cases.constants import ItemStatus as IS
from kaigong.cases.exceptions import TransitionNotAllowed

CASE_TRANSITIONS: dict[tuple[CS, CA], CS] = {
    (CS.DRAFT, CA.EDIT): CS.DRAFT,
    (CS.DRAFT, CA.SUBMIT): CS.SUBMITTED,
    (CS.DRAFT, CA.WITHDRAW): CS.WITHDRAWN,
    (CS.SUBMITTED, CA.ACCEPT): CS.ACCEPTED,
    (CS.SUBMITTED, CA.REFUSE): CS.REFUSED,
    (CS.SUBMITTED, CA.REQUEST_CORRECTION): CS.CORRECTION_REQUESTED,
    (CS.SUBMITTED, CA.WITHDRAW): CS.WITHDRAWN,
    (CS.CORRECTION_REQUESTED, CA.EDIT): CS.CORRECTION_REQUESTED,
    (CS.CORRECTION_REQUESTED, CA.RESUBMIT): CS.SUBMITTED,
    (CS.CORRECTION_REQUESTED, CA.WITHDRAW): CS.WITHDRAWN,
    (CS.ACCEPTED, CA.SUPPLY): CS.ACCEPTED,
    (CS.ACCEPTED, CA.RECOMPUTE): CS.ACCEPTED,
    (CS.ACCEPTED, CA.CONCLUDE): CS.CONCLUDED,
    (CS.ACCEPTED, CA.WITHDRAW): CS.WITHDRAWN,
    (CS.ACCEPTED, CA.HALT): CS.HALTED,
    (CS.CONCLUDED, CA.SUPPLY): CS.CONCLUDED,
    (CS.CONCLUDED, CA.ISSUE): CS.ISSUED,
    (CS.CONCLUDED, CA.HALT): CS.HALTED,
}

_ITEM_OPEN = (IS.WAITING, IS.IN_REVIEW, IS.PAUSED, IS.PROPOSED, IS.PRE_APPROVED)

ITEM_TRANSITIONS: dict[tuple[IS, IA], IS] = {
    (IS.WAITING, IA.START_REVIEW): IS.IN_REVIEW,
    (IS.IN_REVIEW, IA.PAUSE): IS.PAUSED,
    (IS.PAUSED, IA.RESUME): IS.IN_REVIEW,
    (IS.IN_REVIEW, IA.PROPOSE): IS.PROPOSED,
    (IS.PROPOSED, IA.SEND_BACK): IS.IN_REVIEW,
    (IS.IN_REVIEW, IA.PRE_APPROVE): IS.PRE_APPROVED,
    (IS.PROPOSED, IA.PRE_APPROVE): IS.PRE_APPROVED,
    (IS.PROPOSED, IA.APPROVE): IS.APPROVED,
    (IS.PROPOSED, IA.APPROVE_DEFERRED): IS.APPROVED_DEFERRED,
    (IS.PRE_APPROVED, IA.APPROVE): IS.APPROVED,
    (IS.PRE_APPROVED, IA.APPROVE_DEFERRED): IS.APPROVED_DEFERRED,
    (IS.APPROVED_DEFERRED, IA.COMPLETE_MATERIALS): IS.APPROVED,
    (IS.PROPOSED, IA.DENY): IS.DENIED,
    (IS.PRE_APPROVED, IA.DENY): IS.DENIED,
    (IS.IN_REVIEW, IA.EXTEND): IS.IN_REVIEW,
    (IS.PAUSED, IA.EXTEND): IS.PAUSED,
    (IS.PROPOSED, IA.EXTEND): IS.PROPOSED,
    (IS.IN_REVIEW, IA.CONSENT_LETTER): IS.IN_REVIEW,
    (IS.PROPOSED, IA.CONSENT_LETTER): IS.PROPOSED,
    **{(status, IA.RECOMPUTE): status for status in _ITEM_OPEN if status != IS.WAITING},
    **{(status, IA.WITHDRAW): IS.WITHDRAWN for status in _ITEM_OPEN},
    **{(status, IA.TERMINATE): IS.TERMINATED for status in (*_ITEM_OPEN, IS.APPROVED_DEFERRED)},
}


def case_next_status(current: str, action: str) -> CS:
    """Return the case status ``action`` leads to, or raise TransitionNotAllowed."""
    try:
        return CASE_TRANSITIONS[(CS(current), CA(action))]
    except (KeyError, ValueError):
        raise TransitionNotAllowed(current=current, action=action) from None


def item_next_status(current: str, action: str) -> IS:
    """Return the item status ``action`` leads to, or raise TransitionNotAllowed."""
    try:
        return ITEM_TRANSITIONS[(IS(current), IA(action))]
    except (KeyError, ValueError):
        raise TransitionNotAllowed(current=current, action=action) from None


def case_allowed_actions(current: str) -> list[CA]:
    """Actions available on a case in ``current`` (the API renders buttons from these)."""
    return [action for (status, action) in CASE_TRANSITIONS if status == current]


def item_allowed_actions(current: str) -> list[IA]:
    """Actions available on an item in ``current``."""
    return [action for (status, action) in ITEM_TRANSITIONS if status == current]


# The names the brief and STYLE.md use for the case table.
next_status = case_next_status
allowed_actions = case_allowed_actions
