"""
办不成事 and 12345 complaints: one work order whichever the channel, a category and a
deadline in working days by category, assigned to a unit, answered, and closed with the
complainant's confirmation or escalated.

# rule: simple 5, complex 10, hard 15 working days by category, configurable
# (docs/legal.md#banbuchengshi)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaigong.accounts.models import Department, ServiceCenter
from kaigong.core.clock import local_date
from kaigong.core.exceptions import InvalidInput, PermissionDenied
from kaigong.core.services import audit_record, notification_send
from kaigong.feedback.constants import (
    ComplaintAction,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    ErrorCode,
)
from kaigong.feedback.exceptions import HotlineRefused, StateConflict
from kaigong.feedback.models import Complaint, HotlineClient
from kaigong.feedback.permissions import is_counter_staff, is_department_staff

from .common import next_number, rule_for, working_days_after

COMPLAINT_FLOW: dict[str, tuple[tuple[str, ...], str]] = {
    ComplaintAction.ASSIGN: (
        (ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED),
        ComplaintStatus.ASSIGNED,
    ),
    ComplaintAction.ANSWER: ((ComplaintStatus.ASSIGNED,), ComplaintStatus.ANSWERED),
    ComplaintAction.CONFIRM: ((ComplaintStatus.ANSWERED,), ComplaintStatus.CLOSED),
    ComplaintAction.ESCALATE: (
        (ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED, ComplaintStatus.ANSWERED),
        ComplaintStatus.ESCALATED,
    ),
}


def complaint_days(service_center, category: str) -> int:
    rule = rule_for(service_center)
    return {
        ComplaintCategory.SIMPLE: rule.complaint_days_simple,
        ComplaintCategory.COMPLEX: rule.complaint_days_complex,
        ComplaintCategory.HARD: rule.complaint_days_hard,
    }[ComplaintCategory(category)]


def _required(data: dict[str, Any], *names: str) -> None:
    missing = [n for n in names if not str(data.get(n) or "").strip()]
    if missing:
        raise InvalidInput(
            _("Some required fields are empty."),
            invalid_params=[
                {"name": n, "code": "required", "reason": _("Required.")} for n in missing
            ],
        )


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    _required(data, "title", "content", "complainant_name")
    category = data.get("category") or ComplaintCategory.SIMPLE
    if category not in ComplaintCategory.values:
        raise InvalidInput(
            _("Choose the category."),
            invalid_params=[
                {"name": "category", "code": "invalid_choice", "reason": _("Unknown.")}
            ],
        )
    return {
        "category": category,
        "title": str(data["title"]).strip()[:200],
        "content": str(data["content"]).strip()[:8000],
        "complainant_name": str(data["complainant_name"]).strip()[:100],
        "complainant_phone": str(data.get("complainant_phone") or "").strip()[:30],
    }


def _create(*, service_center: ServiceCenter, channel: str, actor=None, **fields) -> Complaint:
    today = local_date()
    complaint = Complaint.objects.create(
        number=next_number(Complaint, "BBCS"),
        channel=channel,
        service_center=service_center,
        received_on=today,
        due_on=working_days_after(
            service_center, today, complaint_days(service_center, fields["category"])
        ),
        received_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    audit_record(
        actor=actor, action="feedback_complaint_received", obj=complaint, summary=complaint.number
    )
    return complaint


@transaction.atomic
def complaint_register(
    *,
    actor,
    service_center: ServiceCenter,
    data: dict[str, Any],
    channel: str = ComplaintChannel.ONLINE,
    case=None,
) -> Complaint:
    """
    A 办不成事 complaint from the online page (any signed-in user; an applicant's enterprise
    is linked) or the counter form (a clerk of the centre, ``channel=window``).
    Errors: 403 (the counter for another centre), ``invalid_input``.
    """
    if channel == ComplaintChannel.WINDOW and not is_counter_staff(actor, service_center.pk):
        raise PermissionDenied(_("Only the centre's window staff take complaints at the counter."))
    if channel not in (ComplaintChannel.WINDOW, ComplaintChannel.ONLINE):
        channel = ComplaintChannel.ONLINE
    fields = _clean(data)
    enterprise = case.enterprise if case is not None else None
    return _create(
        service_center=service_center,
        channel=channel,
        actor=actor,
        complainant=actor if channel == ComplaintChannel.ONLINE else None,
        enterprise=enterprise,
        case=case,
        **fields,
    )


def complaint_actions_for(user, complaint: Complaint) -> list[str]:
    counter = is_counter_staff(user, complaint.service_center_id)
    unit = is_department_staff(user, complaint.department_id)
    own = complaint.complainant_id is not None and complaint.complainant_id == getattr(
        user, "pk", None
    )
    allowed = {
        ComplaintAction.ASSIGN: counter,
        ComplaintAction.ANSWER: counter or unit,
        ComplaintAction.CONFIRM: counter or own,
        ComplaintAction.ESCALATE: counter or own,
    }
    return [str(a) for a, ok in allowed.items() if ok and complaint.status in COMPLAINT_FLOW[a][0]]


@transaction.atomic
def complaint_act(
    *,
    complaint: Complaint,
    actor,
    action: str,
    text: str = "",
    department: Department | None = None,
) -> Complaint:
    """
    ``assign`` to a unit (told in its inbox), ``answer``, ``confirm`` (the complainant's
    confirmation closes it) or ``escalate``. Errors: 403, ``complaint_state`` (409), 400.
    """
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if action not in COMPLAINT_FLOW:
        raise InvalidInput(
            _("Unknown action."),
            invalid_params=[{"name": "action", "code": "invalid_choice", "reason": _("Unknown.")}],
        )
    if action not in complaint_actions_for(actor, complaint):
        if complaint.status not in COMPLAINT_FLOW[action][0]:
            raise StateConflict(
                _("The complaint is not at this step."), code=ErrorCode.COMPLAINT_STATE
            )
        raise PermissionDenied(_("You may not take this step of the complaint."))
    text = (text or "").strip()[:8000]
    now = timezone.now()
    if action == ComplaintAction.ASSIGN:
        if department is None:
            raise InvalidInput(
                _("Name the handling unit."),
                invalid_params=[
                    {"name": "department", "code": "required", "reason": _("Required.")}
                ],
            )
        complaint.department = department
        notification_send(
            kind="feedback_complaint_assigned",
            title=_("办不成事 %(number)s: answer by %(due)s")
            % {"number": complaint.number, "due": complaint.due_on.isoformat()},
            body=complaint.title,
            link=f"/complaints/{complaint.public_id}/",
            department=department,
        )
    else:
        if not text:
            raise InvalidInput(
                _("This field is required."),
                invalid_params=[{"name": "text", "code": "required", "reason": _("Required.")}],
            )
        if action == ComplaintAction.ANSWER:
            complaint.answer, complaint.answered_by, complaint.answered_at = text, actor, now
            complaint.answered_on = local_date(now)
            if complaint.complainant_id:
                notification_send(
                    kind="feedback_complaint_answered",
                    title=_("Your complaint %(number)s has been answered")
                    % {"number": complaint.number},
                    body=text[:300],
                    link=f"/complaints/{complaint.public_id}/",
                    user=complaint.complainant,
                )
        else:
            complaint.closing_note, complaint.closed_at = text, now
    complaint.status = COMPLAINT_FLOW[action][1]
    complaint.save()
    audit_record(
        actor=actor, action=f"feedback_complaint_{action}", obj=complaint, summary=text[:200]
    )
    return complaint


# -- the 12345 hotline intake --------------------------------------------------------------

HEADER_KEY = "X-Kaigong-Key"
HEADER_TIMESTAMP = "X-Kaigong-Timestamp"
HEADER_SIGNATURE = "X-Kaigong-Signature"


def hotline_signature(secret: str, timestamp: str, method: str, path: str, body: bytes) -> str:
    """hex HMAC-SHA256(secret, ``timestamp "." METHOD "." path "." body``)."""
    message = f"{timestamp}.{method.upper()}.{path}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def hotline_authenticate(
    *, key_id: str, timestamp: str, signature: str, method: str, path: str, body: bytes
) -> HotlineClient:
    """
    The caller system, if the call is signed by an active client's shared secret within the
    replay window (``KAIGONG_HOTLINE_WINDOW_SECONDS``, default 300 s either way).
    Errors (401): ``hotline_unsigned``, ``hotline_bad_signature``, ``hotline_stale``.
    """
    if not key_id or not timestamp or not signature:
        raise HotlineRefused(code=ErrorCode.HOTLINE_UNSIGNED)
    client = (
        HotlineClient.objects.filter(key_id=key_id, active=True)
        .select_related("service_center")
        .first()
    )
    expected = hotline_signature(client.secret if client else "-", timestamp, method, path, body)
    if client is None or not hmac.compare_digest(expected, signature.lower()):
        raise HotlineRefused(
            _("The signature does not verify."), code=ErrorCode.HOTLINE_BAD_SIGNATURE
        )
    window = getattr(settings, "KAIGONG_HOTLINE_WINDOW_SECONDS", 300)
    try:
        sent = int(timestamp)
    except ValueError:
        raise HotlineRefused(
            _("The timestamp is not valid."), code=ErrorCode.HOTLINE_STALE
        ) from None
    if abs(time.time() - sent) > window:
        raise HotlineRefused(
            _("The call is outside the replay window."), code=ErrorCode.HOTLINE_STALE
        )
    return client


def _fingerprint(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def complaint_hotline_intake(
    *, client: HotlineClient, data: dict[str, Any]
) -> tuple[Complaint, bool]:
    """
    A 12345 work order, idempotent on the hotline's ticket number: the same number with the
    same content returns the first complaint (``created`` False); with other content it is
    refused (409 ``hotline_ticket_reused``).
    """
    _required(data, "ticket_no")
    ticket_no = str(data["ticket_no"]).strip()[:64]
    fields = _clean(data)
    fingerprint = _fingerprint({"ticket_no": ticket_no, **fields})

    def existing() -> tuple[Complaint, bool]:
        found = Complaint.objects.get(hotline_client=client, hotline_ticket=ticket_no)
        if found.hotline_fingerprint != fingerprint:
            raise StateConflict(
                _("This 12345 ticket number was sent before with other content."),
                code=ErrorCode.HOTLINE_TICKET_REUSED,
            )
        return found, False

    if Complaint.objects.filter(hotline_client=client, hotline_ticket=ticket_no).exists():
        return existing()
    try:
        with transaction.atomic():
            complaint = _create(
                service_center=client.service_center,
                channel=ComplaintChannel.HOTLINE,
                hotline_client=client,
                hotline_ticket=ticket_no,
                hotline_fingerprint=fingerprint,
                **fields,
            )
    except IntegrityError:  # the same ticket arrived twice at once
        return existing()
    return complaint, True
