"""
The morning callback list (回访) and its calls.

Each working morning one list per service centre, by the centre's recorded rule:

* ``all_previous_day`` (滨州): every case of the centre concluded (办结, or refused) on the
  previous working day;
* ``risk_and_sample``: of those, 100 % of denials, overdue cases and cases with two or more
  correction rounds, plus ``sample_percent`` % of the rest drawn with a recorded seed.

The list records the rule, the candidates (sorted case numbers and their SHA-256) and the
seed, so ``callback_sample`` redraws the same sample from the record alone.

# rule: callbacks of every case of the previous working day, 核实—交办—整改—反馈
# (docs/legal.md#binzhou-callbacks)
"""

from __future__ import annotations

import hashlib
import math
import random
import secrets
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaigong.accounts.models import ServiceCenter
from kaigong.accounts.roles import Role
from kaigong.cases.constants import CaseStatus
from kaigong.cases.models import Case
from kaigong.core.clock import local_date
from kaigong.core.exceptions import InvalidInput, PermissionDenied
from kaigong.core.services import audit_record
from kaigong.feedback.constants import (
    CallbackMode,
    CallbackOutcome,
    CallbackReason,
    ErrorCode,
    TicketSource,
)
from kaigong.feedback.exceptions import StateConflict
from kaigong.feedback.models import CallbackList, CallbackTask
from kaigong.feedback.permissions import is_centre_feedback_staff

from .common import is_working_day, previous_working_day, rule_for


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)


def concluded_cases(service_center: ServiceCenter, day: date):
    """Cases of the centre concluded (or refused) on ``day``, local time."""
    start, end = _day_bounds(day)
    concluded = Q(concluded_at__gte=start, concluded_at__lt=end)
    refused = Q(status=CaseStatus.REFUSED, closed_at__gte=start, closed_at__lt=end)
    return Case.objects.filter(service_center=service_center).filter(concluded | refused)


def _risk_reason(case: Case) -> str | None:
    if case.status == CaseStatus.REFUSED or getattr(case, "has_denial", False):
        return CallbackReason.DENIAL
    concluded_on = local_date(case.concluded_at) if case.concluded_at else None
    if case.promised_due_on and concluded_on and concluded_on > case.promised_due_on:
        return CallbackReason.OVERDUE
    if getattr(case, "correction_rounds", 0) >= 2:
        return CallbackReason.CORRECTIONS
    return None


def callback_sample(candidates: Sequence[str], *, seed: str, percent: int) -> list[str]:
    """
    The random sample: ``ceil(percent % × n)`` of the sorted ``candidates`` drawn by
    ``random.Random(seed)`` (Mersenne Twister, a documented, stable algorithm), sorted.
    Pure: the same record redraws the same sample.
    """
    pool = sorted(candidates)
    if not pool or percent <= 0:
        return []
    k = min(len(pool), math.ceil(len(pool) * percent / 100))
    return sorted(random.Random(seed).sample(pool, k))


def _digest(numbers: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(sorted(numbers)).encode()).hexdigest()


@transaction.atomic
def callback_list_build(
    *, service_center: ServiceCenter, on: date | None = None, actor=None, seed: str | None = None
) -> CallbackList:
    """
    Build the centre's list for the working morning ``on`` (today by default); the existing
    list when already built (idempotent). ``seed`` is for tests and the demo; otherwise a
    fresh random one is drawn and recorded.
    """
    on = on or local_date()
    existing = CallbackList.objects.filter(service_center=service_center, on=on).first()
    if existing is not None:
        return existing
    rule = rule_for(service_center)
    covers = previous_working_day(service_center, on)
    cases = list(
        concluded_cases(service_center, covers)
        .annotate(
            correction_rounds=Count("corrections", distinct=True),
            denial_count=Count("denials", distinct=True),
        )
        .order_by("number")
    )
    for case in cases:
        case.has_denial = case.denial_count > 0
    chosen: dict[str, tuple[Case, str]] = {}
    record: dict = {"mode": rule.callback_mode, "covers": covers.isoformat()}
    if rule.callback_mode == CallbackMode.ALL_PREVIOUS_DAY:
        seed = ""
        for case in cases:
            chosen[case.number] = (case, CallbackReason.CONCLUDED)
    else:
        seed = seed or secrets.token_hex(16)
        rest = []
        for case in cases:
            reason = _risk_reason(case)
            if reason:
                chosen[case.number] = (case, reason)
            else:
                rest.append(case)
        pool = [c.number for c in rest]
        sample = callback_sample(pool, seed=seed, percent=rule.sample_percent)
        by_number = {c.number: c for c in rest}
        for number in sample:
            chosen[number] = (by_number[number], CallbackReason.SAMPLE)
        record.update(
            {
                "sample_percent": rule.sample_percent,
                "algorithm": "python random.Random(seed).sample(sorted(pool), ceil(n*p/100))",
                "pool": pool,
                "pool_sha256": _digest(pool),
                "risk": sorted(n for n in chosen if n not in sample),
            }
        )
    callback_list = CallbackList.objects.create(
        service_center=service_center,
        on=on,
        covers=covers,
        mode=rule.callback_mode,
        rule=record,
        seed=seed,
    )
    CallbackTask.objects.bulk_create(
        CallbackTask(
            callback_list=callback_list, service_center=service_center, case=case, reason=reason
        )
        for _number, (case, reason) in sorted(chosen.items())
    )
    audit_record(
        actor=actor,
        action="feedback_callback_list_built",
        obj=callback_list,
        data={"tasks": len(chosen), "seed": seed, "mode": rule.callback_mode},
    )
    return callback_list


def callback_lists_build_all(*, on: date | None = None) -> int:
    """The periodic job: each centre with a callback agent gets its list on a working day."""
    on = on or local_date()
    built = 0
    centres = ServiceCenter.objects.filter(memberships__role=Role.CALLBACK_AGENT).distinct()
    for centre in centres:
        if not is_working_day(centre, on):
            continue
        if not CallbackList.objects.filter(service_center=centre, on=on).exists():
            callback_list_build(service_center=centre, on=on)
            built += 1
    return built


@transaction.atomic
def callback_record(*, task: CallbackTask, actor, outcome: str, note: str = "") -> CallbackTask:
    """
    Record one call. ``not_reached`` counts an attempt and keeps the call open; ``problem``
    opens a 核实—交办—整改—反馈 ticket (or, for a ticket's follow-up, sends the ticket back);
    a satisfied or reached follow-up closes its ticket. Errors: 403, ``callback_done`` (409).
    """
    task = (
        CallbackTask.objects.select_for_update(of=("self",))
        .select_related("case", "ticket")
        .get(pk=task.pk)
    )
    if not is_centre_feedback_staff(actor, task.service_center_id):
        raise PermissionDenied(_("Only the centre's callback staff record calls."))
    if task.is_done:
        raise StateConflict(_("This call has been recorded."), code=ErrorCode.CALLBACK_DONE)
    if outcome not in CallbackOutcome.values:
        raise InvalidInput(
            _("Choose the outcome of the call."),
            invalid_params=[{"name": "outcome", "code": "invalid_choice", "reason": _("Unknown.")}],
        )
    note = (note or "").strip()[:4000]
    if outcome == CallbackOutcome.PROBLEM and not note:
        raise InvalidInput(
            _("Describe the problem the enterprise reported."),
            invalid_params=[{"name": "note", "code": "required", "reason": _("Required.")}],
        )
    task.attempts += 1
    task.outcome, task.note, task.agent = outcome, note, actor
    if outcome != CallbackOutcome.NOT_REACHED:
        task.done_at = timezone.now()
    task.save()
    from .tickets import ticket_after_callback, ticket_open

    if task.ticket is not None and outcome != CallbackOutcome.NOT_REACHED:
        ticket_after_callback(
            ticket=task.ticket,
            satisfied=outcome != CallbackOutcome.PROBLEM,
            problem=note,
            actor=actor,
        )
    elif outcome == CallbackOutcome.PROBLEM:
        lead = task.case.items.select_related("department").order_by("order", "id").first()
        ticket_open(
            source=TicketSource.CALLBACK,
            case=task.case,
            service_center=task.service_center,
            department=lead.department if lead else None,
            problem=note,
            callback=task,
        )
    audit_record(
        actor=actor, action="feedback_callback_recorded", obj=task, data={"outcome": outcome}
    )
    return task
