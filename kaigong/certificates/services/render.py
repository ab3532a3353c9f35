"""
Rendering and signing after commit: a decision commits before its certificates render.

``certificates_issue_for_case`` (issuance.py) numbers and records the certificates of a
concluded bundle in the deciding transaction, held and 生成中 (``rendered_at`` empty), and
writes the internal outbox message ``internal.certificates.render`` in that same
transaction. The relay (core/relay.py) delivers it to ``certificate_render_on_message``,
which, in the delivery's own transaction:

1. locks the case's certificates still 生成中 (a second delivery finds none: idempotent);
2. renders each PDF (rendering.py), hashes it with SM3 and signs SM3(canonical data + PDF
   hash) with the issuing department's SM2 key — exactly what issuance did before;
3. releases together, in one event, those nothing else holds (一次出证), and tells cases,
   which moves the case to 已出证 once none of its certificates is held.

A failure (a missing key, a full disk) rolls the delivery back: the certificates stay 生成中
and held, the relay retries with back-off and, after its last attempt, keeps a dead letter
an administrator replays (``manage.py outbox_replay``); nothing is lost, since the message
was committed with the certificates. ``certificates_render_pending`` renders whatever is
still 生成中 (the demo loader, or by hand).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kaigong.certificates.constants import TOPIC_REGISTERED, ReleaseKind
from kaigong.certificates.crypto import sm3_hex
from kaigong.certificates.identifiers import serial_for
from kaigong.certificates.models import Certificate
from kaigong.certificates.rendering import render_pdf
from kaigong.certificates.signing import content_digest
from kaigong.core.services import audit_record, outbox_emit

from .keys import signing_key_for
from .release import _release, release_ready

_inline: ContextVar[bool] = ContextVar("certificates_render_inline", default=False)


def render_inline() -> bool:
    """Whether issuance renders and signs in its own transaction (tests, the demo loader)."""
    return bool(settings.KAIGONG_CERTIFICATES_RENDER_INLINE or _inline.get())


@contextmanager
def rendering_inline() -> Iterator[None]:
    """Render and sign inside the issuing transaction for the duration of the block."""
    token = _inline.set(True)
    try:
        yield
    finally:
        _inline.reset(token)


def _render_one(certificate: Certificate, *, actor: Any, now) -> None:
    key, signer = signing_key_for(certificate.issuer, actor=actor)
    pdf = render_pdf(certificate.data)
    pdf_sm3 = sm3_hex(pdf)
    digest = content_digest(certificate.data, pdf_sm3)
    certificate.pdf.save(
        f"{serial_for(certificate.year, certificate.number)}-{certificate.certificate_type.code}.pdf",
        ContentFile(pdf),
        save=False,
    )
    certificate.pdf_sm3 = pdf_sm3
    certificate.pdf_size = len(pdf)
    certificate.content_digest = digest.hex()
    certificate.signature_hex = signer.sign(digest).hex()
    certificate.signing_key = key
    certificate.rendered_at = now
    certificate.save(
        update_fields=[
            "pdf",
            "pdf_sm3",
            "pdf_size",
            "content_digest",
            "signature_hex",
            "signing_key",
            "rendered_at",
            "updated_at",
        ]
    )


# perf: part of the caller's transaction (the issuance or the relay's delivery)
@transaction.atomic(savepoint=False)
def certificates_render(
    certificates: Sequence[Certificate], *, actor: Any, tell_cases: bool
) -> list[Certificate]:
    """
    Render and sign the certificates still 生成中 (of one case), then release together
    those nothing holds. ``tell_cases``: the release tells cases (after commit, the case
    waits for it); False when the conclusion issues the case itself (inline rendering).
    """
    pending = [c for c in certificates if c.rendered_at is None]
    if not pending:
        return []
    now = timezone.now()
    for certificate in pending:
        _render_one(certificate, actor=actor, now=now)
    audit_record(
        actor=actor,
        action="certificates_render",
        object_type="cases.case",
        object_id=str(pending[0].case_public_id or ""),
        summary=f"{len(pending)} certificates",
        data={"identifiers": [c.identifier for c in pending]},
    )
    ready = [c for c in pending if release_ready(c)]
    held = [c for c in pending if not release_ready(c)]
    if held:
        # made and signed but held (多证联发 condition, 容缺 materials): the e-licence
        # library registers them now (REGISTERED) and issues them on release
        outbox_emit(
            topic=TOPIC_REGISTERED,
            key=str(pending[0].case_public_id),
            payload={
                "case": str(pending[0].case_public_id),
                "certificates": [
                    {
                        "id": str(c.public_id),
                        "identifier": c.identifier,
                        "type_code": c.data.get("type_code", ""),
                        "held_by": "joint_issuance" if c.hold_rule_id else "deferred_materials",
                    }
                    for c in held
                ],
            },
        )
    _release(
        certificates=ready,
        kind=ReleaseKind.BUNDLE,
        actor=actor,
        case_public_id=pending[0].case_public_id,
        project=pending[0].project,
        tell_cases=tell_cases,
    )
    return pending


def _pending_of_case(case_public_id: UUID | str) -> list[Certificate]:
    return list(
        Certificate.objects.select_for_update(of=("self",))
        .select_related("certificate_type", "issuer", "holder", "project")
        .filter(case_public_id=case_public_id, rendered_at__isnull=True)
        .order_by("id")
    )


@transaction.atomic
def certificates_render_for_case(*, case_public_id: UUID | str, actor: Any) -> list[Certificate]:
    """Render, sign and release what is still 生成中 of one case (idempotent)."""
    return certificates_render(_pending_of_case(case_public_id), actor=actor, tell_cases=True)


def certificate_render_on_message(message) -> None:
    """The relay's consumer of ``internal.certificates.render`` (raises to be retried)."""
    payload = message.payload or {}
    actor_id = payload.get("actor")
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    certificates_render_for_case(case_public_id=payload["case"], actor=actor)


def certificates_render_pending() -> int:
    """Render every certificate still 生成中, case by case; return how many were rendered."""
    cases = (
        Certificate.objects.filter(rendered_at__isnull=True)
        .values_list("case_public_id", flat=True)
        .distinct()
    )
    return sum(
        len(certificates_render_for_case(case_public_id=case, actor=None))
        for case in list(cases)
        if case is not None
    )
