"""Certificates API: visibility per role (403/404), PDF, verification, revocation, 联发."""

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import user_with_role
from kaigong.certificates.constants import CertificateStatus
from kaigong.certificates.tests.factories import issue, issuing_catalogue

pytestmark = pytest.mark.django_db


def _url(certificate, suffix=""):
    return f"/api/v1/certificates/{certificate.public_id}/{suffix}"


@pytest.fixture
def released():
    catalogue = issuing_catalogue()
    return catalogue, issue(catalogue)[0]


@pytest.fixture
def held():
    catalogue = issuing_catalogue(joint_rule_types=[])
    return catalogue, issue(catalogue)[0]


def _roles(catalogue, certificate):
    """Every role, scoped to the certificate where a scope makes sense."""
    return {
        "holder_applicant": user_with_role(Role.APPLICANT, enterprise=certificate.holder),
        "other_applicant": user_with_role(Role.APPLICANT),
        "issuer_reviewer": user_with_role(Role.REVIEWER, department=catalogue.department),
        "issuer_approver": user_with_role(Role.APPROVER, department=catalogue.department),
        "issuer_inspector": user_with_role(Role.INSPECTOR, department=catalogue.department),
        "other_approver": user_with_role(Role.APPROVER),
        "supervisor": user_with_role(Role.SUPERVISOR),
        "window_clerk": user_with_role(Role.WINDOW_CLERK),
        "helper": user_with_role(Role.HELPER),
        "catalog_admin": user_with_role(Role.CATALOG_ADMIN),
    }


SEES_RELEASED = {
    "holder_applicant",
    "issuer_reviewer",
    "issuer_approver",
    "issuer_inspector",
    "supervisor",
}


def test_read_and_pdf_visibility_for_every_role_of_a_released_certificate(api_client, released):
    catalogue, certificate = released
    for name, user in _roles(catalogue, certificate).items():
        api_client.force_authenticate(user)
        detail = api_client.get(_url(certificate))
        pdf = api_client.get(_url(certificate, "pdf/"))
        expected = 200 if name in SEES_RELEASED else 404
        assert (name, detail.status_code) == (name, expected)
        assert (name, pdf.status_code) == (name, expected)
        if expected == 200:
            assert detail.json()["identifier"] == certificate.identifier
            assert pdf["Content-Type"] == "application/pdf"
            assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_held_certificate_is_not_visible_to_the_holder(api_client, held):
    catalogue, certificate = held
    roles = _roles(catalogue, certificate)

    api_client.force_authenticate(roles["holder_applicant"])
    assert api_client.get(_url(certificate)).status_code == 404
    assert api_client.get(_url(certificate, "pdf/")).status_code == 404
    assert api_client.get("/api/v1/certificates/").json()["count"] == 0

    api_client.force_authenticate(roles["issuer_reviewer"])
    response = api_client.get(_url(certificate))
    assert response.status_code == 200
    assert response.json()["status"] == "held"


def test_anonymous_cannot_read(api_client, released):
    _, certificate = released
    assert api_client.get(_url(certificate)).status_code in (401, 403)
    assert api_client.get(_url(certificate, "pdf/")).status_code in (401, 403)


def test_verify_by_identifier_needs_no_login(api_client, released):
    _, certificate = released

    response = api_client.post(
        "/api/v1/certificates/verify/", {"identifier": certificate.identifier}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "valid"
    assert body["holder_name"] == certificate.holder.name


def test_verify_by_uploaded_pdf_and_a_tampered_copy(api_client, released):
    _, certificate = released
    with certificate.pdf.open("rb") as handle:
        content = handle.read()
    flipped = bytearray(content)
    flipped[content.index(b"stream") + 40] ^= 0x01

    good = api_client.post(
        "/api/v1/certificates/verify/",
        {"file": SimpleUploadedFile("c.pdf", content, "application/pdf")},
        format="multipart",
    )
    bad = api_client.post(
        "/api/v1/certificates/verify/",
        {"file": SimpleUploadedFile("c.pdf", bytes(flipped), "application/pdf")},
        format="multipart",
    )

    assert good.json()["status"] == "valid"
    assert bad.json()["status"] == "tampered"
    assert bad.json()["holder_name"] == ""


def test_verify_held_gives_no_details(api_client, held):
    _, certificate = held
    body = api_client.post(
        "/api/v1/certificates/verify/", {"identifier": certificate.identifier}, format="json"
    ).json()
    assert body["status"] == "held"
    assert body["holder_name"] == ""


def test_verify_without_identifier_or_file_is_a_400(api_client):
    response = api_client.post("/api/v1/certificates/verify/", {}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_revoke_per_role(api_client, released):
    catalogue, certificate = released
    roles = _roles(catalogue, certificate)
    for name, user in roles.items():
        if name == "issuer_approver":
            continue
        api_client.force_authenticate(user)
        response = api_client.post(_url(certificate, "revoke/"), {"reason": "x"}, format="json")
        expected = 403 if name in SEES_RELEASED else 404
        assert (name, response.status_code) == (name, expected)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID

    api_client.force_authenticate(roles["issuer_approver"])
    missing = api_client.post(_url(certificate, "revoke/"), {"reason": ""}, format="json")
    assert missing.status_code == 400
    assert missing.json()["code"] == "revocation_reason_required"
    done = api_client.post(
        _url(certificate, "revoke/"), {"reason": "以欺骗手段取得"}, format="json"
    )
    assert done.status_code == 200
    assert done.json()["status"] == "revoked"
    again = api_client.post(_url(certificate, "revoke/"), {"reason": "再次"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "certificate_already_revoked"

    api_client.force_authenticate(None)
    verified = api_client.post(
        "/api/v1/certificates/verify/", {"identifier": certificate.identifier}, format="json"
    ).json()
    assert verified["status"] == "revoked"
    assert verified["revocation_reason"] == "以欺骗手段取得"


def test_record_joint_condition_releases_the_held_certificates(api_client, held):
    catalogue, certificate = held
    payload = {
        "bundle": catalogue.bundle.code,
        "rule": "land-right",
        "project": str(certificate.project.public_id),
        "evidence": "不动产权证书",
    }
    api_client.force_authenticate(user_with_role(Role.APPLICANT, enterprise=certificate.holder))
    assert api_client.post("/api/v1/certificates/joint-conditions/", payload).status_code == 403

    api_client.force_authenticate(user_with_role(Role.APPROVER, department=catalogue.department))
    response = api_client.post("/api/v1/certificates/joint-conditions/", payload, format="json")

    assert response.status_code == 201
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    unknown = api_client.post(
        "/api/v1/certificates/joint-conditions/", {**payload, "rule": "nope"}, format="json"
    )
    assert unknown.status_code == 404


@pytest.mark.django_db
def test_an_identifier_that_is_a_json_number_is_refused_not_turned_into_text(api_client):
    # given a client that sends the identifier as a number (found by the schema fuzzing)
    response = api_client.post("/api/v1/certificates/verify/", {"identifier": 21351}, format="json")
    # then it is a 400 naming the field, not a 200 "unknown" for the text "21351"
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "identifier"


def test_a_dependant_of_a_revoked_certificate_is_flagged_in_the_api_and_the_pages(api_client):
    # given a permit issued on the basis of the project's planning certificate
    from django.test import Client

    catalogue = issuing_catalogue()
    certificates = issue(catalogue)
    planning = [c for c in certificates if c.matter_version_id == catalogue.single.id][0]
    permit = [c for c in certificates if c.certificate_type == catalogue.types["permit"]][0]
    assert list(permit.depends_on.all()) == [planning]
    approver = user_with_role(Role.APPROVER, department=catalogue.department)
    api_client.force_authenticate(approver)
    assert api_client.get(_url(permit)).json()["prerequisite_revoked"] is False

    # when the planning certificate is revoked
    response = api_client.post(_url(planning, "revoke/"), {"reason": "规划变更"}, format="json")
    assert response.status_code == 200

    # then the permit stays valid and says so: in the API ...
    body = api_client.get(_url(permit)).json()
    assert body["status"] == "valid"
    assert body["prerequisite_revoked"] is True and body["prerequisite_revoked_at"]
    api_client.force_authenticate(None)
    verified = api_client.post(
        "/api/v1/certificates/verify/", {"identifier": permit.identifier}, format="json"
    ).json()
    assert verified["status"] == "valid" and verified["prerequisite_revoked"] is True
    # ... on the public verification page and on the certificate's page
    page = Client().get("/certificates/verify/", {"id": permit.identifier})
    assert "所依据的证照已撤销" in page.content.decode()
    staff = Client()
    staff.force_login(approver)
    detail = staff.get(f"/certificates/{permit.public_id}/")
    assert detail.status_code == 200 and "所依据的证照已撤销" in detail.content.decode()
    # and the planning certificate itself is not flagged
    assert (
        api_client.post(
            "/api/v1/certificates/verify/", {"identifier": planning.identifier}, format="json"
        ).json()["prerequisite_revoked"]
        is False
    )


def test_certificates_released_on_a_certificate_as_evidence_rest_on_it(api_client, held):
    # given held certificates and a released certificate of the platform as the evidence
    from kaigong.certificates.models import Certificate
    from kaigong.certificates.services import certificate_revoke, joint_issuance_condition_record

    catalogue, certificate = held
    basis = issue(issuing_catalogue())[0]
    assert basis.released_at is not None
    approver = user_with_role(Role.APPROVER, department=catalogue.department)
    rule = catalogue.bundle.issuance_rules.get(code="land-right")

    # when the condition is recorded with that certificate's identifier as evidence
    joint_issuance_condition_record(
        rule=rule,
        project_id=certificate.project_id,
        evidence="不动产权证书",
        evidence_reference=basis.identifier,
        actor=approver,
    )
    released = Certificate.objects.filter(project=certificate.project, hold_rule__isnull=True)
    assert certificate in released
    certificate.refresh_from_db()
    assert list(certificate.depends_on.all()) == [basis]

    # then revoking the evidence flags what it released
    certificate_revoke(
        certificate=basis,
        reason="以欺骗手段取得",
        actor=user_with_role(Role.APPROVER, department=basis.issuer),
    )
    certificate.refresh_from_db()
    assert certificate.prerequisite_revoked_at is not None
    assert certificate.status == CertificateStatus.VALID
