"""
Reading credit: the gate every credit-dependent rule asks (``credit_gate``), and who may
see which record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import Department, Enterprise, User
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import region_prefix, user_has_role, user_memberships
from kaigong.core.clock import local_date
from kaigong.core.exceptions import NotFound

from .constants import (
    GATE_BLOCKING_LEVELS,
    GATE_BLOCKING_STANDINGS,
    ListKind,
    RecordStatus,
)
from .models import CreditRecord, CreditRepair

DEPARTMENT_ROLES = (
    Role.REVIEWER,
    Role.APPROVER,
    Role.INSPECTOR,
    Role.DEPARTMENT_HEAD,
)
# who decides for the authority: records and repairs
AUTHORITY_ROLES = (Role.APPROVER, Role.DEPARTMENT_HEAD)


def records_in_force(subject: Any, *, on: date | None = None) -> QuerySet[CreditRecord]:
    """Active records of ``subject`` (an Enterprise or a User) not past their end date."""
    today = on or local_date()
    qs = CreditRecord.objects.filter(status=RecordStatus.ACTIVE).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )
    if isinstance(subject, Enterprise):
        return qs.filter(enterprise=subject)
    return qs.filter(person=subject)


@dataclass(frozen=True)
class GateDecision:
    """What a credit gate decided and the records it rests on (cited in the event)."""

    gate: str
    allowed: bool
    records: list[CreditRecord] = field(default_factory=list)  # the blocking records
    consulted: list[CreditRecord] = field(default_factory=list)  # every record in force
    standing: str = ""
    on: date | None = None

    def cite(self) -> dict[str, Any]:
        """The decision as written into the case event or the marketplace log."""
        return {
            "gate": self.gate,
            "allowed": self.allowed,
            "on": self.on.isoformat() if self.on else None,
            "standing": self.standing,
            "records": [str(r.public_id) for r in self.records],
            "consulted": [str(r.public_id) for r in self.consulted],
        }

    @property
    def message(self) -> str:
        if self.allowed:
            return ""
        if self.records:
            names = "；".join(
                f"{r.get_level_display()}（{r.authority_name}，{r.reason[:40]}）"
                for r in self.records
            )
            return str(_("Refused on these credit records: %(records)s")) % {"records": names}
        return str(_("Refused on the enterprise's credit standing."))


def credit_gate(subject: Any, gate: str, *, on: date | None = None) -> GateDecision:
    """
    Ask credit gate ``gate`` (constants.Gate) about ``subject`` (an Enterprise or a User):
    allowed unless a black-list record in force has a level that shuts the gate, or the
    enterprise's credit standing does. The decision cites the records it used.
    """
    today = on or local_date()
    consulted = list(records_in_force(subject, on=today).select_related("authority"))
    blocking_levels = GATE_BLOCKING_LEVELS[gate]
    blocking = [
        r for r in consulted if r.list_kind == ListKind.BLACK and r.level in blocking_levels
    ]
    standing = getattr(subject, "credit_standing", "") or ""
    allowed = not blocking and standing not in GATE_BLOCKING_STANDINGS[gate]
    return GateDecision(
        gate=gate,
        allowed=allowed,
        records=blocking,
        consulted=consulted,
        standing=standing,
        on=today,
    )


def _staff_prefixes(user: User) -> set[str]:
    ids = {
        h.department_id
        for h in user_memberships(user)
        if h.role in DEPARTMENT_ROLES and h.department_id is not None
    }
    codes = Department.objects.filter(id__in=ids).values_list("region_code", flat=True)
    return {p for p in (region_prefix(c) for c in codes) if p}


def credit_record_list_visible_to(user: User) -> QuerySet[CreditRecord]:
    """
    Supervisors: all; department staff: records whose authority lies in their region;
    members of an enterprise (applicants, intermediaries): its records; a person: own.
    """
    qs = CreditRecord.objects.select_related("enterprise", "person", "authority")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user_has_role(user, Role.SUPERVISOR):
        return qs
    condition = Q(person=user)
    enterprises = {
        h.enterprise_id
        for h in user_memberships(user)
        if h.role in (Role.APPLICANT, Role.INTERMEDIARY) and h.enterprise_id
    }
    if enterprises:
        condition |= Q(enterprise_id__in=enterprises)
    for prefix in _staff_prefixes(user):
        condition |= Q(authority__region_code__startswith=prefix)
    return qs.filter(condition)


def credit_record_get_for(user: User, public_id: Any) -> CreditRecord:
    row = credit_record_list_visible_to(user).filter(public_id=public_id).first()
    if row is None:
        raise NotFound(_("No such credit record."), code="not_found")
    return row


def credit_repair_get_for(user: User, public_id: Any) -> CreditRepair:
    visible = credit_record_list_visible_to(user)
    row = (
        CreditRepair.objects.select_related("record__authority", "record__enterprise")
        .filter(public_id=public_id, record__in=visible)
        .first()
    )
    if row is None:
        raise NotFound(_("No such repair request."), code="not_found")
    return row


def can_decide_for(user: User, record: CreditRecord) -> bool:
    """An approver or head of the authority department decides records and repairs."""
    return record.authority_id is not None and any(
        h.role in AUTHORITY_ROLES and h.department_id == record.authority_id
        for h in user_memberships(user)
    )


def can_request_repair(user: User, record: CreditRecord) -> bool:
    if record.person_id is not None:
        return record.person_id == user.pk
    return any(
        h.role in (Role.APPLICANT, Role.INTERMEDIARY) and h.enterprise_id == record.enterprise_id
        for h in user_memberships(user)
    )


def credit_records_public(subject: Any) -> list[CreditRecord]:
    """The records in force of a subject, as a public page shows them."""
    return list(records_in_force(subject).select_related("authority"))
