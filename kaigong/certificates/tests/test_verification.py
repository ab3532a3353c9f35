"""Verification by identifier and by PDF: valid, held, revoked, expired, unknown, tampered."""

from datetime import date

import pytest
import time_machine

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import user_with_role
from kaigong.certificates.constants import VerificationStatus
from kaigong.certificates.models import Certificate
from kaigong.certificates.services import joint_issuance_condition_record
from kaigong.certificates.tests.factories import issue, issuing_catalogue
from kaigong.certificates.verification import (
    certificate_verify_file,
    certificate_verify_identifier,
    identifier_in_pdf,
)

pytestmark = pytest.mark.django_db


def _pdf(certificate):
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def test_released_certificate_verifies_valid_by_identifier_and_by_file():
    certificate = issue(issuing_catalogue())[0]

    by_id = certificate_verify_identifier(certificate.identifier)
    by_file = certificate_verify_file(_pdf(certificate))

    assert by_id.status == VerificationStatus.VALID
    assert by_file.status == VerificationStatus.VALID
    assert by_file.certificate == certificate


def test_pdf_with_one_flipped_byte_is_tampered():
    # given the genuine PDF with one byte of its content stream changed
    certificate = issue(issuing_catalogue())[0]
    content = bytearray(_pdf(certificate))
    position = content.index(b"stream") + 40
    content[position] ^= 0x01

    # when it is uploaded for verification
    result = certificate_verify_file(bytes(content))

    # then it is reported as tampered, naming the certificate it pretends to be
    assert result.status == VerificationStatus.TAMPERED
    assert result.identifier == certificate.identifier


def test_changed_data_in_the_database_is_tampered():
    certificate = issue(issuing_catalogue())[0]
    data = dict(certificate.data, holder_name="冒名公司")
    Certificate.objects.filter(pk=certificate.pk).update(data=data)

    assert certificate_verify_identifier(certificate.identifier).status == "tampered"


def test_held_certificate_is_not_valid_until_released():
    catalogue = issuing_catalogue(joint_rule_types=[])
    certificate = issue(catalogue)[0]

    assert certificate_verify_identifier(certificate.identifier).status == "held"
    assert certificate_verify_file(_pdf(certificate)).status == "held"

    joint_issuance_condition_record(
        rule=catalogue.bundle.issuance_rules.get(),
        project_id=certificate.project_id,
        evidence="不动产权证书",
        actor=user_with_role(Role.APPROVER, department=catalogue.department),
    )
    assert certificate_verify_identifier(certificate.identifier).status == "valid"


def test_certificate_past_its_validity_is_expired():
    certificate = issue(issuing_catalogue(), decided_on=date(2026, 3, 2))[0]
    assert certificate.valid_to == date(2027, 3, 1)

    with time_machine.travel(date(2027, 3, 1)):
        assert certificate_verify_identifier(certificate.identifier).status == "valid"
    with time_machine.travel(date(2027, 3, 2)):
        assert certificate_verify_identifier(certificate.identifier).status == "expired"


def test_unknown_identifiers_and_files():
    real = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"
    assert certificate_verify_identifier(real).status == "unknown"
    assert certificate_verify_identifier("not an identifier").status == "unknown"
    assert certificate_verify_file(b"%PDF-1.4 nothing here").status == "unknown"


def test_identifier_is_read_from_the_pdf_metadata():
    certificate = issue(issuing_catalogue())[0]
    assert identifier_in_pdf(_pdf(certificate)) == certificate.identifier
