"""Issuance with no re-typing: numbering, identifiers, data, PDF, signature, 四证合发."""

from datetime import date

from django.db import transaction

import pytest

from kaigong.certificates.constants import CertificateStatus, ErrorCode
from kaigong.certificates.crypto import sm3_hex
from kaigong.certificates.identifiers import is_valid_identifier
from kaigong.certificates.models import Certificate, CertificateCounter, SigningKey
from kaigong.certificates.services.issuance import validity_end
from kaigong.certificates.tests.factories import issue, issuing_catalogue
from kaigong.certificates.verification import certificate_signature_ok
from kaigong.core.exceptions import Conflict
from kaigong.core.models import OutboxMessage
from kaigong.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_merged_matter_gives_exactly_four_certificates():
    # given a bundle whose merged matter issues four certificates (潍坊 四证合发)
    catalogue = issuing_catalogue()

    # when the bundle concludes
    certificates = issue(catalogue)

    # then the merged item yields exactly its four types, the other item its one
    merged = [c for c in certificates if c.matter_version_id == catalogue.merged.id]
    assert len(merged) == 4
    assert {c.certificate_type.code for c in merged} == {
        catalogue.types[k].code for k in ("permit", "quality", "safety", "civil-defence")
    }
    assert len(certificates) == 5


def test_certificates_carry_the_case_data_without_retyping():
    catalogue = issuing_catalogue()
    project = ProjectFactory(name="滨河花园一期")

    certificate = issue(catalogue, project=project)[0]

    assert certificate.data["holder_name"] == project.enterprise.name
    assert certificate.data["holder_code"] == project.enterprise.uscc
    assert certificate.data["project_name"] == "滨河花园一期"
    assert certificate.data["issuer_code"] == catalogue.department.uscc
    surface = {f["key"]: f["value"] for f in certificate.data["surface"]}
    assert surface == {"floor_area": "12000", "contract_days": "365"}


def test_identifier_is_valid_and_numbers_follow_per_type_and_year():
    catalogue = issuing_catalogue()

    first = issue(catalogue, decided_on=date(2026, 3, 2))
    second = issue(catalogue, decided_on=date(2026, 5, 6))
    next_year = issue(catalogue, decided_on=date(2027, 1, 4))

    for certificate in first + second + next_year:
        assert is_valid_identifier(certificate.identifier) is True
    permit = catalogue.types["permit"]
    numbers = [
        (c.year, c.number) for c in first + second + next_year if c.certificate_type == permit
    ]
    assert numbers == [(2026, 1), (2026, 2), (2027, 1)]
    assert ".20260000002.001." in [c for c in second if c.certificate_type == permit][0].identifier


def test_one_issuance_numbers_two_certificates_of_a_type_in_item_order():
    # given a bundle whose two matters both issue the construction permit
    catalogue = issuing_catalogue()
    permit = catalogue.types["permit"]
    catalogue.single.certificate_types.add(permit)

    # when two of its cases conclude, one after the other
    first = issue(catalogue)
    second = issue(catalogue)

    # then each issuance takes two numbers of the type at once (the counter made with two,
    # then moved by two) and gives them in the items' order
    def permits(certificates):
        return [
            (c.matter_version_id, c.number) for c in certificates if c.certificate_type == permit
        ]

    assert permits(first) == [(catalogue.single.id, 1), (catalogue.merged.id, 2)]
    assert permits(second) == [(catalogue.single.id, 3), (catalogue.merged.id, 4)]
    assert CertificateCounter.objects.get(certificate_type=permit, year=2026).last_number == 4


def test_a_rolled_back_issuance_gives_its_numbers_back():
    # given a type whose first number of the year is taken
    catalogue = issuing_catalogue()
    permit = catalogue.types["permit"]
    issue(catalogue)

    # when an issuance fails after numbering (its transaction rolls back)
    with pytest.raises(RuntimeError), transaction.atomic():
        issue(catalogue)
        raise RuntimeError("the deciding transaction failed")

    # then the counter is where it was and the next issuance takes the next number: no gap
    assert CertificateCounter.objects.get(certificate_type=permit, year=2026).last_number == 1
    again = [c for c in issue(catalogue) if c.certificate_type == permit]
    assert [c.number for c in again] == [2]


def test_validity_counts_months_from_the_decision():
    assert validity_end(date(2026, 3, 2), 12) == date(2027, 3, 1)
    assert validity_end(date(2026, 1, 31), 1) == date(2026, 2, 27)
    assert validity_end(date(2026, 1, 31), None) is None


def test_pdf_hash_and_signature_match_the_data():
    catalogue = issuing_catalogue()

    certificate = issue(catalogue)[0]

    with certificate.pdf.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    assert sm3_hex(content) == certificate.pdf_sm3
    assert certificate.identifier.encode() in content
    assert certificate_signature_ok(certificate) is True


def test_one_key_per_issuing_department_made_on_first_use(settings):
    catalogue = issuing_catalogue()

    issue(catalogue)
    issue(catalogue)

    keys = SigningKey.objects.filter(department=catalogue.department)
    assert keys.count() == 1
    key = keys.get()
    key_file = settings.KAIGONG_KEY_DIR / f"{key.key_id}.pem"
    assert key_file.exists() is True
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert "PRIVATE" not in key.public_key_hex


def test_missing_key_is_refused_when_auto_creation_is_off(settings):
    settings.KAIGONG_KEYS_AUTO_CREATE = False
    catalogue = issuing_catalogue()

    # the issuance joins its caller's transaction without a savepoint (the conclusion's, which
    # the error aborts whole); here the test's own savepoint stands for that transaction
    with pytest.raises(Conflict) as error, transaction.atomic():
        issue(catalogue)

    assert error.value.code == ErrorCode.NO_SIGNING_KEY
    assert Certificate.objects.count() == 0


def test_a_case_is_issued_only_once():
    from kaigong.certificates.services import certificates_issue_for_case
    from kaigong.certificates.tests.factories import item_result

    catalogue = issuing_catalogue()
    certificate = issue(catalogue)[0]

    with pytest.raises(Conflict) as error:
        certificates_issue_for_case(
            case_public_id=certificate.case_public_id,
            project_id=certificate.project_id,
            enterprise_id=certificate.holder_id,
            bundle_id=catalogue.bundle.id,
            results=[item_result(catalogue.single, case_item_id=certificate.case_item_id)],
            actor=None,
        )
    assert error.value.code == ErrorCode.ALREADY_ISSUED


def test_type_without_national_code_stops_issuance_and_writes_nothing():
    catalogue = issuing_catalogue()
    catalogue.types["safety"].type_code = ""
    catalogue.types["safety"].save(update_fields=["type_code"])

    with pytest.raises(Conflict) as error, transaction.atomic():  # the caller's transaction
        issue(catalogue)

    assert error.value.code == ErrorCode.TYPE_INCOMPLETE
    assert Certificate.objects.count() == 0


def test_free_certificates_are_released_together_in_one_event():
    catalogue = issuing_catalogue()

    certificates = issue(catalogue)

    assert {c.status for c in certificates} == {CertificateStatus.VALID}
    assert len({c.release_id for c in certificates}) == 1
    assert OutboxMessage.objects.filter(topic="certificates.released").count() == 1


def test_certificate_issued_on_the_basis_of_a_prerequisite_depends_on_it():
    catalogue = issuing_catalogue()

    certificates = issue(catalogue)

    planning = [c for c in certificates if c.matter_version_id == catalogue.single.id][0]
    for certificate in certificates:
        if certificate.matter_version_id == catalogue.merged.id:
            assert list(certificate.depends_on.all()) == [planning]
