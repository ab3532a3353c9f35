"""
Rectification tickets: 核实 (verify) → 交办 (assign, with a deadline on the working-day
clock) → 整改 (rectify) → 反馈 (feedback to the enterprise) → a callback closes it.

# rule: a bad review is verified, assigned and rectified within the rule's working days
# (default 15) and fed back to the rater, then called back (docs/legal.md#bad-review-loop)
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaigong.accounts.models import Department
from kaigong.core.clock import local_date
from kaigong.core.exceptions import InvalidInput, PermissionDenied
from kaigong.core.services import audit_record, notification_send
from kaigong.feedback.constants import CallbackReason, ErrorCode, TicketAction, TicketStatus
from kaigong.feedback.exceptions import StateConflict
from kaigong.feedback.models import CallbackTask, Ticket
from kaigong.feedback.permissions import is_centre_feedback_staff, is_department_staff

from .common import next_number, rule_for, working_days_after

# action → (the state it needs, the state it leaves)
TICKET_FLOW: dict[str, tuple[str, str]] = {
    TicketAction.VERIFY: (TicketStatus.VERIFYING, TicketStatus.VERIFIED),
    TicketAction.ASSIGN: (TicketStatus.VERIFIED, TicketStatus.ASSIGNED),
    TicketAction.RECTIFY: (TicketStatus.ASSIGNED, TicketStatus.RECTIFIED),
    TicketAction.FEEDBACK: (TicketStatus.RECTIFIED, TicketStatus.FED_BACK),
}


def ticket_open(
    *, source, case, service_center, department, problem: str, evaluation=None, callback=None
) -> Ticket:
    """Open a ticket (inside the caller's transaction); the centre's feedback staff verify it."""
    ticket = Ticket.objects.create(
        number=next_number(Ticket, "ZG"),
        source=source,
        evaluation=evaluation,
        callback=callback,
        case=case,
        service_center=service_center,
        department=department,
        problem=(problem or "")[:2000],
        opened_on=local_date(),
    )
    audit_record(actor=None, action="feedback_ticket_opened", obj=ticket, summary=ticket.number)
    return ticket


def ticket_actions_for(user, ticket: Ticket) -> list[str]:
    """The actions ``user`` may take on ``ticket`` now."""
    centre = is_centre_feedback_staff(user, ticket.service_center_id)
    dept = is_department_staff(user, ticket.department_id)
    actions = []
    if ticket.status == TicketStatus.VERIFYING and centre:
        actions.append(TicketAction.VERIFY)
    if ticket.status == TicketStatus.VERIFIED and centre:
        actions.append(TicketAction.ASSIGN)
    if ticket.status == TicketStatus.ASSIGNED and (centre or dept):
        actions.append(TicketAction.RECTIFY)
    if ticket.status == TicketStatus.RECTIFIED and centre:
        actions.append(TicketAction.FEEDBACK)
    return [str(a) for a in actions]


def _text(value: str, name: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(
            _("This field is required."),
            invalid_params=[{"name": name, "code": "required", "reason": _("Required.")}],
        )
    return value[:4000]


@transaction.atomic
def ticket_act(
    *, ticket: Ticket, actor, action: str, note: str, department: Department | None = None
) -> Ticket:
    """
    One step of the ticket. ``verify`` records the verification (核实); ``assign`` (交办)
    gives it to ``department`` (default: the rated one) with the deadline of the centre's rule;
    ``rectify`` records the measures; ``feedback`` records what the enterprise was told and
    puts a follow-up on the centre's callback list. Errors: 403, ``ticket_state`` (409),
    ``invalid_input``.
    """
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if action not in TICKET_FLOW:
        raise InvalidInput(
            _("Unknown action."),
            invalid_params=[{"name": "action", "code": "invalid_choice", "reason": _("Unknown.")}],
        )
    if action not in ticket_actions_for(actor, ticket):
        if ticket.status != TICKET_FLOW[action][0]:
            raise StateConflict(_("The ticket is not at this step."), code=ErrorCode.TICKET_STATE)
        raise PermissionDenied(_("You may not take this step of the ticket."))
    note = _text(note, "note")
    now = timezone.now()
    if action == TicketAction.VERIFY:
        ticket.verified_by, ticket.verified_at, ticket.verification = actor, now, note
    elif action == TicketAction.ASSIGN:
        department = department or ticket.department
        if department is None:
            raise InvalidInput(
                _("Name the unit that rectifies."),
                invalid_params=[
                    {"name": "department", "code": "required", "reason": _("Required.")}
                ],
            )
        rule = rule_for(ticket.service_center)
        ticket.assigned_by, ticket.assigned_at, ticket.department = actor, now, department
        ticket.due_on = working_days_after(
            ticket.service_center, local_date(now), rule.rectify_days
        )
        notification_send(
            kind="feedback_ticket_assigned",
            title=_("Rectification ticket %(number)s: rectify by %(due)s")
            % {"number": ticket.number, "due": ticket.due_on.isoformat()},
            body=ticket.problem[:300],
            link=f"/feedback/tickets/{ticket.public_id}/",
            department=department,
        )
    elif action == TicketAction.RECTIFY:
        ticket.rectified_by, ticket.rectified_at, ticket.measures = actor, now, note
    else:
        ticket.fed_back_by, ticket.fed_back_at, ticket.feedback = actor, now, note
        CallbackTask.objects.create(
            service_center=ticket.service_center,
            case=ticket.case,
            ticket=ticket,
            reason=CallbackReason.TICKET,
        )
        notification_send(
            kind="feedback_ticket_fed_back",
            title=_("Your feedback on %(number)s: what was done") % {"number": ticket.case.number},
            body=note[:300],
            enterprise=ticket.case.enterprise,
        )
    ticket.status = TICKET_FLOW[action][1]
    ticket.save()
    audit_record(actor=actor, action=f"feedback_ticket_{action}", obj=ticket, summary=note[:200])
    return ticket


def ticket_after_callback(*, ticket: Ticket, satisfied: bool, problem: str, actor) -> Ticket:
    """The follow-up call: satisfied closes; a remaining problem sends it back to rectify."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status != TicketStatus.FED_BACK:
        return ticket
    if satisfied:
        ticket.status, ticket.closed_at = TicketStatus.CLOSED, timezone.now()
    else:
        rule = rule_for(ticket.service_center)
        ticket.status = TicketStatus.ASSIGNED
        ticket.due_on = working_days_after(ticket.service_center, local_date(), rule.rectify_days)
        ticket.problem = f"{ticket.problem}\n—— {problem}"[:4000]
        ticket.warned_on = None
    ticket.save()
    audit_record(
        actor=actor,
        action="feedback_ticket_closed" if satisfied else "feedback_ticket_reopened",
        obj=ticket,
    )
    return ticket
