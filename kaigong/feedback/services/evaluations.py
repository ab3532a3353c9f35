"""
好差评 (GB/T 39734-2020): invitations after each service occasion, the evaluation itself,
and the appeal (申诉复核) against a mistaken or malicious rating.

# rule: one evaluation per case per occasion (一次一评), five levels and the nationally
# fixed indicators per channel, local extras apart (docs/legal.md#gbt-39734)
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaigong.cases.models import Case, CaseEvent, CaseItem
from kaigong.core.exceptions import InvalidInput, NotFound, PermissionDenied
from kaigong.core.services import audit_record, notification_send
from kaigong.feedback.constants import (
    BAD_LEVELS,
    AppealStatus,
    Channel,
    ErrorCode,
    EvaluationStatus,
    Level,
    Occasion,
    SetKind,
    TicketSource,
    TicketStatus,
)
from kaigong.feedback.exceptions import (
    InvitationExpired,
    InvitationInvalid,
    InvitationUsed,
    StateConflict,
)
from kaigong.feedback.models import Appeal, Evaluation, IndicatorSet, Invitation
from kaigong.feedback.permissions import is_centre_feedback_staff, is_department_staff
from kaigong.feedback.tokens import invitation_token, token_matches, token_parse

from .common import rule_for

INVITATION_TOPICS = ("case.accepted", "case_item.decided", "case.issued")


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _last_actor(case: Case, action: str):
    event = (
        CaseEvent.objects.filter(case=case, data__action=action)
        .select_related("actor")
        .order_by("-seq")
        .first()
    )
    return event.actor if event else None


def invitation_on_event(message) -> Invitation | None:
    """
    Relay consumer: after acceptance, each decision and issuance, invite the applicant
    to rate that occasion (idempotent: one invitation per case and occasion).
    """
    payload = message.payload or {}
    case_id, item_id = _uuid(payload.get("case")), _uuid(payload.get("item"))
    case = (
        Case.objects.filter(public_id=case_id)
        .select_related("service_center", "enterprise")
        .first()
        if case_id
        else None
    )
    if case is None:
        return None
    item = None
    if message.topic == "case.accepted":
        occasion, key = Occasion.ACCEPTANCE, ""
        staff = case.accepted_by
    elif message.topic == "case_item.decided":
        item = (
            CaseItem.objects.filter(public_id=item_id)
            .select_related("matter_version", "department", "approver")
            .first()
            if item_id
            else None
        )
        if item is None:
            return None
        occasion, key = Occasion.DECISION, str(item.public_id)
        staff = item.approver
    elif message.topic == "case.issued":
        occasion, key = Occasion.ISSUANCE, ""
        staff = _last_actor(case, "issue")
    else:
        return None
    return invitation_create(case=case, occasion=occasion, occasion_key=key, item=item, staff=staff)


def invitation_create(
    *, case: Case, occasion: str, occasion_key: str = "", item: CaseItem | None = None, staff=None
) -> Invitation:
    """The invitation of one occasion (the existing one when already made); tells the inbox."""
    existing = Invitation.objects.filter(
        case=case, occasion=occasion, occasion_key=occasion_key
    ).first()
    if existing is not None:
        return existing
    lead = (
        item
        or case.items.select_related("matter_version", "department").order_by("order", "id").first()
    )
    rule = rule_for(case.service_center)
    invitation = Invitation.objects.create(
        case=case,
        item=item,
        occasion=occasion,
        occasion_key=occasion_key,
        enterprise=case.enterprise,
        department=lead.department if lead else None,
        service_center=case.service_center,
        matter_version=lead.matter_version if lead else None,
        staff=staff if getattr(staff, "pk", None) else None,
        expires_at=timezone.now() + timedelta(days=rule.invitation_days),
    )
    notification_send(
        kind="feedback_invitation",
        title=_("Please rate the service: %(number)s, %(occasion)s")
        % {"number": case.number, "occasion": invitation.get_occasion_display()},
        body=_("One evaluation per occasion; the link is valid until %(date)s.")
        % {"date": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d")},
        link=f"/feedback/rate/{invitation_token(invitation)}/",
        enterprise=case.enterprise,
    )
    audit_record(actor=None, action="feedback_invitation_created", obj=invitation)
    return invitation


def invitation_resolve(token: str, *, lock: bool = False) -> Invitation:
    """
    The invitation a token names, if its MAC verifies, it has not expired and it is unused.
    Errors: ``invitation_invalid`` (404: malformed or forged), ``invitation_expired`` (410),
    ``invitation_used`` (409).
    """
    parsed = token_parse(token)
    if parsed is None:
        raise InvitationInvalid()
    public_id, expiry, mac = parsed
    rows = Invitation.objects.select_related(
        "case", "department", "service_center", "matter_version__matter", "staff"
    )
    if lock:
        rows = rows.select_for_update(of=("self",))
    invitation = rows.filter(public_id=public_id).first()
    if invitation is None or not token_matches(invitation, expiry, mac):
        raise InvitationInvalid()
    if invitation.used_at is not None:
        raise InvitationUsed()
    if timezone.now() >= invitation.expires_at:
        raise InvitationExpired()
    return invitation


def indicator_sets_ensure() -> None:
    """Seed the sets of kaigong/feedback/indicators.py that are missing (as migration 0002)."""
    from kaigong.feedback.indicators import LOCAL_SETS, NATIONAL_SETS

    for row in NATIONAL_SETS + LOCAL_SETS:
        IndicatorSet.objects.get_or_create(code=row["code"], version=row["version"], defaults=row)


def indicator_sets(channel: str) -> tuple[IndicatorSet, IndicatorSet | None]:
    """The national set in force for ``channel`` and the local extras (if any)."""
    national = (
        IndicatorSet.objects.filter(kind=SetKind.NATIONAL, channel=channel, active=True)
        .order_by("-version")
        .first()
    )
    local = (
        IndicatorSet.objects.filter(kind=SetKind.LOCAL, channel=channel, active=True)
        .order_by("-version")
        .first()
    )
    if national is None:
        raise InvalidInput(_("No indicator set is in force."), code=ErrorCode.INVALID_INDICATOR)
    return national, local


def _check_codes(chosen: Any, allowed: set[str], name: str) -> list[str]:
    if chosen in (None, ""):
        return []
    if not isinstance(chosen, list | tuple) or not all(isinstance(c, str) for c in chosen):
        chosen = None
    if chosen is None or not set(chosen) <= allowed:
        raise InvalidInput(
            _("Choose indicators of the set in force."),
            code=ErrorCode.INVALID_INDICATOR,
            invalid_params=[
                {"name": name, "code": ErrorCode.INVALID_INDICATOR, "reason": _("Unknown.")}
            ],
        )
    return sorted(set(chosen))


@transaction.atomic
def evaluation_submit(
    *,
    token: str,
    level: int,
    channel: str = Channel.ONLINE,
    indicators: Any = (),
    local_indicators: Any = (),
    text: str = "",
    rater=None,
) -> Evaluation:
    """
    Rate the occasion the token names, once. A bad rating (不满意/非常不满意) opens a
    rectification ticket. Errors: the invitation's (404/409/410), ``invalid_input`` for a
    level outside 1–5, ``invalid_indicator``, ``already_rated`` (409).
    """
    invitation = invitation_resolve(token, lock=True)
    if isinstance(level, bool) or level not in Level.values:
        raise InvalidInput(
            _("Choose one of the five levels."),
            invalid_params=[{"name": "level", "code": "invalid_choice", "reason": _("1 to 5.")}],
        )
    if channel not in Channel.values:
        channel = Channel.ONLINE
    national, local = indicator_sets(channel)
    chosen = _check_codes(list(indicators or []), national.codes(), "indicators")
    extras = _check_codes(
        list(local_indicators or []), local.codes() if local else set(), "local_indicators"
    )
    if Evaluation.objects.filter(
        case=invitation.case, occasion=invitation.occasion, occasion_key=invitation.occasion_key
    ).exists():
        raise StateConflict(
            _("This occasion has already been rated."), code=ErrorCode.ALREADY_RATED
        )
    now = timezone.now()
    # single use, also against a concurrent second submission of the same link
    if not Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(used_at=now):
        raise InvitationUsed()
    evaluation = Evaluation.objects.create(
        invitation=invitation,
        case=invitation.case,
        occasion=invitation.occasion,
        occasion_key=invitation.occasion_key,
        matter_version=invitation.matter_version,
        department=invitation.department,
        service_center=invitation.service_center,
        staff=invitation.staff,
        enterprise=invitation.enterprise,
        rater=rater if getattr(rater, "pk", None) else None,
        channel=channel,
        level=int(level),
        indicator_set=national,
        indicators=chosen,
        local_set=local if extras else None,
        local_indicators=extras,
        text=(text or "")[:2000],
        rated_at=now,
    )
    audit_record(
        actor=rater,
        action="feedback_evaluation_submitted",
        obj=evaluation,
        summary=f"{invitation.case.number} {evaluation.get_occasion_display()} {evaluation.level}",
    )
    if evaluation.level in BAD_LEVELS and invitation.service_center is not None:
        from .tickets import ticket_open

        ticket_open(
            source=TicketSource.BAD_REVIEW,
            case=invitation.case,
            service_center=invitation.service_center,
            department=invitation.department,
            problem=evaluation.text or evaluation.get_level_display(),
            evaluation=evaluation,
        )
    return evaluation


# -- appeals (申诉复核) -------------------------------------------------------------------


def can_file_appeal(user, evaluation: Evaluation) -> bool:
    return (
        is_department_staff(user, evaluation.department_id)
        or (evaluation.staff_id is not None and evaluation.staff_id == getattr(user, "pk", None))
        or is_centre_feedback_staff(user, evaluation.service_center_id)
    )


@transaction.atomic
def appeal_file(
    *, evaluation: Evaluation, actor, ground: str, reason: str, evidence: str, evidence_file=None
) -> Appeal:
    """The rated side contests a rating, with evidence. Errors: 403, ``appeal_state`` (409)."""
    if not can_file_appeal(actor, evaluation):
        raise PermissionDenied(_("Only the rated unit or person may appeal."))
    if evaluation.status != EvaluationStatus.VALID:
        raise StateConflict(
            _("This evaluation is already under appeal or annulled."), code=ErrorCode.APPEAL_STATE
        )
    if not (reason or "").strip() or not (evidence or "").strip():
        raise InvalidInput(
            _("An appeal needs a reason and evidence."),
            invalid_params=[
                {"name": n, "code": "required", "reason": _("Required.")}
                for n, v in (("reason", reason), ("evidence", evidence))
                if not (v or "").strip()
            ],
        )
    from kaigong.feedback.constants import AppealGround

    if ground not in AppealGround.values:
        raise InvalidInput(
            _("Choose the ground of the appeal."),
            invalid_params=[{"name": "ground", "code": "invalid_choice", "reason": _("Unknown.")}],
        )
    appeal = Appeal.objects.create(
        evaluation=evaluation,
        ground=ground,
        reason=reason.strip(),
        evidence=evidence.strip(),
        evidence_file=evidence_file or "",
        filed_by=actor,
    )
    evaluation.status = EvaluationStatus.APPEALED
    evaluation.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="feedback_appeal_filed", obj=appeal)
    return appeal


def can_review_appeal(user, appeal: Appeal) -> bool:
    evaluation = appeal.evaluation
    if getattr(user, "pk", None) in (appeal.filed_by_id, evaluation.staff_id):
        return False
    return is_centre_feedback_staff(user, evaluation.service_center_id)


@transaction.atomic
def appeal_decide(*, appeal: Appeal, actor, upheld: bool, note: str) -> Appeal:
    """
    A second person (not the filer, not the rated staff member) decides. Upheld: the rating
    is annulled and an open ticket is cancelled. Errors: 403 ``appeal_same_person``, 409.
    """
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("evaluation")
        .get(pk=appeal.pk)
    )
    if getattr(actor, "pk", None) in (appeal.filed_by_id, appeal.evaluation.staff_id):
        raise PermissionDenied(
            _("The appeal is reviewed by a second person."), code=ErrorCode.APPEAL_SAME_PERSON
        )
    if not can_review_appeal(actor, appeal):
        raise PermissionDenied(_("Only the centre's feedback staff review appeals."))
    if appeal.status != AppealStatus.PENDING:
        raise StateConflict(_("The appeal has been decided."), code=ErrorCode.APPEAL_STATE)
    if not (note or "").strip():
        raise InvalidInput(
            _("Give the reason of the decision."),
            invalid_params=[{"name": "note", "code": "required", "reason": _("Required.")}],
        )
    appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
    appeal.reviewed_by, appeal.reviewed_at, appeal.review_note = actor, timezone.now(), note.strip()
    appeal.save()
    evaluation = appeal.evaluation
    evaluation.status = EvaluationStatus.ANNULLED if upheld else EvaluationStatus.VALID
    evaluation.save(update_fields=["status", "updated_at"])
    if upheld:
        ticket = getattr(evaluation, "ticket", None)
        if ticket is not None and ticket.status not in (
            TicketStatus.CLOSED,
            TicketStatus.CANCELLED,
        ):
            ticket.status, ticket.closed_at = TicketStatus.CANCELLED, timezone.now()
            ticket.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(actor=actor, action="feedback_appeal_decided", obj=appeal, data={"upheld": upheld})
    return appeal


def evaluation_not_found() -> NotFound:
    return NotFound(_("No such evaluation."), code=ErrorCode.EVALUATION_NOT_FOUND)
