"""Revocation by the issuing department, with a reason; dependants are flagged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaigong.certificates.constants import TOPIC_REVOKED, CertificateStatus, ErrorCode
from kaigong.certificates.models import Certificate
from kaigong.certificates.permissions import ensure_can_revoke_certificate
from kaigong.core.exceptions import Conflict, InvalidInput
from kaigong.core.services import audit_record, notification_send, outbox_emit


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, actor) -> Certificate:
    """
    Revoke ``certificate``: it then verifies as ``revoked`` with the date and reason.

    Certificates issued on its basis are flagged (verification lists the revoked
    prerequisite) and their issuing departments are told.
    Errors: ``permission_denied`` (403), ``revocation_reason_required`` (400),
    ``certificate_already_revoked`` (409).
    """
    ensure_can_revoke_certificate(actor, certificate)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            code=ErrorCode.REASON_REQUIRED,
            invalid_params=[
                {
                    "name": "reason",
                    "code": ErrorCode.REASON_REQUIRED,
                    "reason": _("Give the reason for the revocation."),
                }
            ],
        )
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == CertificateStatus.REVOKED:
        raise Conflict(_("The certificate is already revoked."), code=ErrorCode.ALREADY_REVOKED)
    _revoke(certificate, reason=reason, actor=actor)
    return certificate


def _revoke(certificate: Certificate, *, reason: str, actor) -> list[Certificate]:
    """Revoke a locked certificate; flag and tell its dependants. Return the dependants."""
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor if getattr(actor, "pk", None) else None
    certificate.revocation_reason = reason
    certificate.full_clean(exclude=["pdf"])
    certificate.save(
        update_fields=["status", "revoked_at", "revoked_by", "revocation_reason", "updated_at"]
    )
    dependants = list(certificate.dependants.select_related("issuer"))
    # rule: a certificate issued on the basis of a revoked one is flagged, not revoked
    # (docs/legal.md#revoked-prerequisite)
    flagged = [d for d in dependants if d.status != CertificateStatus.REVOKED]
    for dependant in flagged:
        if dependant.prerequisite_revoked_at is None:
            dependant.prerequisite_revoked_at = certificate.revoked_at
            dependant.save(update_fields=["prerequisite_revoked_at", "updated_at"])
    audit_record(
        actor=actor,
        action="certificate_revoke",
        obj=certificate,
        summary=reason,
        data={"identifier": certificate.identifier, "flagged": [d.identifier for d in dependants]},
    )
    outbox_emit(
        topic=TOPIC_REVOKED,
        key=str(certificate.public_id),
        payload={
            "identifier": certificate.identifier,
            "revoked_at": certificate.revoked_at.isoformat(),
            "reason": reason,
            "dependants_flagged": [d.identifier for d in dependants],
        },
    )
    if certificate.released_at is not None:
        notification_send(
            kind="certificate_revoked",
            title=_("A certificate has been revoked"),
            body=f"{certificate.certificate_type.name} {certificate.license_no}: {reason}",
            enterprise=certificate.holder,
        )
    for department in {d.issuer_id: d.issuer for d in dependants}.values():
        notification_send(
            kind="certificate_prerequisite_revoked",
            title=_("A certificate your department issued rests on a revoked one"),
            body=f"{certificate.identifier}: {reason}",
            department=department,
        )
    return dependants


@dataclass(frozen=True)
class Revocation:
    certificate: Certificate
    dependants: list[Certificate]


# perf: part of the caller's transaction, no savepoint of its own (errors abort it all)
@transaction.atomic(savepoint=False)
def certificates_revoke_for_case_items(
    *, case_item_ids: Sequence[int], reason: str, actor
) -> list[Revocation]:
    """
    Revoke every certificate (held or valid) of these case items, in the caller's
    transaction: a failed 告知承诺 verification revokes the result (DESIGN.md §4 rule 5).
    The caller (the cases app) has checked that ``actor`` may verify the commitment; the
    issuing department's approver is not asked again. Dependants are flagged and their
    issuing departments told, as for ``certificate_revoke``; the holder is told when the
    certificate had been released. Already revoked certificates are left as they are.
    """
    reason = (reason or "").strip() or _("Revoked")
    rows = list(
        Certificate.objects.select_for_update()
        .select_related("certificate_type", "holder", "issuer")
        .filter(case_item_id__in=list(case_item_ids))
        .exclude(status=CertificateStatus.REVOKED)
        .order_by("id")
    )
    return [Revocation(c, _revoke(c, reason=reason, actor=actor)) for c in rows]
