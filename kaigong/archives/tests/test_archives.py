"""The archive: folders, sweep, pushes, export package and its verification, visibility."""

import io
import json
import zipfile

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import DepartmentFactory, user_with_role
from kaigong.archives.constants import DocumentKind, StageTag
from kaigong.archives.models import ArchiveDocument, DocumentPush
from kaigong.archives.package import package_build, package_verify
from kaigong.archives.services import archive_sweep, subscription_set
from kaigong.cases.constants import CaseStatus
from kaigong.cases.models import Case, SubmittedMaterial
from kaigong.catalog.models import Material, MatterVersion
from kaigong.catalog.services import material_upsert, stage_upsert
from kaigong.certificates.crypto import sm3_hex
from kaigong.certificates.tests.factories import issue, issuing_catalogue
from kaigong.core.models import Notification
from kaigong.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _project_with_documents(*, investment_type="social", construction_stage=False):
    catalogue = issuing_catalogue()
    if construction_stage:
        stage = stage_upsert(code="s-build-arch", name="施工许可", national_stage=3, order=3)
        MatterVersion.objects.filter(pk=catalogue.merged.pk).update(stage=stage)
    project = ProjectFactory(investment_type=investment_type, region_code="371321")
    certificates = issue(catalogue, project=project)
    # the certificates' factory leaves its case a bare draft, which nobody but the applicant
    # sees; a case with decided items was handed in
    case_id = certificates[0].case_item.case_id
    Case.objects.filter(pk=case_id).update(status=CaseStatus.SUBMITTED, number=f"KG-A-{case_id}")
    material = Material.objects.filter(code="m-arch").first() or material_upsert(
        code="m-arch", name="建设工程施工合同"
    )
    content = "施工合同正文".encode()
    SubmittedMaterial.objects.create(
        case_id=certificates[0].case_item.case_id,
        material=material,
        source="upload",
        file=ContentFile(content, name="contract.pdf"),
        original_name="施工合同.pdf",
        size=len(content),
        content_type="application/pdf",
        sha256="0" * 64,
        sm3=sm3_hex(content),
    )
    return catalogue, project, certificates


def test_sweep_files_every_document_once_with_hashes():
    # given a project with five released certificates and one uploaded material
    _, project, _ = _project_with_documents(investment_type="government")

    # when the sweep runs twice
    archive_sweep(project=project)
    archive_sweep(project=project)

    # then each document is filed once, with its origin and correct hashes
    documents = ArchiveDocument.objects.filter(folder__project=project)
    assert documents.filter(kind=DocumentKind.CERTIFICATE).count() == 5
    assert documents.filter(kind=DocumentKind.MATERIAL).count() == 1
    assert documents.count() == 6
    assert project.archive_folder.classification == "government"
    for document in documents:
        with document.file.open("rb") as handle:
            assert sm3_hex(handle.read()) == document.sm3
        assert document.origin_id


def test_package_verifies_and_names_the_file_with_a_flipped_byte(tmp_path, capsys):
    # given a package of the project's archive
    _, project, _ = _project_with_documents()
    archive_sweep(project=project)
    package = package_build(project.archive_folder)
    assert package_verify(package).ok is True

    # when one byte inside one file's data is flipped
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        target = next(i for i in archive.infolist() if i.filename.startswith("files/material/"))
    start = target.header_offset + 30 + len(target.filename.encode()) + len(target.extra)
    damaged = bytearray(package)
    damaged[start + target.compress_size // 2] ^= 0x01
    path = tmp_path / "package.zip"
    path.write_bytes(bytes(damaged))

    # then the verification names exactly that file
    report = package_verify(path)
    assert report.changed == [target.filename]
    assert report.missing == []
    with pytest.raises(CommandError):
        call_command("archive_package_verify", str(path))
    assert f"CHANGED {target.filename}" in capsys.readouterr().out


def test_package_with_a_removed_file_names_it_missing():
    _, project, _ = _project_with_documents()
    archive_sweep(project=project)
    package = package_build(project.archive_folder)
    source = zipfile.ZipFile(io.BytesIO(package))
    dropped = next(n for n in source.namelist() if n.startswith("files/certificate/"))
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w") as archive:
        for name in source.namelist():
            if name != dropped:
                archive.writestr(name, source.read(name))

    report = package_verify(rebuilt.getvalue())

    assert report.missing == [dropped]
    assert report.changed == []


def test_subscribed_department_receives_construction_documents():
    # given a department subscribed to 施工 documents in the county
    department = DepartmentFactory(region_code="371321")
    subscription_set(department=department, stages=[StageTag.CONSTRUCTION])
    other = DepartmentFactory(region_code="371321")
    subscription_set(department=other, stages=[StageTag.PLANNING])

    # when the archive files the construction-stage certificates
    _, project, _ = _project_with_documents(construction_stage=True)
    archive_sweep(project=project)

    # then the four 施工 certificates are pushed to its inbox, not to the planning subscriber
    pushed = DocumentPush.objects.filter(department=department)
    assert pushed.count() == 4
    assert DocumentPush.objects.filter(department=other).count() == 0
    assert (
        Notification.objects.filter(department=department, kind="archive_document_pushed").count()
        == 4
    )


ROLES_200 = {"supervisor", "window_clerk", "holder_applicant", "issuer_reviewer"}


def test_archive_and_package_visibility_for_every_role(api_client):
    catalogue, project, certificates = _project_with_documents()
    archive_sweep(project=project)
    roles = {
        "supervisor": user_with_role(Role.SUPERVISOR),
        "window_clerk": user_with_role(Role.WINDOW_CLERK),
        "holder_applicant": user_with_role(Role.APPLICANT, enterprise=project.enterprise),
        "issuer_reviewer": user_with_role(Role.REVIEWER, department=catalogue.department),
        "other_applicant": user_with_role(Role.APPLICANT),
        "other_reviewer": user_with_role(Role.REVIEWER),
        "helper": user_with_role(Role.HELPER),
        "catalog_admin": user_with_role(Role.CATALOG_ADMIN),
    }
    base = f"/api/v1/archives/projects/{project.public_id}/"
    for name, user in roles.items():
        api_client.force_authenticate(user)
        index = api_client.get(base)
        package = api_client.get(base + "package/")
        expected = 200 if name in ROLES_200 else 404
        assert (name, index.status_code, package.status_code) == (name, expected, expected)
        if expected == 200:
            assert len(index.json()["documents"]) == 6
            assert package_verify(package.content).ok is True
    api_client.force_authenticate(None)
    assert api_client.get(base).status_code in (401, 403)


def _rewritten(package: bytes, changes: dict[str, bytes], drop: tuple[str, ...] = ()) -> bytes:
    """The package with some members replaced (or dropped), as a forger would write it."""
    source = zipfile.ZipFile(io.BytesIO(package))
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w") as archive:
        for name in source.namelist():
            if name not in drop:
                archive.writestr(name, changes.get(name, source.read(name)))
    return rebuilt.getvalue()


def _forged(package: bytes) -> tuple[bytes, str]:
    """Change one file and rewrite the manifest's hash and size for it."""
    source = zipfile.ZipFile(io.BytesIO(package))
    manifest = json.loads(source.read("manifest.json"))
    entry = next(e for e in manifest["files"] if e["path"].startswith("files/material/"))
    forged_file = "伪造的合同".encode()
    entry.update(sm3=sm3_hex(forged_file), size=len(forged_file))
    forged_manifest = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    changes = {entry["path"]: forged_file, "manifest.json": forged_manifest}
    return _rewritten(package, changes), entry["path"]


def test_a_changed_file_with_a_rewritten_manifest_is_refused(tmp_path, capsys):
    # given a signed package of the project's archive
    _, project, _ = _project_with_documents()
    archive_sweep(project=project)
    package = package_build(project.archive_folder)
    assert package_verify(package).signature == "valid"

    # when a file is changed and the manifest rewritten to match it
    forged, path = _forged(package)
    target = tmp_path / "forged.zip"
    target.write_bytes(forged)

    # then every hash matches, but the manifest's signature does not: refused, named as such
    report = package_verify(forged)
    assert (report.changed, report.signature, report.ok) == ([], "invalid", False)
    with pytest.raises(CommandError, match="signature invalid"):
        call_command("archive_package_verify", str(target))
    assert "SIGNATURE invalid" in capsys.readouterr().out


def test_a_package_without_its_signature_is_refused():
    _, project, _ = _project_with_documents()
    archive_sweep(project=project)
    stripped = _rewritten(package_build(project.archive_folder), {}, drop=("manifest.sig",))
    report = package_verify(stripped)
    assert (report.signature, report.unlisted, report.ok) == ("missing", [], False)


def test_a_package_re_signed_with_another_key_is_refused(settings, tmp_path):
    # given a package signed by a forger's own integrity key
    _, project, _ = _project_with_documents()
    archive_sweep(project=project)
    settings.KAIGONG_KEY_DIR = tmp_path / "forger-keys"
    forged = package_build(project.archive_folder)
    # when it is checked against the platform's pinned public key
    settings.KAIGONG_KEY_DIR = tmp_path / "platform-keys"
    call_command("integrity_key_create")
    # then it is refused, though its signature matches the key written in it
    assert package_verify(forged).signature == "invalid"


def test_an_outside_verifier_checks_with_the_public_key_alone(settings, tmp_path, capsys):
    # given a package and the platform's public key, and no private key on this machine
    _, project, _ = _project_with_documents()
    archive_sweep(project=project)
    package = package_build(project.archive_folder)
    manifest_sig = json.loads(zipfile.ZipFile(io.BytesIO(package)).read("manifest.sig"))
    settings.KAIGONG_KEY_DIR = tmp_path / "empty"
    settings.KAIGONG_KEYS_AUTO_CREATE = False
    target = tmp_path / "package.zip"
    target.write_bytes(package)
    # when the command is given the public key
    call_command("archive_package_verify", str(target), "--public-key", manifest_sig["public_key"])
    # then it verifies
    assert "OK: manifest signature valid" in capsys.readouterr().out


def test_without_the_integrity_key_in_production_a_package_is_refused_not_unsigned(settings):
    from kaigong.core.exceptions import Conflict

    _, project, _ = _project_with_documents()
    archive_sweep(project=project)
    settings.KAIGONG_KEYS_AUTO_CREATE = False
    with pytest.raises(Conflict) as refused:
        package_build(project.archive_folder)
    assert refused.value.code == "no_integrity_key"
