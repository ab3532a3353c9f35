"""
Due process in the marketplace: sanctions on an agency (notice 告知 → statement 陈述申辩 →
decision → publication, appeal 复核, expiry) and objections to a published selection
(公示期异议: raised by a bidder or the public, decided by a centre administrator; upheld, the
selection is run again without the winning bid). docs/marketplace.md#due-process
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import User
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_holds
from kaigong.calendars.selectors import work_calendar
from kaigong.calendars.workdays import add_working_days
from kaigong.core.clock import local_date
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.services import audit_record, notification_send
from kaigong.credit.constants import Level, ListKind, Source, SubjectKind
from kaigong.credit.services import credit_record_create, credit_record_withdraw

from .constants import (
    AgencyStatus,
    ErrorCode,
    ObjectionStatus,
    RaiserKind,
    RequestStatus,
    SanctionKind,
    SanctionStatus,
)
from .models import Agency, Objection, Sanction, ServiceRequest
from .services import selection_void


def _invalid(name: str, reason) -> InvalidInput:
    return InvalidInput(
        reason,
        code="invalid_input",
        invalid_params=[{"name": name, "code": "invalid_input", "reason": str(reason)}],
    )


def _is_member(user: User, enterprise_id: int, *roles: str) -> bool:
    return user_holds(user, *roles, enterprise_id=enterprise_id)


# -- sanctions with due process ---------------------------------------------------------


def _locked(sanction: Sanction) -> Sanction:
    """Lock the row and bring the caller's instance up to date (it is the one returned)."""
    Sanction.objects.select_for_update(of=("self",)).get(pk=sanction.pk)
    sanction.refresh_from_db()
    return sanction


def _sanction_step(sanction: Sanction, to: str, actor: Any, text: str) -> None:
    sanction.history = [
        *sanction.history,
        {"to": to, "at": timezone.localtime().isoformat(timespec="minutes"), "text": text[:300]},
    ]
    sanction.status = to
    sanction.save()
    audit_record(actor=actor, action=f"sanction_{to}", obj=sanction, summary=text[:200])


@transaction.atomic
def sanction_open(*, actor: User, agency: Agency, kind: str, grounds: str) -> Sanction:
    """
    Serve notice of an intended suspension or blacklisting (告知), with the grounds and a
    statement period of 5 working days. Role: centre administrator.
    """
    if not user_holds(actor, Role.CENTRE_ADMIN):
        raise PermissionDenied(_("Only a centre administrator sanctions agencies."))
    if kind not in SanctionKind.values or not grounds.strip():
        raise _invalid("grounds", _("Give the kind and the grounds."))
    # rule: the party is heard before a sanction: 告知 then 陈述申辩 (docs/legal.md#marketplace-rules)
    due = add_working_days(local_date(), 5, calendar=work_calendar())
    sanction = Sanction.objects.create(
        agency=agency,
        kind=kind,
        grounds=grounds.strip()[:4000],
        statement_due_on=due,
        opened_by=actor,
        history=[
            {
                "to": SanctionStatus.NOTICED,
                "at": timezone.localtime().isoformat(timespec="minutes"),
                "text": grounds[:300],
            }
        ],
    )
    notification_send(
        kind="sanction_notice",
        title=str(_("Notice of an intended sanction")),
        body=grounds[:300],
        enterprise=agency.enterprise,
    )
    audit_record(actor=actor, action="sanction_open", obj=sanction, summary=grounds[:200])
    return sanction


@transaction.atomic
def sanction_statement(*, actor: User, sanction: Sanction, statement: str) -> Sanction:
    """The agency's statement (陈述申辩), within the period. Role: intermediary of the agency."""
    if not _is_member(actor, sanction.agency.enterprise_id, Role.INTERMEDIARY):
        raise PermissionDenied(_("Only the agency states its case."))
    sanction = _locked(sanction)
    if sanction.status != SanctionStatus.NOTICED or local_date() > sanction.statement_due_on:
        raise Conflict(_("The statement period is over."), code=ErrorCode.SANCTION_STEP)
    if not statement.strip():
        raise _invalid("statement", _("Write the statement."))
    sanction.statement = statement.strip()[:4000]
    _sanction_step(sanction, SanctionStatus.STATED, actor, statement)
    return sanction


@transaction.atomic
def sanction_decide(
    *, actor: User, sanction: Sanction, uphold: bool, decision: str, months: int = 12
) -> Sanction:
    """
    Decide after the statement (or its period): upheld, the agency is suspended or
    blacklisted until the end date and a credit record is written; or dismissed.
    Role: centre administrator.
    """
    if not user_holds(actor, Role.CENTRE_ADMIN):
        raise PermissionDenied(_("Only a centre administrator decides."))
    sanction = _locked(sanction)
    heard = sanction.status == SanctionStatus.STATED or (
        sanction.status == SanctionStatus.NOTICED and local_date() > sanction.statement_due_on
    )
    if not heard:
        raise Conflict(_("The agency has not been heard yet."), code=ErrorCode.SANCTION_STEP)
    if not decision.strip() or not 1 <= months <= 60:
        raise _invalid("decision", _("Write the decision; 1 to 60 months."))
    sanction.decision = decision.strip()[:4000]
    if not uphold:
        _sanction_step(sanction, SanctionStatus.DISMISSED, actor, decision)
        return sanction
    sanction.starts_on = local_date()
    sanction.ends_on = sanction.starts_on + timedelta(days=round(months * 30.4375))
    agency = sanction.agency
    agency.status = (
        AgencyStatus.SUSPENDED
        if sanction.kind == SanctionKind.SUSPEND
        else AgencyStatus.BLACKLISTED
    )
    agency.save(update_fields=["status", "updated_at"])
    record = credit_record_create(
        actor=actor,
        subject=agency.enterprise,
        subject_kind=SubjectKind.AGENCY,
        list_kind=ListKind.BLACK,
        level=Level.SERIOUS if sanction.kind == SanctionKind.BLACKLIST else Level.GENERAL,
        reason=sanction.grounds[:500],
        basis=str(_("中介超市管理办法：%(d)s")) % {"d": decision[:100]},
        expires_on=sanction.ends_on,
        source=Source.SYSTEM,
        source_reference=f"marketplace.sanction:{sanction.public_id}",
    )
    sanction.credit_record_public_id = record.public_id
    _sanction_step(sanction, SanctionStatus.DECIDED, actor, decision)
    # rule: a decided sanction is published (docs/legal.md#marketplace-rules)
    notification_send(
        kind="sanction_decided",
        title=str(_("A sanction was decided")),
        body=decision[:300],
        enterprise=agency.enterprise,
    )
    return sanction


@transaction.atomic
def sanction_appeal(*, actor: User, sanction: Sanction, appeal: str) -> Sanction:
    """The agency asks for review (复核) of a decided sanction. Role: intermediary of the agency."""
    if not _is_member(actor, sanction.agency.enterprise_id, Role.INTERMEDIARY):
        raise PermissionDenied(_("Only the agency appeals."))
    sanction = _locked(sanction)
    if sanction.status != SanctionStatus.DECIDED or not appeal.strip():
        raise Conflict(_("Only a decided sanction can be appealed."), code=ErrorCode.SANCTION_STEP)
    sanction.appeal = appeal.strip()[:4000]
    _sanction_step(sanction, SanctionStatus.APPEALED, actor, appeal)
    return sanction


@transaction.atomic
def sanction_appeal_decide(
    *, actor: User, sanction: Sanction, overturn: bool, decision: str
) -> Sanction:
    """Decide the appeal: overturned, the agency is listed again and the record ends."""
    if not user_holds(actor, Role.CENTRE_ADMIN):
        raise PermissionDenied(_("Only a centre administrator decides."))
    sanction = _locked(sanction)
    if sanction.status != SanctionStatus.APPEALED or not decision.strip():
        raise Conflict(_("There is no appeal to decide."), code=ErrorCode.SANCTION_STEP)
    sanction.appeal_decision = decision.strip()[:4000]
    if not overturn:
        _sanction_step(sanction, SanctionStatus.DECIDED, actor, decision)
        return sanction
    agency = sanction.agency
    agency.status = AgencyStatus.LISTED
    agency.save(update_fields=["status", "updated_at"])
    credit_record_withdraw(public_id=sanction.credit_record_public_id, reason=decision, actor=actor)
    _sanction_step(sanction, SanctionStatus.OVERTURNED, actor, decision)
    return sanction


def sanctions_expire(*, on: date | None = None) -> int:
    """Decided sanctions past their end date expire; the agency is listed again."""
    today = on or local_date()
    count = 0
    for sanction in Sanction.objects.filter(status=SanctionStatus.DECIDED, ends_on__lt=today):
        with transaction.atomic():
            agency = sanction.agency
            agency.status = AgencyStatus.LISTED
            agency.save(update_fields=["status", "updated_at"])
            _sanction_step(sanction, SanctionStatus.EXPIRED, None, str(today))
            count += 1
    return count


# -- objections to a published selection (公示期异议) --------------------------------------


@transaction.atomic
def objection_raise(
    *,
    actor: User,
    request: ServiceRequest,
    grounds: str,
    contact: str = "",
    now: datetime | None = None,
) -> Objection:
    """
    A bidder or a member of the public objects to the published winner within the objection
    period. Role: any signed-in person but the winner's own people. Errors:
    ``permission_denied`` (403), ``invalid_input`` (400), ``request_wrong_state``,
    ``objection_period_closed`` (409).
    """
    request = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("winner__agency", "owner")
        .get(pk=request.pk)
    )
    if request.status != RequestStatus.CHOSEN or request.winner is None:
        raise Conflict(
            _("There is no published selection to object to."), code=ErrorCode.WRONG_STATE
        )
    winner = request.winner
    if _is_member(actor, winner.agency.enterprise_id, Role.INTERMEDIARY):
        raise PermissionDenied(_("The chosen agency does not object to its own selection."))
    # rule: objections are raised within the 公示 period (docs/legal.md#marketplace-rules)
    assert request.objection_until is not None  # set with the winner (``_publish``)
    now = now or timezone.now()  # ``now``: the demo replays a past selection
    if local_date(now) > request.objection_until:
        raise Conflict(
            _("The objection period ended on %(d)s.") % {"d": request.objection_until},
            code=ErrorCode.OBJECTION_CLOSED,
        )
    if not grounds.strip():
        raise _invalid("grounds", _("Give the grounds of the objection."))
    bidder = any(
        _is_member(actor, enterprise_id, Role.INTERMEDIARY)
        for enterprise_id in request.bids.values_list("agency__enterprise_id", flat=True)
    )
    row = Objection.objects.create(
        request=request,
        bid=winner,
        raiser_kind=RaiserKind.BIDDER if bidder else RaiserKind.PUBLIC,
        raised_by=actor,
        contact=contact.strip()[:60],
        grounds=grounds.strip()[:4000],
        created_at=now,
    )
    for enterprise in (request.owner, winner.agency.enterprise):
        notification_send(
            kind="objection_raised",
            title=str(_("An objection was raised to a published selection")),
            body=request.title,
            enterprise=enterprise,
        )
    audit_record(actor=actor, action="objection_raise", obj=row, summary=grounds[:200])
    return row


@transaction.atomic
def objection_decide(
    *,
    actor: User,
    objection: Objection,
    uphold: bool,
    decision: str,
    now: datetime | None = None,
) -> Objection:
    """
    A centre administrator decides an objection. Upheld: the winning bid is excluded and the
    selection runs again among the remaining eligible bids (``selection_void``: a new list
    frozen and a new draw committed, or 流标); other open objections to the same bid are
    decided with it. Dismissed: the selection stands. Errors: ``permission_denied`` (403),
    ``invalid_input`` (400), ``objection_decided`` (409).
    """
    if not user_holds(actor, Role.CENTRE_ADMIN):
        raise PermissionDenied(_("Only a centre administrator decides objections."))
    request = ServiceRequest.objects.select_for_update(of=("self",)).get(pk=objection.request_id)
    Objection.objects.select_for_update(of=("self",)).get(pk=objection.pk)
    objection.refresh_from_db()
    if objection.status != ObjectionStatus.OPEN:
        raise Conflict(_("This objection has been decided."), code=ErrorCode.OBJECTION_DECIDED)
    if not decision.strip():
        raise _invalid("decision", _("Write the decision and its reasons."))
    text = decision.strip()[:4000]
    rows = [objection]
    if uphold:
        rows += list(
            Objection.objects.select_for_update(of=("self",))
            .filter(bid_id=objection.bid_id, status=ObjectionStatus.OPEN)
            .exclude(pk=objection.pk)
        )
    for row in rows:
        row.status = ObjectionStatus.UPHELD if uphold else ObjectionStatus.DISMISSED
        row.decision, row.decided_by, row.decided_at = text, actor, now or timezone.now()
        row.save()
        audit_record(actor=actor, action="objection_decide", obj=row, summary=row.status)
    if uphold and request.winner_id == objection.bid_id:
        selection_void(request=request, actor=actor, reason=str(_("Objection upheld: ")) + text)
    for to in ({"enterprise": request.owner}, {"user": objection.raised_by}):
        notification_send(
            kind="objection_decided",
            title=str(_("An objection was decided")),
            body=f"{request.title}: {text[:200]}",
            **to,
        )
    return objection
