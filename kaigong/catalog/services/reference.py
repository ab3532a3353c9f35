"""Writes of the catalogue's reference lists: stages, tracks, certificate types, materials,
fields and questions. Each is an upsert by its stable code and leaves an audit record."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kaigong.catalog.conditions import validate_condition
from kaigong.catalog.constants import FieldType, InvestmentType, QuestionKind, SourceChannel
from kaigong.catalog.memo import writes_catalogue
from kaigong.catalog.models import (
    CertificateType,
    FieldSpec,
    Material,
    MaterialFile,
    MaterialFileKind,
    ProcessTrack,
    Question,
    Stage,
)
from kaigong.catalog.rules import choices_errors
from kaigong.core.exceptions import NotFound
from kaigong.core.services import audit_record

from ._common import department_from, param, raise_if, upsert


@transaction.atomic
@writes_catalogue
def stage_upsert(
    *, code: str, name: str, national_stage: int, order: int = 0, description: str = "", actor=None
) -> Stage:
    return upsert(
        Stage,
        lookup={"code": code},
        values={
            "name": name,
            "national_stage": int(national_stage),
            "order": order,
            "description": description,
        },
        actor=actor,
        action="catalog_stage_saved",
    )


@transaction.atomic
@writes_catalogue
def process_track_upsert(
    *,
    code: str,
    name: str,
    investment_type: str = InvestmentType.ANY,
    main_process_days: int | None = None,
    region_code: str = "",
    source: str = "",
    description: str = "",
    order: int = 0,
    actor=None,
) -> ProcessTrack:
    return upsert(
        ProcessTrack,
        lookup={"code": code},
        values={
            "name": name,
            "investment_type": investment_type,
            "main_process_days": main_process_days,
            "region_code": region_code,
            "source": source,
            "description": description,
            "order": order,
        },
        actor=actor,
        action="catalog_track_saved",
    )


@transaction.atomic
@writes_catalogue
def certificate_type_upsert(
    *,
    code: str,
    name: str,
    type_code: str = "",
    issuing_department=None,
    fields: Sequence[str] = (),
    validity_months: int | None = None,
    actor=None,
) -> CertificateType:
    errors: list = []
    department = None
    if issuing_department not in (None, ""):
        department = department_from(issuing_department, name="issuing_department", errors=errors)
    if not all(isinstance(f, str) for f in fields):
        errors.append(param("fields", "invalid", _("Surface fields are a list of field keys.")))
    raise_if(errors)
    return upsert(
        CertificateType,
        lookup={"code": code},
        values={
            "name": name,
            "type_code": type_code,
            "issuing_department": department,
            "fields": list(fields),
            "validity_months": validity_months,
        },
        actor=actor,
        action="catalog_certificate_type_saved",
    )


@transaction.atomic
@writes_catalogue
def material_upsert(
    *,
    code: str,
    name: str,
    source_channel: str = SourceChannel.APPLICANT,
    issuing_body: str = "",
    description: str = "",
    fill_instructions: str = "",
    actor=None,
) -> Material:
    return upsert(
        Material,
        lookup={"code": code},
        values={
            "name": name,
            "source_channel": source_channel,
            "issuing_body": issuing_body,
            "description": description,
            "fill_instructions": fill_instructions,
        },
        actor=actor,
        action="catalog_material_saved",
    )


MATERIAL_FILE_MAX_BYTES = 5 * 1024 * 1024
MATERIAL_FILE_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}


@transaction.atomic
@writes_catalogue
def material_file_set(
    *, material_code: str, kind: str, file_name: str, content: bytes, actor=None
) -> MaterialFile:
    """
    Attach the sample (示例样表) or the blank form (空白表格) of a material, replacing the
    one of that kind (audited). At most 5 MB; PDF, Word, Excel or an image.

    Errors: ``material_not_found`` (404), ``invalid_input`` (400).
    """
    material = Material.objects.filter(code=material_code).first()
    if material is None:
        raise NotFound(_("There is no such material."), code="material_not_found")
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    raise_if(
        [
            *(
                [param("kind", "invalid_choice", _("Choose a sample or a blank form."))]
                if kind not in MaterialFileKind.values
                else []
            ),
            *(
                [param("file", "file_type", _("Use a PDF, Word, Excel or image file."))]
                if extension not in MATERIAL_FILE_TYPES
                else []
            ),
            *(
                [param("file", "file_size", _("The file may be at most 5 MB."))]
                if not content or len(content) > MATERIAL_FILE_MAX_BYTES
                else []
            ),
        ]
    )
    row, created = MaterialFile.objects.update_or_create(
        material=material,
        kind=kind,
        defaults={
            "file_name": file_name[:200],
            "content_type": MATERIAL_FILE_TYPES[extension],
            "content": bytes(content),
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    audit_record(
        actor=actor,
        action="catalog_material_file_saved",
        obj=row,
        summary=str(row),
        data={"created": created, "material": material.code, "kind": kind, "sha256": row.sha256},
    )
    return row


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@transaction.atomic
@writes_catalogue
def field_spec_upsert(
    *,
    key: str,
    label: str,
    field_type: str,
    choices: Sequence[dict] = (),
    unit: str = "",
    max_length: int | None = None,
    minimum=None,
    maximum=None,
    pattern: str = "",
    help_text_zh: str = "",
    project_attribute: str = "",
    actor=None,
) -> FieldSpec:
    errors = choices_errors(list(choices))
    if field_type in (FieldType.CHOICE, FieldType.MULTI_CHOICE) and not choices:
        errors.append(param("choices", "choices_missing", _("A choice field needs choices.")))
    low, high = _decimal(minimum), _decimal(maximum)
    if low is not None and high is not None and low > high:
        errors.append(param("minimum", "invalid_range", _("The minimum exceeds the maximum.")))
    raise_if(errors)
    return upsert(
        FieldSpec,
        lookup={"key": key},
        values={
            "label": label,
            "field_type": field_type,
            "choices": list(choices),
            "unit": unit,
            "max_length": max_length,
            "minimum": low,
            "maximum": high,
            "pattern": pattern,
            "help_text_zh": help_text_zh,
            "project_attribute": project_attribute,
        },
        actor=actor,
        action="catalog_field_saved",
    )


@transaction.atomic
@writes_catalogue
def question_upsert(
    *,
    code: str,
    text: str,
    kind: str,
    choices: Sequence[dict] = (),
    ask_when: dict | None = None,
    help_text_zh: str = "",
    order: int = 0,
    actor=None,
) -> Question:
    """``ask_when`` may refer to other questions only (never to itself)."""
    errors = choices_errors(list(choices))
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and not choices:
        errors.append(param("choices", "choices_missing", _("A choice question needs choices.")))
    codes = set(Question.objects.exclude(code=code).values_list("code", flat=True))
    errors += [
        param("ask_when", "invalid_condition", e)
        for e in validate_condition(ask_when or {}, question_codes=codes)
    ]
    raise_if(errors)
    return upsert(
        Question,
        lookup={"code": code},
        values={
            "text": text,
            "kind": kind,
            "choices": list(choices),
            "ask_when": ask_when or {},
            "help_text_zh": help_text_zh,
            "order": order,
        },
        actor=actor,
        action="catalog_question_saved",
    )
