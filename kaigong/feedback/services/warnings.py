"""Deadline warnings: a ticket being rectified or a complaint not yet answered, within the
rule's ``warn_days`` working days of its deadline (or past it), warns its unit once."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kaigong.accounts.models import User
from kaigong.core.clock import local_date
from kaigong.core.services import notification_send
from kaigong.feedback.constants import ComplaintStatus, TicketStatus
from kaigong.feedback.models import Complaint, Ticket
from kaigong.feedback.permissions import COUNTER_ROLES

from .common import rule_for, working_days_left


@transaction.atomic
def deadline_warnings_send(*, on: date | None = None) -> int:
    on = on or local_date()
    sent = 0
    tickets = Ticket.objects.filter(
        status=TicketStatus.ASSIGNED, due_on__isnull=False, warned_on__isnull=True
    ).select_related("service_center", "department")
    for ticket in tickets:
        assert ticket.due_on is not None  # filtered above
        left = working_days_left(ticket.service_center, on, ticket.due_on)
        if left > rule_for(ticket.service_center).warn_days:
            continue
        notification_send(
            kind="feedback_ticket_due",
            title=_("Ticket %(number)s is due on %(due)s (%(left)s working days left)")
            % {"number": ticket.number, "due": ticket.due_on.isoformat(), "left": left},
            link=f"/feedback/tickets/{ticket.public_id}/",
            department=ticket.department,
        )
        ticket.warned_on = on
        ticket.save(update_fields=["warned_on", "updated_at"])
        sent += 1
    complaints = Complaint.objects.filter(
        status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED], warned_on__isnull=True
    ).select_related("service_center", "department")
    for complaint in complaints:
        left = working_days_left(complaint.service_center, on, complaint.due_on)
        if left > rule_for(complaint.service_center).warn_days:
            continue
        title = _("Complaint %(number)s is due on %(due)s (%(left)s working days left)") % {
            "number": complaint.number,
            "due": complaint.due_on.isoformat(),
            "left": left,
        }
        link = f"/complaints/{complaint.public_id}/"
        if complaint.department_id:
            recipients: list[dict[str, Any]] = [{"department": complaint.department}]
        else:  # not assigned yet: the centre's counter staff
            staff = User.objects.filter(
                memberships__service_center=complaint.service_center,
                memberships__role__in=COUNTER_ROLES,
                is_active=True,
            ).distinct()
            recipients = [{"user": user} for user in staff]
        for recipient in recipients:
            notification_send(kind="feedback_complaint_due", title=title, link=link, **recipient)
        complaint.warned_on = on
        complaint.save(update_fields=["warned_on", "updated_at"])
        sent += 1
    return sent
