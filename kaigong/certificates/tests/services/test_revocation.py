"""Revocation by the issuing department's approver, with a reason; dependants flagged."""

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import user_with_role
from kaigong.certificates.constants import CertificateStatus, ErrorCode, VerificationStatus
from kaigong.certificates.services import certificate_revoke
from kaigong.certificates.tests.factories import issue, issuing_catalogue
from kaigong.certificates.verification import certificate_verify_identifier
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


def _planning(catalogue, certificates):
    return [c for c in certificates if c.matter_version_id == catalogue.single.id][0]


def test_revoked_certificate_verifies_as_revoked_with_date_and_reason():
    catalogue = issuing_catalogue()
    certificate = issue(catalogue)[0]
    approver = user_with_role(Role.APPROVER, department=catalogue.department)

    certificate_revoke(certificate=certificate, reason="以欺骗手段取得许可", actor=approver)

    result = certificate_verify_identifier(certificate.identifier)
    assert result.status == VerificationStatus.REVOKED
    assert result.revocation_reason == "以欺骗手段取得许可"
    assert result.revoked_at is not None
    assert OutboxMessage.objects.filter(topic="certificates.revoked").count() == 1


def test_dependants_of_a_revoked_certificate_are_flagged():
    catalogue = issuing_catalogue()
    certificates = issue(catalogue)
    planning = _planning(catalogue, certificates)
    permit = [c for c in certificates if c.certificate_type == catalogue.types["permit"]][0]

    certificate_revoke(
        certificate=planning,
        reason="规划条件变更",
        actor=user_with_role(Role.APPROVER, department=catalogue.department),
    )

    result = certificate_verify_identifier(permit.identifier)
    assert result.status == VerificationStatus.VALID
    assert result.prerequisites_revoked == [planning.identifier]
    # the flag is stored on the dependant (所依据的证照已撤销), the dependant stays valid
    permit.refresh_from_db()
    planning.refresh_from_db()
    assert permit.status == CertificateStatus.VALID
    assert permit.prerequisite_revoked_at == planning.revoked_at is not None
    assert planning.prerequisite_revoked_at is None
    assert result.prerequisite_revoked is True
    assert Notification.objects.filter(
        kind="certificate_prerequisite_revoked", department=catalogue.department
    ).exists()


def test_revocation_needs_a_reason():
    catalogue = issuing_catalogue()
    certificate = issue(catalogue)[0]

    with pytest.raises(InvalidInput) as error:
        certificate_revoke(
            certificate=certificate,
            reason=" ",
            actor=user_with_role(Role.APPROVER, department=catalogue.department),
        )
    assert error.value.code == ErrorCode.REASON_REQUIRED
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_only_an_approver_of_the_issuing_department_may_revoke():
    catalogue = issuing_catalogue()
    certificate = issue(catalogue)[0]
    others = [
        user_with_role(Role.REVIEWER, department=catalogue.department),
        user_with_role(Role.INSPECTOR, department=catalogue.department),
        user_with_role(Role.APPROVER),  # another department
        user_with_role(Role.APPLICANT, enterprise=certificate.holder),
        user_with_role(Role.SUPERVISOR),
        user_with_role(Role.WINDOW_CLERK),
        user_with_role(Role.CATALOG_ADMIN),
    ]
    for user in others:
        with pytest.raises(PermissionDenied):
            certificate_revoke(certificate=certificate, reason="x", actor=user)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_revoking_twice_is_a_conflict():
    catalogue = issuing_catalogue()
    certificate = issue(catalogue)[0]
    approver = user_with_role(Role.APPROVER, department=catalogue.department)
    certificate_revoke(certificate=certificate, reason="撤销", actor=approver)

    with pytest.raises(Conflict) as error:
        certificate_revoke(certificate=certificate, reason="再次撤销", actor=approver)
    assert error.value.code == ErrorCode.ALREADY_REVOKED
