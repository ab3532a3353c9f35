"""Release rules: 一次出证, 十证联发 held until its condition, 容缺 held until materials."""

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import user_with_role
from kaigong.certificates.constants import CertificateStatus, ErrorCode, ReleaseKind
from kaigong.certificates.models import Certificate, CertificateRelease
from kaigong.certificates.services import (
    certificates_release_deferred,
    joint_issuance_condition_record,
)
from kaigong.certificates.tests.factories import issue, issuing_catalogue
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


def _statuses(certificates):
    return {c.status for c in Certificate.objects.filter(pk__in=[c.pk for c in certificates])}


def test_joint_rule_holds_every_certificate_until_its_condition_is_recorded():
    # given a bundle with a 联发 rule on every certificate (empty type list = all)
    catalogue = issuing_catalogue(joint_rule_types=[])
    rule = catalogue.bundle.issuance_rules.get()
    certificates = issue(catalogue)
    assert _statuses(certificates) == {CertificateStatus.HELD}
    assert OutboxMessage.objects.filter(topic="certificates.released").count() == 0

    # when the lead department records the land-use right with evidence
    approver = user_with_role(Role.APPROVER, department=catalogue.department)
    joint_issuance_condition_record(
        rule=rule,
        project_id=certificates[0].project_id,
        evidence="不动产权证书 鲁(2026)沂南县不动产权第0001234号",
        actor=approver,
    )

    # then all five are released in one event
    assert _statuses(certificates) == {CertificateStatus.VALID}
    release = CertificateRelease.objects.get(kind=ReleaseKind.JOINT_ISSUANCE)
    assert release.certificates.count() == 5
    assert OutboxMessage.objects.filter(topic="certificates.released").count() == 1
    assert Notification.objects.filter(kind="certificates_released").count() == 1


def test_rule_naming_some_types_holds_only_those():
    catalogue = issuing_catalogue(joint_rule_types=["permit"])

    certificates = issue(catalogue)

    held = [c for c in certificates if c.status == CertificateStatus.HELD]
    assert [c.certificate_type for c in held] == [catalogue.types["permit"]]
    assert len([c for c in certificates if c.status == CertificateStatus.VALID]) == 4


def test_condition_recorded_before_conclusion_holds_nothing_back():
    from kaigong.projects.tests.factories import ProjectFactory

    catalogue = issuing_catalogue(joint_rule_types=[])
    project = ProjectFactory()
    joint_issuance_condition_record(
        rule=catalogue.bundle.issuance_rules.get(),
        project_id=project.id,
        evidence="土地出让合同及不动产权证书",
        actor=user_with_role(Role.REVIEWER, department=catalogue.department),
    )

    certificates = issue(catalogue, project=project)

    assert _statuses(certificates) == {CertificateStatus.VALID}


def test_condition_needs_evidence_and_the_lead_department():
    catalogue = issuing_catalogue(joint_rule_types=[])
    rule = catalogue.bundle.issuance_rules.get()
    certificates = issue(catalogue)
    project_id = certificates[0].project_id

    with pytest.raises(InvalidInput) as error:
        joint_issuance_condition_record(
            rule=rule,
            project_id=project_id,
            evidence="  ",
            actor=user_with_role(Role.APPROVER, department=catalogue.department),
        )
    assert error.value.code == ErrorCode.EVIDENCE_REQUIRED

    for outsider in (
        user_with_role(Role.APPROVER),
        user_with_role(Role.APPLICANT, enterprise=certificates[0].holder),
        user_with_role(Role.SUPERVISOR),
    ):
        with pytest.raises(PermissionDenied):
            joint_issuance_condition_record(
                rule=rule, project_id=project_id, evidence="证书", actor=outsider
            )
    assert _statuses(certificates) == {CertificateStatus.HELD}


def test_condition_recorded_twice_is_a_conflict():
    catalogue = issuing_catalogue(joint_rule_types=[])
    rule = catalogue.bundle.issuance_rules.get()
    certificates = issue(catalogue)
    approver = user_with_role(Role.APPROVER, department=catalogue.department)
    joint_issuance_condition_record(
        rule=rule, case_public_id=certificates[0].case_public_id, evidence="证书", actor=approver
    )

    with pytest.raises(Conflict) as error:
        joint_issuance_condition_record(
            rule=rule, project_id=certificates[0].project_id, evidence="证书", actor=approver
        )
    assert error.value.code == ErrorCode.CONDITION_ALREADY_RECORDED


def test_deferred_materials_hold_only_their_items_certificates():
    # given the merged item was accepted with deferred (容缺) materials
    catalogue = issuing_catalogue()
    certificates = issue(catalogue, deferred=["merged"])
    merged = [c for c in certificates if c.matter_version_id == catalogue.merged.id]
    single = [c for c in certificates if c.matter_version_id == catalogue.single.id]
    assert _statuses(merged) == {CertificateStatus.HELD}
    assert _statuses(single) == {CertificateStatus.VALID}

    # when the materials arrive
    released = certificates_release_deferred(case_item_id=merged[0].case_item_id, actor=None)

    # then the four are released together
    assert {c.pk for c in released} == {c.pk for c in merged}
    assert _statuses(merged) == {CertificateStatus.VALID}
    assert (
        len({c.release_id for c in Certificate.objects.filter(pk__in=[c.pk for c in merged])}) == 1
    )


def test_deferred_and_joint_holds_both_must_clear():
    catalogue = issuing_catalogue(joint_rule_types=[])
    certificates = issue(catalogue, deferred=["single"])
    single = [c for c in certificates if c.matter_version_id == catalogue.single.id]

    released = certificates_release_deferred(case_item_id=single[0].case_item_id, actor=None)
    assert released == []
    assert _statuses(certificates) == {CertificateStatus.HELD}

    joint_issuance_condition_record(
        rule=catalogue.bundle.issuance_rules.get(),
        project_id=single[0].project_id,
        evidence="不动产权证书",
        actor=user_with_role(Role.APPROVER, department=catalogue.department),
    )
    assert _statuses(certificates) == {CertificateStatus.VALID}
