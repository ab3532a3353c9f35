"""
Writing credit: records (by the authority, or by Kaigong's own rules), expiry, and credit
repair (信用修复) as a request with evidence and a decision.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import CreditStanding, Department, Enterprise, User
from kaigong.accounts.services import enterprise_credit_standing_set
from kaigong.core.clock import local_date
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.services import audit_record, notification_send

from .constants import (
    ErrorCode,
    Level,
    ListKind,
    RecordStatus,
    RepairStatus,
    Source,
    SubjectKind,
)
from .models import CreditRecord, CreditRepair
from .selectors import (
    AUTHORITY_ROLES,
    can_decide_for,
    can_request_repair,
    records_in_force,
)

# rule: publication periods of dishonesty records — 一般失信 at most 1 year, 严重失信 at most
# 3 years, then they leave publication (docs/legal.md#credit-repair); 关注 3 months
DEFAULT_MONTHS: dict[str, int] = {
    Level.WATCH: 3,
    Level.GENERAL: 12,
    Level.SERIOUS: 36,
    Level.COMMENDED: 12,
}
RED_LEVELS = {Level.COMMENDED}


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _invalid(name: str, code: str, reason) -> InvalidInput:
    return InvalidInput(
        reason, code=code, invalid_params=[{"name": name, "code": code, "reason": str(reason)}]
    )


def authority_department_of(actor: User) -> Department | None:
    """The department for which ``actor`` decides credit (approver or department head)."""
    membership = (
        actor.memberships.filter(role__in=AUTHORITY_ROLES, department__isnull=False)
        .select_related("department")
        .order_by("id")
        .first()
    )
    return membership.department if membership else None


@transaction.atomic
def credit_record_create(
    *,
    actor: Any,
    subject: Enterprise | User,
    list_kind: str,
    level: str,
    reason: str,
    basis: str,
    authority: Department | None = None,
    decided_on: date | None = None,
    expires_on: date | None = None,
    source: str = Source.MANUAL,
    source_reference: str = "",
    subject_kind: str | None = None,
) -> CreditRecord:
    """
    Put a record on ``subject``. Manual records are entered by an approver or head of the
    authority department (the actor's department when none is named); Kaigong's own rules
    (``source=system``) name their authority. A black record lowers the enterprise's
    standing (关注 for watch and general, 失信 for serious).

    Errors: ``permission_denied`` (403); ``credit_level_mismatch``, ``credit_dates_invalid``,
    ``invalid_input`` (400).
    """
    if source == Source.MANUAL:
        own = authority_department_of(actor) if getattr(actor, "pk", None) else None
        if own is None or (authority is not None and authority != own):
            raise PermissionDenied(
                _("Only an approver or head of the authority department enters credit records.")
            )
        authority = own
    if list_kind not in ListKind.values or level not in Level.values:
        raise _invalid("level", ErrorCode.LEVEL_MISMATCH, _("Unknown list or level."))
    if (list_kind == ListKind.RED) != (level in RED_LEVELS):
        raise _invalid(
            "level",
            ErrorCode.LEVEL_MISMATCH,
            _("A red list record is commended; a black one is not."),
        )
    reason, basis = (reason or "").strip(), (basis or "").strip()
    if not reason:
        raise _invalid("reason", "invalid_input", _("Give the reason."))
    if not basis:
        raise _invalid("basis", "invalid_input", _("Give the basis (认定依据)."))
    today = local_date()
    decided_on = decided_on or today
    if decided_on > today:
        raise _invalid(
            "decided_on", ErrorCode.DATES_INVALID, _("The decision date is in the future.")
        )
    expires_on = expires_on or _add_months(decided_on, DEFAULT_MONTHS[level])
    if expires_on <= decided_on:
        raise _invalid(
            "expires_on", ErrorCode.DATES_INVALID, _("The record must stand after its decision.")
        )
    if isinstance(subject, Enterprise):
        kind = subject_kind or SubjectKind.ENTERPRISE
        fields: dict[str, Any] = {"enterprise": subject}
    else:
        kind, fields = SubjectKind.PERSON, {"person": subject}
    record = CreditRecord.objects.create(
        subject_kind=kind,
        list_kind=list_kind,
        level=level,
        reason=reason[:2000],
        authority=authority,
        authority_name=(authority.name if authority else str(_("Kaigong")))[:100],
        basis=basis[:300],
        decided_on=decided_on,
        listed_on=today,
        expires_on=expires_on,
        source=source,
        source_reference=source_reference[:200],
        recorded_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    audit_record(
        actor=actor,
        action="credit_record_create",
        obj=record,
        summary=f"{record.get_list_kind_display()} {record.get_level_display()}: {reason[:100]}",
        data={"subject": kind, "level": level, "source": source, "ref": source_reference},
    )
    if isinstance(subject, Enterprise) and list_kind == ListKind.BLACK:
        standing = CreditStanding.DISHONEST if level == Level.SERIOUS else CreditStanding.WATCH
        enterprise_credit_standing_set(
            enterprise=subject, standing=standing, actor=actor, reason=reason[:200]
        )
        notification_send(
            kind="credit_record",
            title=str(_("A credit record was entered against your enterprise")),
            body=f"{record.get_level_display()}：{reason[:200]}",
            enterprise=subject,
        )
    return record


def _restore_standing(enterprise: Enterprise | None, actor: Any, why: str) -> None:
    """Once no black record remains in force, the enterprise's standing is good again."""
    if enterprise is None or enterprise.credit_standing == CreditStanding.GOOD:
        return
    remaining = records_in_force(enterprise).filter(list_kind=ListKind.BLACK)
    if remaining.exists():
        worst = (
            CreditStanding.DISHONEST
            if remaining.filter(level=Level.SERIOUS).exists()
            else CreditStanding.WATCH
        )
        if worst == enterprise.credit_standing:
            return
    else:
        worst = CreditStanding.GOOD
    old = enterprise.credit_standing
    enterprise.credit_standing = worst
    enterprise.save(update_fields=["credit_standing", "updated_at"])
    audit_record(
        actor=actor,
        action="enterprise_credit_standing_restored",
        obj=enterprise,
        summary=why,
        data={"from": old, "to": worst},
    )


def _end(record: CreditRecord, *, status: str, reason: str, actor: Any) -> None:
    record.status = status
    record.ended_at = timezone.now()
    record.end_reason = reason[:300]
    record.save(update_fields=["status", "ended_at", "end_reason", "updated_at"])
    audit_record(actor=actor, action=f"credit_record_{status}", obj=record, summary=reason[:200])
    if record.enterprise_id:
        _restore_standing(record.enterprise, actor, reason)


def credit_records_expire(*, on: date | None = None, actor: Any = None) -> list[CreditRecord]:
    """End every active record whose end date (截止日期) is before ``on``; one transaction each."""
    today = on or local_date()
    ended = []
    for record in (
        CreditRecord.objects.filter(status=RecordStatus.ACTIVE, expires_on__lt=today)
        .select_related("enterprise")
        .order_by("expires_on", "id")
    ):
        with transaction.atomic():
            _end(
                record,
                status=RecordStatus.EXPIRED,
                reason=str(_("Stood until %(date)s")) % {"date": record.expires_on},
                actor=actor,
            )
            ended.append(record)
    return ended


@transaction.atomic
def credit_repair_request(
    *, actor: User, record: CreditRecord, statement: str, evidence: str, evidence_file: Any = None
) -> CreditRepair:
    """
    Ask for credit repair (信用修复) of a black record in force: a statement of what was
    corrected and the evidence. One pending request per record.

    Errors: ``permission_denied`` (403), ``credit_evidence_required`` (400),
    ``credit_record_not_active``, ``credit_repair_pending`` (409).
    """
    if not can_request_repair(actor, record):
        raise PermissionDenied(_("Only the subject of the record may ask for its repair."))
    record = CreditRecord.objects.select_for_update(of=("self",)).get(pk=record.pk)
    if record.status != RecordStatus.ACTIVE or record.list_kind != ListKind.BLACK:
        raise Conflict(
            _("Only a black record in force can be repaired."), code=ErrorCode.NOT_ACTIVE
        )
    if record.repairs.filter(status=RepairStatus.PENDING).exists():
        raise Conflict(
            _("A repair request for this record is pending."), code=ErrorCode.REPAIR_PENDING
        )
    statement, evidence = (statement or "").strip(), (evidence or "").strip()
    if not statement or not (evidence or evidence_file):
        raise _invalid(
            "evidence",
            ErrorCode.EVIDENCE_REQUIRED,
            _("Say what was corrected and give the evidence (信用修复需提交纠正失信行为的证明)."),
        )
    repair = CreditRepair(
        record=record, requested_by=actor, statement=statement[:4000], evidence=evidence[:4000]
    )
    if evidence_file is not None:
        repair.evidence_file.save(
            getattr(evidence_file, "name", "evidence"), evidence_file, save=False
        )
    repair.save()
    audit_record(actor=actor, action="credit_repair_request", obj=repair, summary=statement[:200])
    if record.authority_id:
        notification_send(
            kind="credit_repair_requested",
            title=str(_("A credit repair request awaits your decision")),
            body=f"{record.subject_name}：{statement[:200]}",
            department=record.authority,
        )
    return repair


@transaction.atomic
def credit_repair_decide(
    *, actor: User, repair: CreditRepair, grant: bool, reason: str
) -> CreditRepair:
    """
    The authority decides a repair request. Granted: the record ends as repaired (and the
    enterprise's standing is restored once no black record remains); refused: it stands.

    Errors: ``permission_denied`` (403), ``invalid_input`` (400), ``credit_repair_decided`` (409).
    """
    repair = (
        CreditRepair.objects.select_for_update(of=("self",))
        .select_related("record__enterprise")
        .get(pk=repair.pk)
    )
    if not can_decide_for(actor, repair.record):
        raise PermissionDenied(_("Only an approver or head of the authority department decides."))
    if repair.status != RepairStatus.PENDING:
        raise Conflict(_("This repair request has been decided."), code=ErrorCode.REPAIR_DECIDED)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", "invalid_input", _("Give the reason for the decision."))
    repair.status = RepairStatus.GRANTED if grant else RepairStatus.REFUSED
    repair.decided_by, repair.decided_at, repair.decision_reason = (
        actor,
        timezone.now(),
        reason[:2000],
    )
    repair.save(
        update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"]
    )
    audit_record(
        actor=actor, action=f"credit_repair_{repair.status}", obj=repair, summary=reason[:200]
    )
    if grant and repair.record.status == RecordStatus.ACTIVE:
        _end(repair.record, status=RecordStatus.REPAIRED, reason=reason, actor=actor)
    return repair


@transaction.atomic
def credit_record_withdraw(*, public_id: Any, reason: str, actor: Any) -> CreditRecord | None:
    """
    End a record its own source has overturned (an appeal upheld against the sanction that
    wrote it): it ends as repaired, with the reason. For the apps that wrote the record.
    """
    record = (
        CreditRecord.objects.select_for_update(of=("self",)).filter(public_id=public_id).first()
    )
    if record is None or record.status != RecordStatus.ACTIVE:
        return record
    _end(record, status=RecordStatus.REPAIRED, reason=reason, actor=actor)
    return record
