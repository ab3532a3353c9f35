import hashlib
import io
import zipfile

import pytest

from kaigong.cases.constants import ErrorCode, MaterialSource
from kaigong.cases.filetypes import DOCX, OFD, PDF, PNG, detect_type, sanitise_name
from kaigong.cases.hashing import sm3_hex
from kaigong.cases.models import SubmittedMaterial
from kaigong.cases.services.materials import (
    case_material_attach_certificate,
    case_material_upload,
    missing_materials,
)
from kaigong.cases.tests.factories import PDF as PDF_BYTES
from kaigong.cases.tests.factories import PNG as PNG_BYTES
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, pdf_file
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.projects import hooks

pytestmark = pytest.mark.django_db


def _zip(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


def test_type_is_detected_from_content_not_name():
    assert detect_type(PDF_BYTES[:16]) == PDF
    assert detect_type(PNG_BYTES[:16]) == PNG
    assert detect_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    ofd = _zip(["OFD.xml", "Doc_0/Document.xml"])
    assert detect_type(ofd[:16], whole=ofd) == OFD
    docx = _zip(["[Content_Types].xml", "word/document.xml"])
    assert detect_type(docx[:16], whole=docx) == DOCX
    assert detect_type(b"MZ\x90\x00 an exe") == "application/octet-stream"


def test_names_are_sanitised():
    assert sanitise_name("../../etc/passwd") == "passwd"
    assert sanitise_name("C:\\tmp\\规划 图(1).pdf") == "规划 图(1).pdf"
    assert sanitise_name("a;rm -rf $HOME.pdf") == "a_rm -rf _HOME.pdf"
    assert sanitise_name("\x00\x1f") == "file"


def test_upload_records_hashes_size_type_and_a_private_location(monday, settings):
    world = lifecycle_world()
    case = CaseFactory(world=world)
    row = case_material_upload(
        case=case, actor=world.applicant, material_code="m-form", file=pdf_file("../申请表.exe")
    )
    assert row.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert row.sm3 == sm3_hex(PDF_BYTES)
    assert row.size == len(PDF_BYTES)
    assert row.content_type == PDF
    assert row.original_name == "申请表.exe"
    assert row.file.name.startswith(f"cases/{case.public_id}/")
    assert row.file.name.endswith(".pdf")
    location = str(row.file.storage.location)
    assert location.endswith("private")
    assert not location.startswith(str(settings.STATIC_ROOT))
    assert row.file.read() == PDF_BYTES


def test_upload_refuses_wrong_type_empty_and_too_large(monday, settings):
    world = lifecycle_world()
    case = CaseFactory(world=world)
    with pytest.raises(InvalidInput) as excinfo:
        case_material_upload(
            case=case,
            actor=world.applicant,
            material_code="m-form",
            file=pdf_file("x.pdf", PNG_BYTES),
        )
    assert excinfo.value.code == ErrorCode.FILE_TYPE_NOT_ALLOWED
    with pytest.raises(InvalidInput) as excinfo:
        case_material_upload(
            case=case, actor=world.applicant, material_code="m-form", file=pdf_file("x.pdf", b"")
        )
    assert excinfo.value.code == ErrorCode.FILE_EMPTY
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    with pytest.raises(InvalidInput) as excinfo:
        case_material_upload(
            case=case, actor=world.applicant, material_code="m-form", file=pdf_file()
        )
    assert excinfo.value.code == ErrorCode.FILE_TOO_LARGE
    with pytest.raises(InvalidInput) as excinfo:
        case_material_upload(
            case=case, actor=world.applicant, material_code="m-nope", file=pdf_file()
        )
    assert excinfo.value.code == ErrorCode.MATERIAL_NOT_REQUESTED
    assert SubmittedMaterial.objects.filter(case=case).count() == 0


def test_a_new_upload_supersedes_the_previous_and_keeps_history(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world)
    first = case_material_upload(
        case=case, actor=world.applicant, material_code="m-form", file=pdf_file()
    )
    second = case_material_upload(
        case=case,
        actor=world.applicant,
        material_code="m-form",
        file=pdf_file(content=PDF_BYTES + b"%2"),
    )
    first.refresh_from_db()
    assert first.is_current is False
    assert first.superseded_by == second
    assert second.is_current is True
    assert SubmittedMaterial.objects.filter(case=case).count() == 2


def test_only_the_applicant_uploads_and_only_while_editable(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, submitted=True)
    with pytest.raises(PermissionDenied):
        case_material_upload(case=case, actor=world.clerk, material_code="m-form", file=pdf_file())
    with pytest.raises(Conflict) as excinfo:
        case_material_upload(
            case=case, actor=world.applicant, material_code="m-form", file=pdf_file()
        )
    assert excinfo.value.code == ErrorCode.TRANSITION_NOT_ALLOWED


def test_a_held_certificate_replaces_the_upload(monday, monkeypatch):
    world = lifecycle_world()
    case = CaseFactory(world=world)
    with pytest.raises(InvalidInput) as excinfo:
        case_material_attach_certificate(
            case=case,
            actor=world.applicant,
            material_code="m-licence",
            certificate_type_code="ct-licence",
        )
    assert excinfo.value.code == ErrorCode.CERTIFICATE_NOT_HELD
    monkeypatch.setattr(hooks, "_provider", lambda enterprise: {"ct-licence"})
    with pytest.raises(InvalidInput) as excinfo:
        case_material_attach_certificate(
            case=case,
            actor=world.applicant,
            material_code="m-form",
            certificate_type_code="ct-licence",
        )
    assert excinfo.value.code == ErrorCode.CERTIFICATE_DOES_NOT_SATISFY
    row = case_material_attach_certificate(
        case=case,
        actor=world.applicant,
        material_code="m-licence",
        certificate_type_code="ct-licence",
        certificate_identifier="1137132100000000000001X",
    )
    assert row.source == MaterialSource.CERTIFICATE
    assert "m-licence" not in {n.code for n in missing_materials(case)}


def test_a_failed_upload_leaves_no_file_behind(monkeypatch):
    from kaigong.cases.exceptions import StaleVersion
    from kaigong.cases.storage import private_storage

    world = lifecycle_world()
    case = CaseFactory(world=world)
    stale = type(case).objects.get(pk=case.pk)
    case_material_upload(  # moves the case to a new version
        case=case, actor=world.applicant, material_code="m-form", file=pdf_file()
    )
    stored_before = set(private_storage().listdir(f"cases/{case.public_id}")[1])
    with pytest.raises(StaleVersion):
        case_material_upload(
            case=stale, actor=world.applicant, material_code="m-form", file=pdf_file()
        )
    assert set(private_storage().listdir(f"cases/{case.public_id}")[1]) == stored_before
    assert SubmittedMaterial.objects.filter(case=case).count() == 1


def _bomb(size: int = 8 * 1024 * 1024) -> bytes:
    """A docx-shaped ZIP whose document is `size` zero bytes (deflates ~1000 times)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "x")
        archive.writestr("word/document.xml", b"\0" * size)
    return buffer.getvalue()


def test_zip_expansion_is_checked_by_ratio_total_and_entries():
    from kaigong.cases.filetypes import zip_expansion_problem

    # given an ordinary small docx, a bomb, and a large-but-honest container
    ordinary = _zip(["[Content_Types].xml", "word/document.xml"])
    bomb = _bomb()
    # then only the bomb (and the limits given) are refused
    assert zip_expansion_problem(ordinary) is None
    assert zip_expansion_problem(PDF_BYTES) is None
    assert zip_expansion_problem(bomb) == "ratio"
    assert zip_expansion_problem(bomb, max_ratio=10**6, max_total=1024) == "total"
    assert zip_expansion_problem(ordinary, max_entries=1) == "entries"


def test_a_zip_bomb_upload_is_refused_with_a_code(monday):
    # given a draft and a docx that expands ~1000 times
    world = lifecycle_world()
    case = CaseFactory(world=world)
    # when it is uploaded
    with pytest.raises(InvalidInput) as excinfo:
        case_material_upload(
            case=case,
            actor=world.applicant,
            material_code="m-form",
            file=pdf_file("a.docx", _bomb()),
        )
    # then it is refused with its own code and nothing is stored
    assert excinfo.value.code == "file_expands_too_much"
    assert excinfo.value.invalid_params[0]["name"] == "file"
    assert SubmittedMaterial.objects.filter(case=case).count() == 0


def test_a_material_the_guide_exempts_is_not_missing_at_the_window(monday, monkeypatch):
    # given an enterprise holding a certificate that satisfies m-licence (免提交 in the guide)
    world = lifecycle_world()
    case = CaseFactory(world=world)
    assert "m-licence" in {n.code for n in missing_materials(case)}
    monkeypatch.setattr(hooks, "_provider", lambda enterprise: {"ct-licence"})
    # when the window lists what is missing, nothing attached
    missing = {n.code for n in missing_materials(case)}
    # then the exempt material is not missing, as the guide promised
    assert "m-licence" not in missing
    assert "m-form" in missing
