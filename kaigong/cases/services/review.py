"""
Review by a department: the reviewer's opinion, the approver sending it back.

The reviewer and the approver of an item are two people, and neither is the clerk who
accepted the case (permissions.py), unless the matter relaxes it (即办件).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kaigong.cases.constants import ErrorCode, ItemAction, Recommendation
from kaigong.cases.models import CaseItem, Opinion
from kaigong.cases.permissions import ensure_can_decide_item, ensure_can_review_item
from kaigong.cases.services._transition import _item_transition
from kaigong.cases.workflow import item_next_status
from kaigong.core.exceptions import InvalidInput

# What the messages call the fields (never their keys).
_FIELD_LABELS = {"opinion": _("opinion"), "reason": _("reason")}


def _required_text(value: str, name: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(
            _("Please write the %(name)s.") % {"name": _FIELD_LABELS.get(name, name)},
            code=ErrorCode.REASON_REQUIRED,
            invalid_params=[{"name": name, "code": ErrorCode.REASON_REQUIRED, "reason": ""}],
        )
    return value


@transaction.atomic
def item_opinion_submit(*, item: CaseItem, actor: Any, text: str, recommendation: str) -> Opinion:
    """
    The reviewer gives the department's opinion; the item then awaits the approver.

    Errors: ``permission_denied`` / ``separation_of_duties`` (403), ``reason_required`` /
    ``invalid_input`` (400), ``transition_not_allowed`` / ``stale_version`` (409).
    """
    ensure_can_review_item(actor, item)
    item_next_status(item.status, ItemAction.PROPOSE)
    text = _required_text(text, "opinion")
    if recommendation not in Recommendation.values:
        raise InvalidInput(
            _("Unknown recommendation."),
            invalid_params=[
                {"name": "recommendation", "code": "invalid_choice", "reason": str(recommendation)}
            ],
        )
    updated = _item_transition(
        item=item,
        action=ItemAction.PROPOSE,
        actor=actor,
        changes={"reviewer": actor},
        data={"recommendation": recommendation, "opinion": text},
    )
    opinion = Opinion(item=updated, author=actor, text=text, recommendation=recommendation)
    # perf: item and author were just read; the new row's uuid is unique by construction
    opinion.full_clean(exclude=["item", "author"], validate_unique=False)
    opinion.save()
    return opinion


@transaction.atomic
def item_send_back(*, item: CaseItem, actor: Any, reason: str) -> CaseItem:
    """
    The approver returns the opinion to review with a reason.

    Errors: ``permission_denied`` / ``separation_of_duties`` (403), ``reason_required``
    (400), ``transition_not_allowed`` / ``stale_version`` (409).
    """
    ensure_can_decide_item(actor, item)
    item_next_status(item.status, ItemAction.SEND_BACK)
    reason = _required_text(reason, "reason")
    return _item_transition(
        item=item, action=ItemAction.SEND_BACK, actor=actor, data={"reason": reason}
    )
