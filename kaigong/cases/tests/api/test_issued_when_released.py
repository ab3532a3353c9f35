"""
A case is 已出证 only when every certificate of it is released (issue 10, part 2): until
then the case, its API output, its page and the public track page say which are held and why.
"""

from __future__ import annotations

import pytest

from kaigong.cases.constants import CaseStatus
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, upload_all
from kaigong.catalog.models import JointIssuanceRule
from kaigong.certificates.constants import CertificateStatus
from kaigong.certificates.models import Certificate
from kaigong.certificates.services import joint_issuance_condition_record
from kaigong.certificates.tests.factories import certificate_type, issuing_department
from kaigong.projects.services import service_code_ensure
from kaigong.projects.tracking import track_payload

from .conftest import client_for

pytestmark = pytest.mark.django_db


def _world_with_certificates():
    """M1 issues a plan permit; M2 issues three certificates, two held by a 联发 rule."""
    world = lifecycle_world()
    issuer = issuing_department(name="住建局")
    plan = certificate_type("ct-plan", "建设工程规划许可证", issuer)
    permit = certificate_type("ct-permit", "建筑工程施工许可证", issuer)
    quality = certificate_type("ct-quality", "工程质量监督登记", issuer)
    safety = certificate_type("ct-safety", "安全施工措施备案", issuer)
    world.versions["M1"].certificate_types.add(plan)
    world.versions["M2"].certificate_types.add(permit, quality, safety)
    rule = JointIssuanceRule.objects.create(
        bundle=world.bundle,
        code="land-right",
        condition_name="取得土地使用权",
        evidence_required="不动产权证书",
    )
    rule.certificate_types.add(quality, safety)
    return world, rule


def _conclude(world):
    case = CaseFactory(world=world)
    upload_all(case, world.applicant)
    url = f"/api/v1/cases/{case.public_id}/"

    def post(role, path, body):
        response = client_for(world.users[role]).post(path, body, format="json")
        assert response.status_code < 300, response.json()
        return response.json()

    post("applicant", url + "submit/", {})
    items = {i["matter_code"]: i["item"] for i in post("clerk", url + "accept/", {})["items"]}
    for n, matter in ((1, "M1"), (2, "M2")):
        opinion = {"text": "同意", "recommendation": "approve"}
        post(f"reviewer{n}", f"/api/v1/items/{items[matter]}/opinions/", opinion)
        post(f"approver{n}", f"/api/v1/items/{items[matter]}/decide/", {"decision": "approve"})
    return case, url


def test_a_case_with_held_certificates_is_not_issued_and_says_why(monday):
    # given a bundle whose joint-issuance rule holds two of its four certificates
    world, rule = _world_with_certificates()
    # when every item is approved
    case, url = _conclude(world)
    # then two certificates are released and two held, and the case is not 已出证
    statuses = sorted(
        Certificate.objects.filter(case_public_id=case.public_id).values_list("status", flat=True)
    )
    assert statuses == ["held", "held", "valid", "valid"]
    detail = client_for(world.applicant).get(url).json()
    assert detail["status"] == CaseStatus.CONCLUDED
    # and the API names the held ones with the condition they wait for
    held = {h["certificate_type"]: h for h in detail["certificates_held"]}
    assert set(held) == {"工程质量监督登记", "安全施工措施备案"}
    assert held["安全施工措施备案"]["condition"] == "取得土地使用权"
    assert any("取得土地使用权" in r for r in held["安全施工措施备案"]["reasons"])
    # and so do the case page and the public track page
    from django.test import Client

    browser = Client()
    browser.force_login(world.applicant)
    page = browser.get(f"/cases/{case.public_id}/").content.decode()
    assert 'id="certificates-held"' in page and "安全施工措施备案" in page
    code = service_code_ensure(enterprise=world.enterprise, project=world.project)
    tracked = track_payload(code)["projects"][0]["certificates_held"]
    assert {h["name"] for h in tracked} == {"工程质量监督登记", "安全施工措施备案"}


def test_recording_the_condition_releases_the_rest_and_issues_the_case(monday):
    # given a concluded case whose 联发 rule still holds two certificates
    world, rule = _world_with_certificates()
    case, url = _conclude(world)
    # when the lead department records the condition
    joint_issuance_condition_record(
        rule=rule, evidence="不动产权证书 鲁(2026)沂南县不动产权第0000001号",
        actor=world.reviewer1, case_public_id=case.public_id,
    )  # fmt: skip
    # then every certificate is valid and the case is 已出证, with nothing held
    assert set(
        Certificate.objects.filter(case_public_id=case.public_id).values_list("status", flat=True)
    ) == {CertificateStatus.VALID}
    detail = client_for(world.applicant).get(url).json()
    assert detail["status"] == CaseStatus.ISSUED
    assert detail["certificates_held"] == []
