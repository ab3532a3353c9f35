"""
A decision commits before its certificates render (issue #16 §3, services/render.py).

With ``KAIGONG_CERTIFICATES_RENDER_INLINE`` off (production's default) the issuing
transaction numbers and records the certificates, held and 生成中, with one internal outbox
message; the relay renders, signs and releases them — the same certificates as inline
rendering — and a failed rendering is retried without losing one.
"""

from __future__ import annotations

from unittest import mock

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

import pytest

from kaigong.certificates.constants import TOPIC_RENDER, CertificateStatus, ReleaseKind
from kaigong.certificates.models import Certificate, CertificateRelease
from kaigong.certificates.selectors import certificate_effective_status, certificate_holds_for_case
from kaigong.certificates.services import certificates_release_deferred
from kaigong.certificates.tests.factories import issue, issuing_catalogue
from kaigong.certificates.verification import certificate_verify_identifier
from kaigong.core.models import DeliveryStatus, OutboxDelivery, OutboxMessage
from kaigong.core.relay import outbox_relay_run
from kaigong.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

AFTER_COMMIT = override_settings(KAIGONG_CERTIFICATES_RENDER_INLINE=False)


def _signed_form(certificates):
    return [(c.identifier, c.data, c.pdf_sm3, c.content_digest) for c in certificates]


def test_the_issuing_transaction_records_them_held_and_being_generated():
    catalogue = issuing_catalogue()
    with AFTER_COMMIT:
        issued = issue(catalogue)
    assert len(issued) == 5
    for certificate in Certificate.objects.filter(pk__in=[c.pk for c in issued]):
        assert certificate.rendered_at is None
        assert certificate.status == CertificateStatus.HELD
        assert certificate.signature_hex == "" and certificate.signing_key_id is None
        assert certificate_effective_status(certificate) == "rendering"
        # not valid while it is being generated (and not "tampered" either)
        assert certificate_verify_identifier(certificate.identifier).status == "held"
    assert not CertificateRelease.objects.exists()
    # the relay's work is committed with the certificates: a crash after commit loses nothing
    message = OutboxMessage.objects.get(topic=TOPIC_RENDER)
    assert message.payload["case"] == str(issued[0].case_public_id)
    holds = certificate_holds_for_case(issued[0].case_public_id)
    assert holds and all(h.rendering for h in holds)


def test_the_relay_renders_signs_and_releases_them_together():
    catalogue = issuing_catalogue()
    with AFTER_COMMIT:
        issued = issue(catalogue)
    outbox_relay_run()
    certificates = list(Certificate.objects.filter(pk__in=[c.pk for c in issued]))
    assert all(c.rendered_at is not None for c in certificates)
    assert {c.status for c in certificates} == {CertificateStatus.VALID}
    release = CertificateRelease.objects.get()
    assert release.kind == ReleaseKind.BUNDLE
    assert {c.release_id for c in certificates} == {release.pk}
    for certificate in certificates:
        assert certificate_verify_identifier(certificate.identifier).status == "valid"
    # a second delivery of the same message (at least once) changes nothing
    assert outbox_relay_run().delivered <= 1  # the release's own message, if any
    assert CertificateRelease.objects.count() == 1


def test_certificates_rendered_after_commit_equal_those_rendered_inline():
    catalogue = issuing_catalogue()
    project = ProjectFactory()
    with transaction.atomic():
        inline = issue(catalogue, project=project)
        before = _signed_form(inline)
        assert all(certificate_verify_identifier(i).status == "valid" for i, *_ in before)
        transaction.set_rollback(True)  # the same numbers are given again below
    with AFTER_COMMIT:
        deferred = issue(catalogue, project=project)
    outbox_relay_run()
    after = _signed_form(Certificate.objects.filter(pk__in=[c.pk for c in deferred]).order_by("pk"))
    assert sorted(after, key=str) == sorted(before, key=str)
    assert all(certificate_verify_identifier(i).status == "valid" for i, *_ in after)


def test_a_failed_rendering_is_retried_and_loses_no_certificate():
    catalogue = issuing_catalogue()
    with AFTER_COMMIT:
        issued = issue(catalogue)
    ids = [c.pk for c in issued]
    with mock.patch(
        "kaigong.certificates.services.render.render_pdf", side_effect=OSError("disk full")
    ):
        result = outbox_relay_run()
    assert result.failed == 1
    delivery = OutboxDelivery.objects.get(consumer="certificates.render")
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert "disk full" in delivery.last_error
    # the failed attempt rolled back: every certificate is still there, held and 生成中
    assert Certificate.objects.filter(
        pk__in=ids, rendered_at__isnull=True, status=CertificateStatus.HELD
    ).count() == len(ids)
    OutboxDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now()
    )  # backed off
    outbox_relay_run()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    assert Certificate.objects.filter(pk__in=ids, status=CertificateStatus.VALID).count() == len(
        ids
    )


def test_a_certificate_being_generated_is_never_released():
    catalogue = issuing_catalogue()
    with AFTER_COMMIT:
        issued = issue(catalogue, deferred=("single",))
    single = next(c for c in issued if c.matter_version_id == catalogue.single.pk)
    # its deferred materials arrive before it is rendered: it stays held
    assert certificates_release_deferred(case_item_id=single.case_item_id, actor=None) == []
    single.refresh_from_db()
    assert single.status == CertificateStatus.HELD and not single.hold_deferred_materials
    outbox_relay_run()
    single.refresh_from_db()
    assert single.status == CertificateStatus.VALID
