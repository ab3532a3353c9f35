"""
Decisions on an item: approve or deny, pre-approve (预审批) and finalise, consent letters.

After every decision the case's waiting items are re-examined (a result, a pre-approval
or a consent letter may let them start), the bundle's due dates refreshed, and the case
concluded if this was the last item (services/conclusion.py) — all in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaigong.cases.constants import (
    ConditionalKind,
    Decision,
    DenialKind,
    ErrorCode,
    ItemAction,
    ItemStatus,
    OfficialDocumentKind,
)
from kaigong.cases.hooks import document_due
from kaigong.cases.models import CaseItem, ConditionalResult, Denial
from kaigong.cases.permissions import ensure_can_decide_item
from kaigong.cases.services._transition import _item_transition
from kaigong.cases.services.clock import case_dues_refresh, case_items_for_dues
from kaigong.cases.services.commitments import item_has_deferred_materials
from kaigong.cases.services.conclusion import case_conclude_if_done
from kaigong.cases.services.routing import items_unblock
from kaigong.cases.workflow import item_next_status
from kaigong.core.clock import local_date
from kaigong.core.exceptions import Conflict, InvalidInput


def _after(item: CaseItem, actor: Any) -> None:
    """
    ``item`` comes from ``_item_transition``: its case is the row this transaction locked,
    and item transitions never write to the case row, so it is passed on as locked.
    """
    today = local_date()
    # perf: one read of the case's items serves the due dates, the waiting check and the
    # conclusion; only when an item waits (its prerequisites may now be met) does the
    # unblocking change items, and then they are read again after it
    items = case_items_for_dues(item.case)
    if any(i.status == ItemStatus.WAITING for i in items):
        items_unblock(case=item.case, actor=actor, on=today)
        items = case_items_for_dues(item.case)
    case = case_dues_refresh(case=item.case, actor=actor, on=today, case_locked=True, items=items)
    case_conclude_if_done(case=case, actor=actor, case_locked=True, items=items)


def _missing(name: str, code: str, message) -> dict:
    return {"name": name, "code": code, "reason": str(message)}


def _approve_action(item: CaseItem) -> str:
    return ItemAction.APPROVE_DEFERRED if item_has_deferred_materials(item) else ItemAction.APPROVE


@transaction.atomic
def item_decide(
    *,
    item: CaseItem,
    actor: Any,
    decision: str,
    reason: str = "",
    legal_basis: str = "",
    applicant_rights: str = "",
) -> CaseItem:
    """
    The approver decides an item that has the reviewer's opinion.

    ``approve``: approved, or approved_deferred while 容缺 materials are outstanding (its
    certificates are then held). ``deny`` (不予许可) needs ``reason``, ``legal_basis`` and
    ``applicant_rights`` (行政许可法 art. 38) and records a Denial.

    Errors: ``permission_denied`` / ``separation_of_duties`` (403), ``invalid_input``,
    ``reason_required``, ``legal_basis_required``, ``rights_required`` (400),
    ``transition_not_allowed`` / ``stale_version`` (409).
    """
    ensure_can_decide_item(actor, item)
    if decision not in Decision.values:
        raise InvalidInput(
            _("Decide approve or deny."),
            invalid_params=[_missing("decision", "invalid_choice", decision)],
        )
    now = timezone.now()
    decided = {
        "approver": actor,
        "decision": decision,
        "decided_at": now,
        "decided_on": local_date(now),
    }
    if decision == Decision.DENY:
        item_next_status(item.status, ItemAction.DENY)
        missing = []
        if not (reason or "").strip():
            missing.append(_missing("reason", ErrorCode.REASON_REQUIRED, _("Required.")))
        if not (legal_basis or "").strip():
            missing.append(_missing("legal_basis", ErrorCode.LEGAL_BASIS_REQUIRED, _("Required.")))
        if not (applicant_rights or "").strip():
            missing.append(_missing("applicant_rights", ErrorCode.RIGHTS_REQUIRED, _("Required.")))
        if missing:
            raise InvalidInput(
                _("A denial needs its reason, legal basis and the applicant's rights."),
                code=missing[0]["code"],
                invalid_params=missing,
            )
        item = _item_transition(
            item=item,
            action=ItemAction.DENY,
            actor=actor,
            changes=decided,
            data={"reason": reason, "legal_basis": legal_basis},
        )
        denial = Denial.objects.create(
            case_id=item.case_id,
            item=item,
            kind=DenialKind.DENIAL,
            reason=reason.strip(),
            legal_basis=legal_basis.strip(),
            applicant_rights=applicant_rights.strip(),
            by=actor,
        )
        document_due(OfficialDocumentKind.DENIAL_DECISION, denial)
    else:
        action = _approve_action(item)
        item = _item_transition(
            item=item, action=action, actor=actor, changes=decided, data={"reason": reason}
        )
        version = item.matter_version
        # perf: only a matter that allows a 预审批 or a 同意函 can have conditional results
        if version.pre_approval_allowed or version.consent_letter_allowed:
            item.conditional_results.filter(became_final_at__isnull=True).update(
                became_final_at=now
            )
        document_due(OfficialDocumentKind.APPROVAL_DECISION, item)
    _after(item, actor)
    return item


def _conditional(item: CaseItem, actor: Any, kind: str, conditions: str) -> ConditionalResult:
    result = ConditionalResult(item=item, kind=kind, conditions=conditions or "", issued_by=actor)
    result.full_clean()
    result.save()
    return result


@transaction.atomic
def item_pre_approve(*, item: CaseItem, actor: Any, conditions: str = "") -> ConditionalResult:
    """
    Issue a pre-approval (预审批) where the matter allows it; items that accept a
    pre-approval of this matter may start.

    Errors: ``permission_denied`` / ``separation_of_duties`` (403),
    ``pre_approval_not_allowed`` / ``transition_not_allowed`` / ``stale_version`` (409).
    """
    ensure_can_decide_item(actor, item)
    if not item.matter_version.pre_approval_allowed:
        raise Conflict(
            _("This matter does not allow a pre-approval."), code=ErrorCode.PRE_APPROVAL_NOT_ALLOWED
        )
    item = _item_transition(
        item=item,
        action=ItemAction.PRE_APPROVE,
        actor=actor,
        changes={"approver": actor},
        data={"conditions": conditions},
    )
    result = _conditional(item, actor, ConditionalKind.PRE_APPROVAL, conditions)
    _after(item, actor)
    return result


@transaction.atomic
def item_finalise_pre_approval(*, item: CaseItem, actor: Any, reason: str = "") -> CaseItem:
    """
    Turn a pre-approval into the final approval (approved_deferred while 容缺 materials are
    outstanding). Same errors as ``item_decide`` with ``approve``.
    """
    ensure_can_decide_item(actor, item)
    if item.status != ItemStatus.PRE_APPROVED:
        item_next_status(item.status, "finalise")
    return item_decide(item=item, actor=actor, decision=Decision.APPROVE, reason=reason)


@transaction.atomic
def item_consent_letter_issue(
    *, item: CaseItem, actor: Any, conditions: str = ""
) -> ConditionalResult:
    """
    Issue a consent letter (同意函) where the matter allows it; items that accept a consent
    letter of this matter may start. The item itself stays in review.

    Errors: ``permission_denied`` / ``separation_of_duties`` (403),
    ``consent_letter_not_allowed`` / ``transition_not_allowed`` / ``stale_version`` (409).
    """
    ensure_can_decide_item(actor, item)
    if not item.matter_version.consent_letter_allowed:
        raise Conflict(
            _("This matter does not allow a consent letter."),
            code=ErrorCode.CONSENT_LETTER_NOT_ALLOWED,
        )
    item = _item_transition(
        item=item, action=ItemAction.CONSENT_LETTER, actor=actor, data={"conditions": conditions}
    )
    result = _conditional(item, actor, ConditionalKind.CONSENT_LETTER, conditions)
    _after(item, actor)
    return result
