"""
The case page's 联合发证条件 (十证联发) section: who sees the form, recording a condition with
evidence releases what it held, and every refusal (400, 403, 404, 409) stays readable.
"""

from __future__ import annotations

from datetime import date

import pytest

from kaigong.cases.tests.factories import CaseFactory, lifecycle_world
from kaigong.catalog.constants import RevisionKind
from kaigong.catalog.services import (
    bundle_upsert,
    matter_version_draft,
    revision_create,
    revision_publish,
)
from kaigong.certificates.constants import CertificateStatus, ReleaseKind
from kaigong.certificates.models import Certificate, CertificateRelease, JointIssuanceFulfilment
from kaigong.certificates.tests.factories import certificate_type
from kaigong.core.models import OutboxMessage
from kaigong.web.cases.tests.clients import client_for

pytestmark = pytest.mark.django_db

EVIDENCE = "不动产权证书 鲁(2026)沂南县不动产权第0001234号"


@pytest.fixture
def world(monday):
    """
    The lifecycle world whose optional matter M3 (D3) now issues a certificate, and whose
    bundle (lead department D1) holds it until the land-use right is recorded.
    """
    world = lifecycle_world()
    d1, _d2, d3 = world.departments
    green = certificate_type("ct-jc-green", "城市绿地审批意见书", d3)
    revision = revision_create(
        title="绿地审批出证", kind=RevisionKind.STANDARD_ADJUSTMENT, effective_on=date(2025, 6, 1)
    )
    matter_version_draft(
        revision=revision,
        matter_code="M3",
        department=d3,
        name="城市绿地审批",
        statutory_limit=10,
        promised_limit=3,
        requirements=[{"material": "m-form", "formats": ["pdf"], "order": 1}],
        fields=[{"field": "project_name", "required": True}],
        certificate_types=[green.code],
    )
    revision_publish(revision=revision, actor=None)
    bundle_upsert(
        code=world.bundle.code,
        name=world.bundle.name,
        kind=world.bundle.kind,
        lead_department=d1,
        items=[
            {"matter": "M1", "mandatory": True, "order": 1},
            {"matter": "M2", "mandatory": True, "order": 2},
            {"matter": "M3", "mandatory": False, "order": 3},
        ],
        issuance_rules=[
            {
                "code": "land-right",
                "condition_name": "取得土地使用权",
                "evidence_required": "不动产权证书",
                "certificate_types": [green.code],
            }
        ],
    )
    world.rule = world.bundle.issuance_rules.get()
    world.case = CaseFactory(world=world, issued=True, with_optional=True)
    return world


def _url(world) -> str:
    return f"/cases/{world.case.public_id}/joint-conditions/{world.rule.public_id}/"


def _page(world, user):
    return client_for(user).get(f"/cases/{world.case.public_id}/")


def test_the_case_holds_its_certificate_until_the_condition(world):
    held = Certificate.objects.filter(case_public_id=world.case.public_id)

    assert [c.status for c in held] == [CertificateStatus.HELD]
    assert held.get().hold_rule_id == world.rule.id


@pytest.mark.parametrize("role", ["clerk", "reviewer1", "approver1"])
def test_the_clerk_and_the_lead_department_see_the_form(world, role):
    response = _page(world, world.users[role])

    ((row,),) = [response.context["joint_conditions"]]
    assert row["state"].met is False
    assert row["form"] is not None
    content = response.content.decode()
    assert "联合发证条件" in content
    assert "不动产权证书" in content
    assert "城市绿地审批意见书" in content
    assert _url(world) in content


def test_recording_the_condition_releases_the_held_certificate(world):
    # given the clerk of the centre serving the lead department
    client = client_for(world.clerk)

    # when the clerk records the land-use right with its evidence
    response = client.post(_url(world), {"evidence": EVIDENCE, "evidence_reference": "0001234"})

    # then one fulfilment exists, the certificate is released in one 十证联发 event
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{world.case.public_id}/"
    fulfilment = JointIssuanceFulfilment.objects.get(rule=world.rule, project=world.project)
    assert fulfilment.evidence == EVIDENCE
    assert fulfilment.evidence_reference == "0001234"
    assert fulfilment.recorded_by == world.clerk
    certificate = Certificate.objects.get(case_public_id=world.case.public_id)
    assert certificate.status == CertificateStatus.VALID
    assert certificate.hold_rule_id is None
    release = CertificateRelease.objects.get(kind=ReleaseKind.JOINT_ISSUANCE)
    assert certificate.release_id == release.id
    assert OutboxMessage.objects.filter(topic="certificates.released").count() == 1

    # and the page says so: met, by whom, with which evidence, and no form any more
    page = client.get(response["Location"])
    content = page.content.decode()
    ((row,),) = [page.context["joint_conditions"]]
    assert row["state"].met is True
    assert row["form"] is None
    assert "已登记条件“取得土地使用权”" in content
    assert EVIDENCE in content
    assert str(world.clerk) in content
    assert _url(world) not in content


def test_empty_evidence_shows_the_services_error_and_records_nothing(world):
    response = client_for(world.approver1).post(_url(world), {"evidence": "  "})

    assert response.status_code == 200
    ((row,),) = [response.context["joint_conditions"]]
    assert row["form"].errors["evidence"] == ["请说明证明条件已满足的材料。"]
    assert "请说明证明条件已满足的材料。" in response.content.decode()
    assert JointIssuanceFulfilment.objects.exists() is False
    assert Certificate.objects.get(case_public_id=world.case.public_id).status == "held"


def test_a_second_record_shows_the_conflict(world):
    # given the condition was recorded by the lead department
    client_for(world.reviewer1).post(_url(world), {"evidence": EVIDENCE})

    # when the clerk, on a page loaded before, records it again
    response = client_for(world.clerk).post(_url(world), {"evidence": "土地出让合同"})

    # then the page explains it and keeps the first record
    assert response.status_code == 200
    assert "该项目已登记此条件。" in response.content.decode()
    assert JointIssuanceFulfilment.objects.get().evidence == EVIDENCE


@pytest.mark.parametrize(
    "role", ["applicant", "reviewer2", "approver3", "inspector1", "supervisor"]
)
def test_roles_that_may_not_record_get_403_and_no_form(world, role):
    user = world.users[role]

    page = _page(world, user)
    response = client_for(user).post(_url(world), {"evidence": EVIDENCE})

    assert page.status_code == 200
    assert _url(world) not in page.content.decode()
    rows = page.context["joint_conditions"]
    assert rows is None or all(row["form"] is None for row in rows)
    assert response.status_code == 403
    assert JointIssuanceFulfilment.objects.exists() is False


def test_the_applicant_does_not_see_the_held_certificates(world):
    page = _page(world, world.applicant)

    assert page.context["joint_conditions"] is None
    # the conditions' section (what they hold, the form) is staff-only; the applicant is
    # told only which certificate types are held and why (issue 10: never 已出证 silently)
    assert 'id="joint-conditions"' not in page.content.decode()


@pytest.mark.parametrize("role", ["stranger", "other_clerk", "catalog_admin"])
def test_users_who_cannot_see_the_case_get_404(world, role):
    response = client_for(world.users[role]).post(_url(world), {"evidence": EVIDENCE})

    assert response.status_code == 404
    assert JointIssuanceFulfilment.objects.exists() is False


def test_a_rule_of_another_bundle_is_not_found(world):
    url = f"/cases/{world.case.public_id}/joint-conditions/{world.case.public_id}/"

    response = client_for(world.clerk).post(url, {"evidence": EVIDENCE})

    assert response.status_code == 404


def test_the_form_only_accepts_post(world):
    response = client_for(world.clerk).get(_url(world))

    assert response.status_code == 405
