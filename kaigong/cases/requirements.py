"""
What a case asks of the applicant: one merged form and one merged material list.

Both are built from the matter versions that apply (the bundle's mandatory matters and
the optional ones chosen) and the project's situation (answers and facts):

* Form: one JSON Schema property per field-dictionary key, however many matters ask for
  it; required when any applicable matter requires it; where constraints differ the
  strictest wins (largest minimum, smallest maximum and maxLength, common choices).
* Materials: one entry per material of the master list; required when any applicable
  matter requires it; deferrable (容缺) only when every matter requiring it allows that;
  replaceable by a commitment (告知承诺) only when every such matter allows it; a held
  certificate of any listed type replaces the upload (免提交); the strictest size limit
  and the common file formats apply.

Reads only the (prefetched) catalogue rows it is given; writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jsonschema import Draft202012Validator, FormatChecker

from kaigong.accounts.validators import validate_resident_id, validate_uscc
from kaigong.catalog.conditions import evaluate_condition
from kaigong.catalog.constants import FieldType, Necessity
from kaigong.catalog.models import FieldSpec, MatterVersion

PATTERNS = {
    # a mobile (11 digits) or a landline with its area code and an optional extension
    # (0539-1234567, 0536-12345678, 010-12345678-801)
    FieldType.PHONE: r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$",
    FieldType.USCC: r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
    FieldType.RESIDENT_ID: r"^\d{17}[\dX]$",
    FieldType.REGION: r"^\d{6}$",
}


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    """The JSON Schema of one dictionary field."""
    kind = spec.field_type
    schema: dict[str, Any] = {"title": spec.label}
    if spec.help_text_zh:
        schema["description"] = spec.help_text_zh
    if spec.unit:
        schema["x-unit"] = spec.unit
    if kind in (FieldType.INTEGER, FieldType.DECIMAL):
        schema["type"] = "integer" if kind == FieldType.INTEGER else "number"
        if spec.minimum is not None:
            schema["minimum"] = _number(spec.minimum)
        if spec.maximum is not None:
            schema["maximum"] = _number(spec.maximum)
    elif kind == FieldType.BOOLEAN:
        schema["type"] = "boolean"
    elif kind == FieldType.CHOICE:
        schema["enum"] = [c["value"] for c in spec.choices]
    elif kind == FieldType.MULTI_CHOICE:
        schema["type"] = "array"
        schema["items"] = {"enum": [c["value"] for c in spec.choices]}
        schema["uniqueItems"] = True
    else:
        schema["type"] = "string"
        if kind == FieldType.DATE:
            schema["format"] = "date"
        if spec.max_length:
            schema["maxLength"] = spec.max_length
        pattern = spec.pattern or PATTERNS.get(kind, "")
        if pattern:
            schema["pattern"] = pattern
        if (
            kind in (FieldType.STRING, FieldType.TEXT, FieldType.PHONE)
            and "minLength" not in schema
        ):
            schema["minLength"] = 1
    schema["x-field-type"] = kind
    return schema


def merge_property(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """The strictest of two schemas of the same key."""
    merged = {**a}
    for key, pick in (("minimum", max), ("minLength", max), ("maximum", min), ("maxLength", min)):
        values = [s[key] for s in (a, b) if key in s]
        if values:
            merged[key] = pick(values)
    if "enum" in a and "enum" in b:
        merged["enum"] = [v for v in a["enum"] if v in b["enum"]]
    return merged


def _applies(condition: Mapping | None, answers: Mapping, facts: Mapping) -> bool:
    return not condition or evaluate_condition(condition, answers=answers, facts=facts)


def form_schema(
    versions: Sequence[MatterVersion],
    *,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
    defaults: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The merged form of ``versions`` as a JSON Schema (draft 2020-12)."""
    properties: dict[str, dict[str, Any]] = {}
    order: dict[str, tuple[int, int]] = {}
    asked_by: dict[str, list[str]] = {}
    required: set[str] = set()
    for index, version in enumerate(versions):
        for matter_field in version.fields.all():
            if not _applies(matter_field.condition, answers, facts):
                continue
            spec = matter_field.field
            schema = field_schema(spec)
            key = spec.key
            properties[key] = (
                merge_property(properties[key], schema) if key in properties else schema
            )
            order.setdefault(key, (index, matter_field.order))
            asked_by.setdefault(key, []).append(version.matter.code)
            if matter_field.required:
                required.add(key)
            if defaults and key in defaults and defaults[key] not in (None, ""):
                properties[key]["default"] = defaults[key]
    for key, codes in asked_by.items():
        properties[key]["x-matters"] = codes
    keys = sorted(properties, key=lambda k: order[k])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {k: properties[k] for k in keys},
        "required": [k for k in keys if k in required],
        "additionalProperties": False,
    }


def form_errors(schema: Mapping[str, Any], data: Any, *, partial: bool) -> list[dict[str, str]]:
    """
    Every problem of ``data`` against ``schema`` as invalid_params; ``partial`` skips
    "required" (a draft may be incomplete, a submission may not).
    """
    if partial:
        schema = {**schema, "required": []}
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            errors.append(
                {"name": missing, "code": "required", "reason": _("This field is required.")}
            )
            continue
        name = ".".join(str(p) for p in error.absolute_path) or "form"
        errors.append({"name": name, "code": str(error.validator), "reason": error.message})
    if isinstance(data, Mapping):
        errors += _identifier_errors(schema, data)
    return errors


def _identifier_errors(schema: Mapping[str, Any], data: Mapping) -> list[dict[str, str]]:
    """Check characters of USCC and resident ID fields (GB 32100, GB 11643)."""
    checks = {FieldType.USCC: validate_uscc, FieldType.RESIDENT_ID: validate_resident_id}
    errors = []
    for key, prop in schema.get("properties", {}).items():
        check = checks.get(prop.get("x-field-type"))
        value = data.get(key)
        if check is None or not isinstance(value, str) or not value:
            continue
        try:
            check(value)
        except ValidationError as exc:
            errors.append(
                {"name": key, "code": "check_character", "reason": " ".join(exc.messages)}
            )
    return errors


@dataclass
class MaterialNeed:
    """One material of the merged list."""

    material_id: int
    code: str
    name: str
    required: bool
    deferrable: bool
    commitment_replaces: bool
    satisfied_by: set[str] = field(default_factory=set)
    formats: list[str] | None = None  # None: any format
    max_size_mb: int = 20
    matters: list[str] = field(default_factory=list)
    electronic: bool = True


def material_needs(
    versions: Iterable[MatterVersion], *, answers: Mapping[str, Any], facts: Mapping[str, Any]
) -> list[MaterialNeed]:
    """The merged material list of ``versions`` in catalogue order."""
    needs: dict[int, MaterialNeed] = {}
    for version in versions:
        for req in version.requirements.all():
            if req.necessity == Necessity.CONDITIONAL and not _applies(
                req.condition, answers, facts
            ):
                continue
            required = req.necessity != Necessity.OPTIONAL
            replaces = req.commitment_replaces and version.commitment_allowed
            formats = [f.lower() for f in req.formats] or None
            need = needs.get(req.material_id)
            if need is None:
                need = needs[req.material_id] = MaterialNeed(
                    material_id=req.material_id,
                    code=req.material.code,
                    name=req.material.name,
                    required=required,
                    deferrable=req.deferrable or not required,
                    commitment_replaces=replaces or not required,
                    formats=formats,
                    max_size_mb=req.max_size_mb,
                    electronic=req.electronic,
                )
            else:
                need.required = need.required or required
                if required:
                    need.deferrable = need.deferrable and req.deferrable
                    need.commitment_replaces = need.commitment_replaces and replaces
                need.max_size_mb = min(need.max_size_mb, req.max_size_mb)
                if formats is not None:
                    need.formats = (
                        formats
                        if need.formats is None
                        else [f for f in need.formats if f in formats]
                    )
            if req.satisfied_by_id is not None:
                need.satisfied_by.add(req.satisfied_by.code)
            need.matters.append(version.matter.code)
    for need in needs.values():
        if not need.required:
            need.deferrable = False
            need.commitment_replaces = False
    return list(needs.values())
