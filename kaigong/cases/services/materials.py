"""
Materials of an application: uploads and held certificates (免提交).

Uploads: size limit (the strictest of the requirement and the platform's), type detected
from the content and checked against the requirement's formats, names sanitised, SM3 and
SHA-256 recorded, stored in the private storage. A new submission of the same material
supersedes the previous one; history is kept.

Before acceptance the applicant edits freely (draft, correction requested). After
acceptance only materials deferred under a pending 容缺 commitment may be supplied; when
the last one arrives the commitment is fulfilled (services/commitments.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kaigong.cases.applicable import case_current_materials, case_material_needs
from kaigong.cases.constants import (
    CaseAction,
    CaseStatus,
    CommitmentKind,
    CommitmentStatus,
    ErrorCode,
    EventKind,
    MaterialSource,
)
from kaigong.cases.filetypes import (
    FORMAT_TYPES,
    TYPE_EXTENSIONS,
    UNKNOWN,
    ZIP_MAX_RATIO,
    ZIP_MAX_TOTAL_BYTES,
    ZIP_TOO_LARGE,
    detect_type,
    sanitise_name,
    zip_expansion_problem,
)
from kaigong.cases.hashing import file_digests
from kaigong.cases.hooks import ACT_UPLOAD
from kaigong.cases.models import Case, Commitment, SubmittedMaterial
from kaigong.cases.permissions import ensure_can_edit_case
from kaigong.cases.requirements import MaterialNeed
from kaigong.cases.services._transition import _case_transition
from kaigong.cases.workflow import case_next_status
from kaigong.catalog.models import CertificateType
from kaigong.core.exceptions import InvalidInput
from kaigong.projects.hooks import held_certificate_type_codes

AFTER_ACCEPTANCE = (CaseStatus.ACCEPTED, CaseStatus.CONCLUDED)


def _need(case: Case, material_code: str) -> MaterialNeed:
    for need in case_material_needs(case):
        if need.code == material_code:
            return need
    raise InvalidInput(
        _("This application does not ask for the material “%(code)s”.") % {"code": material_code},
        code=ErrorCode.MATERIAL_NOT_REQUESTED,
        invalid_params=[
            {"name": "material", "code": ErrorCode.MATERIAL_NOT_REQUESTED, "reason": material_code}
        ],
    )


def _pending_deferral(case: Case, material_code: str) -> Commitment | None:
    for commitment in case.commitments.filter(
        kind=CommitmentKind.DEFERRAL, status=CommitmentStatus.PENDING
    ):
        if material_code in commitment.material_codes:
            return commitment
    return None


def _action_for(case: Case, material_code: str) -> str:
    """EDIT before acceptance; SUPPLY for a deferred material after it (else 409)."""
    if case.status in AFTER_ACCEPTANCE and _pending_deferral(case, material_code) is not None:
        return CaseAction.SUPPLY
    case_next_status(case.status, CaseAction.EDIT)
    return CaseAction.EDIT


def _bad_file(code: str, message) -> InvalidInput:
    return InvalidInput(
        message, code=code, invalid_params=[{"name": "file", "code": code, "reason": str(message)}]
    )


def _read(file: Any, limit: int) -> bytes:
    chunks, size = [], 0
    for chunk in file.chunks() if hasattr(file, "chunks") else [file.read()]:
        size += len(chunk)
        if size > limit:
            raise _bad_file(
                ErrorCode.FILE_TOO_LARGE,
                _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _supersede(case: Case, need: MaterialNeed, new_row: SubmittedMaterial) -> None:
    previous = SubmittedMaterial.objects.filter(
        case=case, material_id=need.material_id, is_current=True
    ).first()
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    new_row.full_clean()
    new_row.save()
    if previous is not None:
        previous.superseded_by = new_row
        previous.save(update_fields=["superseded_by", "updated_at"])


def _record(
    *,
    case: Case,
    actor: Any,
    action: str,
    need: MaterialNeed,
    row: SubmittedMaterial,
    data: dict[str, Any],
) -> None:
    """The transition of a hand-in, the row that becomes current, a deferred one fulfilled."""
    locked = _case_transition(
        case=case,
        action=action,
        actor=actor,
        data={"material": need.code, **data},
        event_kind=data["kind"],  # an upload / a held certificate is its own kind of event
    )
    _supersede(locked, need, row)
    if action == CaseAction.SUPPLY:
        from kaigong.cases.services.commitments import commitment_fulfil_if_complete

        commitment_fulfil_if_complete(case=locked, actor=actor, material_code=need.code)


@transaction.atomic
def case_material_upload(
    *, case: Case, actor: Any, material_code: str, file: Any
) -> SubmittedMaterial:
    """
    Hand in a file for one material of the merged list.

    Errors: ``permission_denied`` (403), ``material_not_requested``, ``file_empty``,
    ``file_too_large``, ``file_expands_too_much`` (a zip bomb), ``file_type_not_allowed``
    (400), ``transition_not_allowed`` /
    ``stale_version`` (409).
    """
    ensure_can_edit_case(actor, case, ACT_UPLOAD)
    action = _action_for(case, material_code)
    need = _need(case, material_code)
    limit = min(need.max_size_mb * 1024 * 1024, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    content = _read(file, limit)
    if not content:
        raise _bad_file(ErrorCode.FILE_EMPTY, _("The file is empty."))
    if zip_expansion_problem(content):
        raise _bad_file(
            ZIP_TOO_LARGE,
            _(
                "The file is a compressed container that would expand too far (more than "
                "%(ratio)s times its size or %(mb)s MB): it is not accepted."
            )
            % {"ratio": ZIP_MAX_RATIO, "mb": ZIP_MAX_TOTAL_BYTES // (1024 * 1024)},
        )
    detected = detect_type(content[:16], whole=content)
    allowed = {FORMAT_TYPES[f] for f in (need.formats or FORMAT_TYPES) if f in FORMAT_TYPES}
    if detected == UNKNOWN or detected not in allowed:
        raise _bad_file(
            ErrorCode.FILE_TYPE_NOT_ALLOWED,
            _("This kind of file is not accepted here; allowed: %(formats)s.")
            % {"formats": ", ".join(need.formats or sorted(FORMAT_TYPES))},
        )
    sha256, sm3 = file_digests([content])
    name = sanitise_name(getattr(file, "name", "") or f"{need.code}.{TYPE_EXTENSIONS[detected]}")
    row = SubmittedMaterial(
        case=case,
        material_id=need.material_id,
        source=MaterialSource.UPLOAD,
        original_name=name,
        size=len(content),
        content_type=detected,
        sha256=sha256,
        sm3=sm3,
        uploaded_by=actor,
        after_acceptance=action == CaseAction.SUPPLY,
    )
    row.file.save(f"{need.code}.{TYPE_EXTENSIONS[detected]}", ContentFile(content), save=False)
    try:
        _record(
            case=case,
            actor=actor,
            action=action,
            need=need,
            row=row,
            data={
                "kind": EventKind.MATERIAL_UPLOADED,
                "sha256": sha256,
                "sm3": sm3,
                "size": len(content),
                "type": detected,
            },
        )
    except BaseException:
        # nothing half-written: the rows roll back, so the file stored for them goes too
        row.file.storage.delete(row.file.name)
        raise
    return row


@transaction.atomic
def case_material_attach_certificate(
    *,
    case: Case,
    actor: Any,
    material_code: str,
    certificate_type_code: str,
    certificate_identifier: str = "",
) -> SubmittedMaterial:
    """
    Use a certificate the enterprise already holds instead of an upload (免提交).

    The certificate type must be one that satisfies the material, and the enterprise must
    hold a valid certificate of that type (certificates' provider, projects.hooks).

    Errors: ``permission_denied`` (403), ``material_not_requested``,
    ``certificate_does_not_satisfy``, ``certificate_not_held`` (400),
    ``transition_not_allowed`` / ``stale_version`` (409).
    """
    ensure_can_edit_case(actor, case, ACT_UPLOAD)
    action = _action_for(case, material_code)
    need = _need(case, material_code)
    if certificate_type_code not in need.satisfied_by:
        raise InvalidInput(
            _("A certificate of this type does not replace this material."),
            code=ErrorCode.CERTIFICATE_DOES_NOT_SATISFY,
            invalid_params=[
                {
                    "name": "certificate_type",
                    "code": ErrorCode.CERTIFICATE_DOES_NOT_SATISFY,
                    "reason": certificate_type_code,
                }
            ],
        )
    if certificate_type_code not in held_certificate_type_codes(case.enterprise):
        raise InvalidInput(
            _("The enterprise holds no valid certificate of this type."),
            code=ErrorCode.CERTIFICATE_NOT_HELD,
            invalid_params=[
                {
                    "name": "certificate_type",
                    "code": ErrorCode.CERTIFICATE_NOT_HELD,
                    "reason": certificate_type_code,
                }
            ],
        )
    certificate_type = CertificateType.objects.get(code=certificate_type_code)
    row = SubmittedMaterial(
        case=case,
        material_id=need.material_id,
        source=MaterialSource.CERTIFICATE,
        certificate_type=certificate_type,
        certificate_identifier=certificate_identifier[:64],
        original_name=certificate_type.name,
        uploaded_by=actor,
        after_acceptance=action == CaseAction.SUPPLY,
    )
    _record(
        case=case,
        actor=actor,
        action=action,
        need=need,
        row=row,
        data={
            "kind": EventKind.CERTIFICATE_ATTACHED,
            "certificate_type": certificate_type_code,
            "certificate": certificate_identifier,
        },
    )
    return row


def missing_materials(case: Case, *, needs: list[MaterialNeed] | None = None) -> list[MaterialNeed]:
    """
    Required materials with neither a current submission nor a held certificate: one
    attached, or one of a satisfying type the enterprise holds (免提交, as the guide says).
    """
    needs = case_material_needs(case) if needs is None else needs
    have = case_current_materials(case)
    return [n for n in needs if n.required and n.material_id not in have and not n.exempt]
