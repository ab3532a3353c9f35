"""
Release: held certificates reach the holder, several at once, in one event.

Release rules (DESIGN.md §4 rule 4, issue 5 §3; 潍坊 四证合发, 滨州 十证联发):
- the certificates of a bundle are released together when it concludes (一次出证);
- a joint-issuance rule holds its certificates until its condition is recorded with
  evidence, then releases them in one event (多证联发);
- certificates of an item with deferred 容缺 materials stay held until they arrive.
Held certificates are not valid and not visible to the holder; a certificate still being
rendered and signed (生成中, services/render.py) is held and never released.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kaigong.catalog.models import JointIssuanceRule
from kaigong.certificates import hooks
from kaigong.certificates.constants import TOPIC_RELEASED, CertificateStatus, ErrorCode, ReleaseKind
from kaigong.certificates.models import Certificate, CertificateRelease, JointIssuanceFulfilment
from kaigong.certificates.permissions import ensure_can_record_joint_condition
from kaigong.core.exceptions import Conflict, InvalidInput
from kaigong.core.services import audit_record, notification_send, outbox_emit
from kaigong.projects.models import Project


def _release(
    *,
    certificates: Sequence[Certificate],
    kind: str,
    actor,
    case_public_id: UUID | None = None,
    project: Project | None = None,
    tell_cases: bool | None = None,
) -> CertificateRelease | None:
    """
    Mark ``certificates`` valid in one release event; outbox row and holder notice.
    ``tell_cases``: tell cases (hooks.released); by default for every release but a
    bundle's own inline one, which is part of its conclusion (that issues the case itself).
    """
    certificates = [c for c in certificates if c.status == CertificateStatus.HELD]
    if not certificates:
        return None
    release = CertificateRelease(
        kind=kind,
        case_public_id=case_public_id,
        project=project,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    release.full_clean()
    release.save()
    for certificate in certificates:
        certificate.status = CertificateStatus.VALID
        certificate.release = release
        certificate.released_at = release.released_at
        certificate.save(update_fields=["status", "release", "released_at", "updated_at"])
    outbox_emit(
        topic=TOPIC_RELEASED,
        key=str(release.public_id),
        payload={
            "release": str(release.public_id),
            "kind": kind,
            "case": str(case_public_id) if case_public_id else None,
            "certificates": [
                {
                    "id": str(c.public_id),
                    "identifier": c.identifier,
                    "type_code": c.data.get("type_code", ""),
                    "holder_code": c.data.get("holder_code", ""),
                }
                for c in certificates
            ],
        },
    )
    holders = {c.holder_id: c.holder for c in certificates}
    for holder in holders.values():
        names = "、".join(c.certificate_type.name for c in certificates if c.holder_id == holder.id)
        notification_send(
            kind="certificates_released",
            title=_("Your certificates have been issued"),
            body=names,
            link="/certificates/",
            enterprise=holder,
        )
    audit_record(
        actor=actor,
        action="certificates_release",
        obj=release,
        summary=f"{kind}: {len(certificates)}",
        data={"identifiers": [c.identifier for c in certificates]},
    )
    # the cases app moves a case to 已出证 once nothing of it is held (same transaction);
    # a bundle's release rendered inline is part of its conclusion, which issues the case
    if tell_cases if tell_cases is not None else kind != ReleaseKind.BUNDLE:
        hooks.released([c.case_public_id for c in certificates], actor)
    return release


def release_ready(certificate: Certificate) -> bool:
    # rule: 生成中 (not rendered and signed yet) is never released (DESIGN.md §1; services/render.py)
    return (
        certificate.status == CertificateStatus.HELD
        and certificate.rendered_at is not None
        and certificate.hold_rule_id is None
        and not certificate.hold_deferred_materials
    )


@transaction.atomic
def certificates_release_deferred(*, case_item_id: int, actor) -> list[Certificate]:
    """The deferred materials of an item arrived: release its certificates if nothing else holds them."""
    held = list(
        Certificate.objects.select_for_update()
        .select_related("certificate_type", "holder")
        .filter(case_item_id=case_item_id, status=CertificateStatus.HELD)
        .order_by("id")
    )
    for certificate in held:
        if certificate.hold_deferred_materials:
            certificate.hold_deferred_materials = False
            certificate.save(update_fields=["hold_deferred_materials", "updated_at"])
    ready = [c for c in held if release_ready(c)]
    if ready:
        _release(
            certificates=ready,
            kind=ReleaseKind.DEFERRED_MATERIALS,
            actor=actor,
            case_public_id=ready[0].case_public_id,
            project=ready[0].project,
        )
    return ready


def _evidence_certificate(reference: str) -> Certificate | None:
    """The platform's certificate whose identifier or licence number is ``reference``."""
    reference = (reference or "").strip()
    if not reference:
        return None
    return (
        Certificate.objects.filter(Q(identifier=reference) | Q(license_no=reference))
        .exclude(status=CertificateStatus.HELD)
        .first()
    )


@transaction.atomic
def joint_issuance_condition_record(
    *,
    rule: JointIssuanceRule,
    evidence: str,
    actor,
    project_id: int | None = None,
    case_public_id: UUID | None = None,
    evidence_reference: str = "",
) -> JointIssuanceFulfilment:
    """
    Record that ``rule``'s condition is met for a project, and release what it held.

    Everything the rule held for the project is released in ONE event (十证联发). Recorded
    before the bundle concludes, the condition simply holds nothing back at issuance.
    Errors: ``evidence_required`` (400), ``permission_denied`` (403),
    ``condition_already_recorded`` (409).
    """
    ensure_can_record_joint_condition(actor, rule)
    evidence = (evidence or "").strip()
    if not evidence:
        raise InvalidInput(
            code=ErrorCode.EVIDENCE_REQUIRED,
            invalid_params=[
                {
                    "name": "evidence",
                    "code": ErrorCode.EVIDENCE_REQUIRED,
                    "reason": _("Describe the evidence that the condition is met."),
                }
            ],
        )
    project = _project_for(project_id=project_id, case_public_id=case_public_id)
    if JointIssuanceFulfilment.objects.filter(rule=rule, project=project).exists():
        raise Conflict(
            _("This condition is already recorded for the project."),
            code=ErrorCode.CONDITION_ALREADY_RECORDED,
        )
    fulfilment = JointIssuanceFulfilment(
        rule=rule,
        project=project,
        evidence=evidence,
        evidence_reference=evidence_reference.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    fulfilment.full_clean()
    fulfilment.save()
    audit_record(
        actor=actor,
        action="joint_issuance_condition_record",
        obj=fulfilment,
        summary=rule.condition_name,
        data={"rule": rule.code, "evidence": evidence, "reference": evidence_reference},
    )
    held = list(
        Certificate.objects.select_for_update()
        .select_related("certificate_type", "holder")
        .filter(project=project, hold_rule=rule, status=CertificateStatus.HELD)
        .order_by("id")
    )
    for certificate in held:
        certificate.hold_rule = None
        certificate.save(update_fields=["hold_rule", "updated_at"])
    # rule: the evidence may be a certificate of the platform (e.g. the land-use right); what
    # the condition released then rests on it (docs/legal.md#revoked-prerequisite)
    basis = _evidence_certificate(evidence_reference)
    if basis is not None:
        for certificate in held:
            if certificate.pk != basis.pk:
                certificate.depends_on.add(basis)
    ready = [c for c in held if release_ready(c)]
    cases = {c.case_public_id for c in ready}
    _release(
        certificates=ready,
        kind=ReleaseKind.JOINT_ISSUANCE,
        actor=actor,
        case_public_id=cases.pop() if len(cases) == 1 else None,
        project=project,
    )
    return fulfilment


def _project_for(*, project_id: int | None, case_public_id: UUID | None) -> Project:
    if project_id is not None:
        project = Project.objects.filter(pk=project_id).first()
    elif case_public_id is not None:
        certificate = Certificate.objects.filter(case_public_id=case_public_id).first()
        project = certificate.project if certificate else None
    else:
        project = None
    if project is None:
        raise InvalidInput(
            _("Name the project (or a case with certificates) the condition is met for."),
            code="project_required",
        )
    return project
