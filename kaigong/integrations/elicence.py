"""
The e-licence push (电子证照库, #15 §3): issued, revoked and expired certificates reach the
provincial e-licence library through an adapter.

* ``ElicenceAdapter`` is the interface: ``push(record)`` sends one licence record and raises
  to fail. ``HttpElicenceAdapter`` is the real one: ``PUT {KAIGONG_ELICENCE_URL}/licences/
  {identifier}`` with the JSON record (docs/integrations.md#elicence) — idempotent by
  identifier: the same PUT twice leaves one licence in the same state.
* The relay carries it (consumer ``integrations.elicence``, at least once, in order per
  certificate, backoff, dead letter); it exists only while ``KAIGONG_ELICENCE_URL`` is set.
* Statuses: ``REGISTERED`` (制证未签发) when made but held at issuance (a 多证联发 condition
  or 容缺 materials: ``certificates.registered``), ``ISSUED`` when released to the holder,
  ``ABOLISHED`` when revoked or expired (``abolish_reason``); never backwards (a late
  REGISTERED after ISSUED is dropped). ``correlative_license`` lists the identifiers a
  dependant rests on.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

import httpx

from kaigong.certificates.constants import (
    TOPIC_REGISTERED,
    TOPIC_RELEASED,
    TOPIC_REVOKED,
    CertificateStatus,
)
from kaigong.certificates.models import Certificate
from kaigong.core.models import OutboxMessage
from kaigong.core.relay import OutboxConsumer
from kaigong.core.services import outbox_emit

from .models import ElicencePush, LicenceStatus

logger = logging.getLogger(__name__)

ELICENCE_CONSUMER = "integrations.elicence"
TOPIC_EXPIRED = "integrations.certificate_expired"
ELICENCE_TOPICS = (TOPIC_REGISTERED, TOPIC_RELEASED, TOPIC_REVOKED, TOPIC_EXPIRED)
# A licence only moves forward: REGISTERED → ISSUED → ABOLISHED. A push behind what the
# library acknowledged (a late REGISTERED after the release's ISSUED) is not sent.
STATUS_RANK = {"REGISTERED": 0, "ISSUED": 1, "ABOLISHED": 2}


class ElicenceAdapter(Protocol):
    def push(self, record: dict[str, Any]) -> None:
        """Send one licence record (idempotent by ``record["licence_code"]``); raise to fail."""


class ElicenceRefused(Exception):
    pass


class HttpElicenceAdapter:
    """PUT the record to ``{base_url}/licences/{identifier}``; 2xx is success."""

    def __init__(self, base_url: str, token: str = "", timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def push(self, record: dict[str, Any]) -> None:
        headers = {"content-type": "application/json"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        response = httpx.put(
            f"{self.base_url}/licences/{record['licence_code']}",
            json=record,
            headers=headers,
            timeout=self.timeout,
        )
        if not 200 <= response.status_code < 300:
            raise ElicenceRefused(f"HTTP {response.status_code}: {response.text[:200]}")


def elicence_adapter() -> ElicenceAdapter:
    cls = import_string(settings.KAIGONG_ELICENCE_ADAPTER)
    return cls(
        settings.KAIGONG_ELICENCE_URL,
        token=settings.KAIGONG_ELICENCE_TOKEN,
        timeout=settings.KAIGONG_ELICENCE_TIMEOUT_SECONDS,
    )


def licence_record(
    certificate: Certificate, status: str, *, reason: str = "", at=None
) -> dict[str, Any]:
    """The documented JSON record of one certificate (docs/integrations.md#elicence)."""
    holder, issuer = certificate.holder, certificate.issuer
    return {
        "licence_code": certificate.identifier,
        "licence_no": certificate.license_no,
        "type_code": certificate.data.get("type_code", ""),
        "type_name": certificate.certificate_type.name,
        "holder_name": holder.name,
        "holder_id_type": certificate.holder_code_type,
        "holder_id_code": holder.uscc,
        "issuer_name": issuer.name,
        "issuer_code": issuer.uscc or issuer.code,
        "division_code": certificate.project.region_code if certificate.project else "",
        "issue_date": certificate.issued_on.isoformat(),
        "begin_date": certificate.valid_from.isoformat(),
        "expiry_date": certificate.valid_to.isoformat() if certificate.valid_to else None,
        "status": status,
        "abolish_reason": reason,
        "abolished_at": at.isoformat() if at and status == LicenceStatus.ABOLISHED else None,
        "correlative_license": sorted(d.identifier for d in certificate.depends_on.all()),
        "data": certificate.data,
        "algorithm": "SM2-SM3",
        "s_sign_data": certificate.signature_hex,
        "content_digest": certificate.content_digest,
    }


def _records(message: OutboxMessage) -> list[tuple[str, dict[str, Any]]]:
    base = Certificate.objects.select_related(
        "holder", "issuer", "project", "certificate_type"
    ).prefetch_related("depends_on")
    if message.topic == TOPIC_REGISTERED:
        # only those still held when delivered: one released since is pushed ISSUED by
        # its release's message, one revoked since ABOLISHED by its revocation's
        ids = [c["identifier"] for c in message.payload.get("certificates", [])]
        held = base.filter(identifier__in=ids, status=CertificateStatus.HELD)
        return [
            (c.identifier, licence_record(c, LicenceStatus.REGISTERED))
            for c in held.order_by("identifier")
        ]
    if message.topic == TOPIC_RELEASED:
        ids = [c["identifier"] for c in message.payload.get("certificates", [])]
        return [
            (c.identifier, licence_record(c, LicenceStatus.ISSUED))
            for c in base.filter(identifier__in=ids).order_by("identifier")
        ]
    certificate = base.filter(identifier=message.payload.get("identifier", "")).first()
    if certificate is None:
        return []
    if message.topic == TOPIC_REVOKED:
        reason = "revoked: " + str(message.payload.get("reason", ""))
        return [
            (
                certificate.identifier,
                licence_record(
                    certificate,
                    LicenceStatus.ABOLISHED,
                    reason=reason[:200],
                    at=certificate.revoked_at,
                ),
            )
        ]
    return [
        (
            certificate.identifier,
            licence_record(
                certificate, LicenceStatus.ABOLISHED, reason="expired", at=message.created_at
            ),
        )
    ]


def elicence_deliver(message: OutboxMessage) -> None:
    """The relay consumer: push each record, then note what the library acknowledged."""
    adapter = elicence_adapter()
    for identifier, record in _records(message):
        acknowledged = (
            ElicencePush.objects.filter(identifier=identifier)
            .values_list("status", flat=True)
            .first()
        )
        if acknowledged and STATUS_RANK[acknowledged] > STATUS_RANK[record["status"]]:
            continue  # the library already has a later state of this licence
        adapter.push(record)
        push, created = ElicencePush.objects.get_or_create(
            identifier=identifier,
            defaults={"status": record["status"], "payload": record, "pushes": 1},
        )
        if not created:
            push.status, push.payload = record["status"], record
            push.abolish_reason = record["abolish_reason"]
            push.pushes += 1
            push.pushed_at = timezone.now()
            push.save()


def elicence_consumers() -> list[OutboxConsumer]:
    """The consumer exists while an endpoint is configured (``KAIGONG_ELICENCE_URL``)."""
    if not settings.KAIGONG_ELICENCE_URL:
        return []
    return [
        OutboxConsumer(
            name=ELICENCE_CONSUMER,
            topics=ELICENCE_TOPICS,
            deliver=elicence_deliver,
            transactional=False,
        )
    ]


@transaction.atomic
def elicence_expiry_sweep(*, today=None) -> int:
    """
    Released certificates past their ``valid_to`` are announced once as expired
    (``integrations.certificate_expired``), so the library abolishes them. Idempotent.
    """
    today = today or timezone.localdate()
    expired = Certificate.objects.filter(
        status=CertificateStatus.VALID, valid_to__lt=today, released_at__isnull=False
    )
    announced = set(OutboxMessage.objects.filter(topic=TOPIC_EXPIRED).values_list("key", flat=True))
    count = 0
    for certificate in expired.only("public_id", "identifier", "valid_to"):
        if str(certificate.public_id) in announced:
            continue
        outbox_emit(
            topic=TOPIC_EXPIRED,
            key=str(certificate.public_id),
            payload={
                "identifier": certificate.identifier,
                "valid_to": str(certificate.valid_to),
            },
        )
        count += 1
    return count
