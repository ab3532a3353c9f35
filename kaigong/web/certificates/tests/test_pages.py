"""Certificate pages: public verification (QR landing), 我的空间, detail, revoke."""

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import user_with_role
from kaigong.certificates.tests.factories import issue, issuing_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"


def test_qr_landing_page_shows_the_status_without_login(client):
    certificate = issue(issuing_catalogue())[0]

    response = client.get(f"/certificates/verify/?id={certificate.identifier}")

    assert response.status_code == 200
    assert response.context["result"].status == "valid"
    assert certificate.holder.name in response.content.decode()


def test_uploaded_pdf_is_verified_on_the_page(client):
    certificate = issue(issuing_catalogue())[0]
    with certificate.pdf.open("rb") as handle:
        content = bytearray(handle.read())
    content[content.index(b"stream") + 40] ^= 0x01

    response = client.post(
        "/certificates/verify/",
        {"file": SimpleUploadedFile("x.pdf", bytes(content), "application/pdf")},
    )

    assert response.context["result"].status == "tampered"
    assert certificate.holder.name not in response.content.decode()


def test_library_lists_the_enterprises_valid_certificates(client):
    certificates = issue(issuing_catalogue())
    client.force_login(user_with_role(Role.APPLICANT, enterprise=certificates[0].holder))

    response = client.get("/certificates/")

    ((enterprise, listed),) = response.context["libraries"]
    assert enterprise == certificates[0].holder
    assert len(listed) == 5


def test_detail_and_pdf_are_404_for_outsiders(client):
    certificate = issue(issuing_catalogue())[0]
    client.force_login(user_with_role(Role.APPLICANT))
    assert client.get(f"/certificates/{certificate.public_id}/").status_code == 404
    assert client.get(f"/certificates/{certificate.public_id}/pdf/").status_code == 404


def test_approver_revokes_from_the_page(client):
    catalogue = issuing_catalogue()
    certificate = issue(catalogue)[0]
    client.force_login(user_with_role(Role.APPROVER, department=catalogue.department))
    detail = client.get(f"/certificates/{certificate.public_id}/")
    assert detail.context["can_revoke"] is True

    client.post(f"/certificates/{certificate.public_id}/revoke/", {"reason": "许可依据变更"})

    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert certificate.revocation_reason == "许可依据变更"


def test_archive_ledger_and_folder_pages(client):
    from kaigong.archives.services import archive_sweep

    certificates = issue(issuing_catalogue())
    project = certificates[0].project
    archive_sweep(project=project)
    client.force_login(user_with_role(Role.SUPERVISOR))

    ledger = client.get("/archives/")
    folder = client.get(f"/archives/projects/{project.public_id}/")
    package = client.get(f"/archives/projects/{project.public_id}/package/")

    assert [row["project"] for row in ledger.context["rows"]] == [project]
    assert len(folder.context["documents"]) == 5
    assert package["Content-Type"] == "application/zip"
    client.force_login(user_with_role(Role.APPLICANT))
    assert client.get(f"/archives/projects/{project.public_id}/").status_code == 404
