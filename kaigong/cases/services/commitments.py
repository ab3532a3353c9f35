"""
Commitments: 容缺受理 (deferred materials follow by a due date) and 告知承诺 (a commitment
replaces listed proofs, verified later). docs/legal.md#gaocheng-commitment, DESIGN.md §4 rules 4–5.

* 容缺: only deferrable materials, only enterprises in good standing, due date not beyond
  the promised limit of the items needing them. Items needing them end as
  approved_deferred; their certificates are held. When the last material arrives the
  commitment is fulfilled, the items become approved and the certificates are released.
  A lapsed commitment halts the case, terminates its open items and is recorded against
  the enterprise (credit record + standing "watch").
* 告知承诺: only proofs the matter lets a commitment replace, not for dishonest
  enterprises; verified by its due date; a failed verification is a breach as above and
  revokes the certificates of the items that relied on it (``_revoke_results``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import CreditStanding
from kaigong.accounts.services import enterprise_credit_standing_set
from kaigong.cases.constants import (
    ITEM_OPEN_STATUSES,
    BreachKind,
    CaseAction,
    CaseStatus,
    CommitmentKind,
    CommitmentStatus,
    DenialKind,
    ErrorCode,
    EventKind,
    ItemAction,
    ItemStatus,
)
from kaigong.cases.hashing import sm3_hex
from kaigong.cases.models import Case, CaseItem, Commitment, Denial
from kaigong.cases.permissions import ensure_can_verify_commitment
from kaigong.cases.services._transition import _case_transition, _item_transition, case_lock
from kaigong.cases.services.events import case_event_record
from kaigong.core.clock import local_date
from kaigong.core.exceptions import Conflict, InvalidInput
from kaigong.credit.constants import Level, ListKind, Source
from kaigong.credit.models import CreditRecord
from kaigong.credit.services import credit_record_create


@dataclass
class CommitmentInput:
    """What the applicant signed. ``materials``: material codes deferred or replaced."""

    text: str
    signer_name: str
    materials: list[str] = field(default_factory=list)
    due_on: date | None = None  # 容缺: materials due
    verification_due_on: date | None = None  # 告知承诺: verification due
    signed_at: datetime | None = None

    @classmethod
    def of(cls, value: CommitmentInput | Mapping[str, Any]) -> CommitmentInput:
        if isinstance(value, CommitmentInput):
            return value
        return cls(
            text=str(value.get("text", "")),
            signer_name=str(value.get("signer_name", "")),
            materials=list(value.get("materials", [])),
            due_on=value.get("due_on"),
            verification_due_on=value.get("verification_due_on"),
            signed_at=value.get("signed_at"),
        )


def commitment_invalid(name: str, reason) -> InvalidInput:
    return InvalidInput(
        reason,
        code=ErrorCode.COMMITMENT_INVALID,
        invalid_params=[
            {"name": name, "code": ErrorCode.COMMITMENT_INVALID, "reason": str(reason)}
        ],
    )


def material_names(codes) -> list[str]:
    """The catalogue names of material ``codes`` (a code without a material stays as is)."""
    from kaigong.catalog.models import Material

    names = dict(Material.objects.filter(code__in=list(codes)).values_list("code", "name"))
    return [names.get(code, code) for code in codes]


def commitment_basics(value: CommitmentInput) -> None:
    """Text, signer and at least one material are required (``commitment_invalid`` 400)."""
    if not value.text.strip():
        raise commitment_invalid("text", _("The commitment text is required."))
    if not value.signer_name.strip():
        raise commitment_invalid("signer_name", _("The signer's name is required."))
    if not value.materials:
        raise commitment_invalid("materials", _("List the materials the commitment covers."))


def commitment_create(*, case: Case, kind: str, value: CommitmentInput, actor: Any) -> Commitment:
    """Record a signed commitment (called by acceptance; not a public entry point)."""
    commitment = Commitment(
        case=case,
        kind=kind,
        text=value.text,
        text_hash=sm3_hex(value.text.encode("utf-8")),
        signer_name=value.signer_name,
        signed_at=value.signed_at or timezone.now(),
        material_codes=sorted(set(value.materials)),
        due_on=value.due_on if kind == CommitmentKind.DEFERRAL else None,
        verification_due_on=value.verification_due_on
        if kind == CommitmentKind.UNDERTAKING
        else None,
        recorded_by=actor,
    )
    commitment.full_clean()
    commitment.save()
    return commitment


def outstanding_deferred_codes(case: Case) -> set[str]:
    """Material codes deferred under pending 容缺 commitments of the case."""
    codes: set[str] = set()
    for commitment in case.commitments.filter(
        kind=CommitmentKind.DEFERRAL, status=CommitmentStatus.PENDING
    ):
        codes.update(commitment.material_codes)
    return codes


def item_has_deferred_materials(item: CaseItem, deferred: set[str] | None = None) -> bool:
    """Whether the item's matter needs a material still deferred under a commitment."""
    deferred = outstanding_deferred_codes(item.case) if deferred is None else deferred
    if not deferred:
        return False
    needed = {r.material.code for r in item.matter_version.requirements.select_related("material")}
    return bool(needed & deferred)


@transaction.atomic
def commitment_fulfil_if_complete(
    *, case: Case, actor: Any, material_code: str
) -> list[Commitment]:
    """Fulfil every pending 容缺 commitment of the case whose materials are all in now."""
    from kaigong.cases.applicable import case_current_materials

    have = {row.material.code for row in case_current_materials(case).values()}
    fulfilled = []
    for commitment in case.commitments.filter(
        kind=CommitmentKind.DEFERRAL, status=CommitmentStatus.PENDING
    ):
        if material_code in commitment.material_codes and set(commitment.material_codes) <= have:
            fulfilled.append(commitment_fulfil(commitment=commitment, actor=actor))
    return fulfilled


@transaction.atomic
def commitment_fulfil(*, commitment: Commitment, actor: Any) -> Commitment:
    """
    The deferred materials have all arrived: fulfil the commitment, complete the items
    approved with deferred materials and release their certificates
    (``certificates_release_deferred``); issue the case when nothing else is held.

    Errors: ``commitment_not_pending`` (409), ``deferred_materials_missing`` (409).
    """
    from kaigong.cases.applicable import case_current_materials
    from kaigong.cases.services import handover
    from kaigong.cases.services.conclusion import case_issue_if_released

    case = case_lock(commitment.case_id)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status != CommitmentStatus.PENDING or commitment.kind != CommitmentKind.DEFERRAL:
        raise Conflict(_("This commitment is not pending."), code=ErrorCode.COMMITMENT_NOT_PENDING)
    have = {row.material.code for row in case_current_materials(case).values()}
    missing = sorted(set(commitment.material_codes) - have)
    if missing:
        raise Conflict(
            _("Deferred materials are still missing: %(codes)s")
            % {"codes": "、".join(material_names(missing))},
            code=ErrorCode.DEFERRED_MATERIALS_MISSING,
            extra={"missing": missing},
        )
    commitment.status, commitment.settled_at = CommitmentStatus.FULFILLED, timezone.now()
    commitment.save(update_fields=["status", "settled_at", "updated_at"])
    case_event_record(
        case=case,
        kind=EventKind.COMMITMENT_FULFILLED,
        actor=actor,
        data={"commitment": str(commitment.public_id), "materials": commitment.material_codes},
    )
    deferred = outstanding_deferred_codes(case)
    for item in case.items.filter(status=ItemStatus.APPROVED_DEFERRED).select_related(
        "matter_version__matter"
    ):
        if item_has_deferred_materials(item, deferred):
            continue
        _item_transition(item=item, action=ItemAction.COMPLETE_MATERIALS, actor=actor)
        handover.release_deferred(case_item_id=item.pk, actor=actor)
    case_issue_if_released(case=case, actor=actor)
    return commitment


# rule: a false 告知承诺 is dishonesty; a lapsed 容缺 period puts the enterprise under watch
# (docs/legal.md#gaocheng-commitment, docs/legal.md#rongque)
BREACH_LEVELS: dict[str, str] = {
    BreachKind.COMMITMENT_LAPSED: Level.WATCH,
    BreachKind.FALSE_COMMITMENT: Level.GENERAL,
}


def commitment_credit_reference(commitment: Commitment) -> str:
    """The ``source_reference`` of the credit record a breached commitment wrote."""
    return f"cases.commitment:{commitment.public_id}"


def commitment_credit_record(commitment: Commitment) -> CreditRecord | None:
    """The credit record (kaigong.credit) a breached commitment wrote, if any."""
    return (
        CreditRecord.objects.filter(source_reference=commitment_credit_reference(commitment))
        .order_by("-id")
        .first()
    )


def _breach(*, commitment: Commitment, actor: Any, kind: str, note: str) -> Commitment:
    case = case_lock(commitment.case_id)
    commitment.status, commitment.settled_at = CommitmentStatus.BREACHED, timezone.now()
    commitment.note = note
    commitment.save(update_fields=["status", "settled_at", "note", "updated_at"])
    # the credit system's record (kaigong.credit): the one record later gates cite
    first_item = case.items.select_related("department").order_by("order", "id").first()
    record = credit_record_create(
        actor=actor,
        subject=case.enterprise,
        list_kind=ListKind.BLACK,
        level=BREACH_LEVELS[kind],
        reason=note,
        basis=gettext("Commitment signed by the applicant (容缺受理承诺书 / 告知承诺书)"),
        authority=first_item.department if first_item else None,
        source=Source.SYSTEM,
        source_reference=commitment_credit_reference(commitment),
    )
    case_event_record(
        case=case,
        kind=EventKind.COMMITMENT_BREACHED,
        actor=actor,
        data={
            "commitment": str(commitment.public_id),
            "kind": kind,
            "note": note,
            "credit_record": str(record.public_id),
        },
    )
    enterprise_credit_standing_set(
        enterprise=case.enterprise, standing=CreditStanding.WATCH, actor=actor, reason=note
    )
    if case.status in (CaseStatus.ACCEPTED, CaseStatus.CONCLUDED):
        for item in case.items.filter(
            status__in=[*ITEM_OPEN_STATUSES, ItemStatus.APPROVED_DEFERRED]
        ).order_by("id"):
            _item_transition(
                item=item, action=ItemAction.TERMINATE, actor=actor, data={"note": note}
            )
        _case_transition(
            case=case,
            action=CaseAction.HALT,
            actor=actor,
            changes={"closed_at": timezone.now()},
            data={"commitment": str(commitment.public_id)},
            expected_version=case.version,
        )
        Denial.objects.create(
            case=case,
            kind=DenialKind.RETURN,
            reason=note,
            legal_basis=gettext("Commitment signed by the applicant (容缺受理承诺书 / 告知承诺书)"),
            by=actor if getattr(actor, "pk", None) else None,
        )
    return commitment


def commitment_breach_check(*, on: date | None = None, actor: Any = None) -> list[Commitment]:
    """
    Breach every pending 容缺 commitment whose due date passed before ``on``: the case is
    halted, open items terminated, the enterprise recorded (a kaigong.credit record, standing
    "watch"). One transaction per commitment. Return the breached commitments.
    """
    on = on or local_date()
    breached = []
    lapsed = Commitment.objects.filter(
        kind=CommitmentKind.DEFERRAL, status=CommitmentStatus.PENDING, due_on__lt=on
    ).order_by("due_on", "id")
    for commitment in lapsed:
        with transaction.atomic():
            note = gettext("Deferred materials not supplied by %(due)s") % {
                "due": commitment.due_on
            }
            breached.append(
                _breach(
                    commitment=commitment,
                    actor=actor,
                    kind=BreachKind.COMMITMENT_LAPSED,
                    note=note,
                )
            )
    return breached


def _revoke_results(*, commitment: Commitment, actor: Any, note: str) -> None:
    """
    A failed 告知承诺 verification revokes the result (DESIGN.md §4 rule 5), now, in this
    transaction: the certificates of every item whose matter needs a material the
    commitment replaced, through ``certificates.services`` (handover). Items of the case
    whose matter relies on a revoked item, and certificates issued on the basis of a
    revoked one, are flagged (event, verification). The enterprise and every department
    concerned are told in their inbox. (The credit record is ``_breach``'s.)
    """
    from kaigong.cases.services import handover
    from kaigong.core.services import notification_send

    case = commitment.case
    codes = set(commitment.material_codes)
    items = list(
        case.items.select_related("matter_version__matter", "department").prefetch_related(
            "matter_version__requirements__material", "matter_version__dependencies"
        )
    )
    relied = [
        i for i in items if codes & {r.material.code for r in i.matter_version.requirements.all()}
    ]
    relied_matters = {i.matter_version.matter_id for i in relied}
    dependant_items = [
        i
        for i in items
        if i not in relied
        and relied_matters & {d.prerequisite_id for d in i.matter_version.dependencies.all()}
    ]
    revocations = handover.revoke_for_items(
        case_item_ids=[i.pk for i in relied],
        reason=gettext("告知承诺 verification failed: %(note)s") % {"note": note},
        actor=actor,
    )
    flagged = sorted({d.identifier for r in revocations for d in r.dependants})
    case_event_record(
        case=case,
        kind=EventKind.COMMITMENT_VERIFIED,
        actor=actor,
        data={
            "commitment": str(commitment.public_id),
            "passed": False,
            "note": note,
            "revoked": [r.certificate.identifier for r in revocations],
            "items": [i.matter_version.matter.code for i in relied],
            "dependant_items": [i.matter_version.matter.code for i in dependant_items],
            "dependant_certificates": flagged,
        },
    )
    names = "、".join(r.certificate.certificate_type.name for r in revocations)
    body = gettext("Case %(number)s: %(note)s") % {"number": case.number, "note": note}
    if names:
        body += " " + gettext("Revoked: %(names)s.") % {"names": names}
    link = f"/cases/{case.public_id}/"
    notification_send(
        kind="commitment_failed",
        title=gettext("A commitment (告知承诺) failed its verification"),
        body=body,
        link=link,
        enterprise=case.enterprise,
    )
    departments = {i.department_id: i.department for i in [*relied, *dependant_items]}
    for revocation in revocations:
        departments.setdefault(revocation.certificate.issuer_id, revocation.certificate.issuer)
    for department in departments.values():
        notification_send(
            kind="commitment_failed",
            title=gettext("A commitment (告知承诺) failed its verification"),
            body=body,
            link=link,
            department=department,
        )


@transaction.atomic
def commitment_verify(
    *, commitment: Commitment, actor: Any, passed: bool, note: str = ""
) -> Commitment:
    """
    Record the verification of a 告知承诺 commitment. Failed: a breach (credit record,
    case halted if still open), the certificates of the items that relied on it revoked
    at once (same transaction), dependants flagged, the enterprise and the departments
    told; an outbox event for external systems.

    Errors: ``permission_denied`` (403), ``commitment_not_pending`` (409).
    """
    from kaigong.core.services import outbox_emit

    ensure_can_verify_commitment(actor, commitment.case)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if (
        commitment.status != CommitmentStatus.PENDING
        or commitment.kind != CommitmentKind.UNDERTAKING
    ):
        raise Conflict(_("This commitment is not pending."), code=ErrorCode.COMMITMENT_NOT_PENDING)
    if not passed:
        note = note or gettext("The commitment did not match the facts on verification.")
        _breach(commitment=commitment, actor=actor, kind=BreachKind.FALSE_COMMITMENT, note=note)
        _revoke_results(commitment=commitment, actor=actor, note=note)
        # for external systems only: the revocation above does not depend on a reader
        outbox_emit(
            topic="case.commitment_failed",
            key=str(commitment.case.public_id),
            payload={
                "case": str(commitment.case.public_id),
                "commitment": str(commitment.public_id),
            },
        )
        return commitment
    case = case_lock(commitment.case_id)
    commitment.status, commitment.settled_at, commitment.note = (
        CommitmentStatus.FULFILLED,
        timezone.now(),
        note,
    )
    commitment.save(update_fields=["status", "settled_at", "note", "updated_at"])
    case_event_record(
        case=case,
        kind=EventKind.COMMITMENT_VERIFIED,
        actor=actor,
        data={"commitment": str(commitment.public_id), "passed": True, "note": note},
    )
    return commitment
