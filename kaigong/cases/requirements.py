"""
What a case asks of the applicant: one merged form and one merged material list.

Both are built from the matter versions that apply (the bundle's mandatory matters and
the optional ones chosen) and the project's situation (answers and facts):

* Form: one JSON Schema property per field-dictionary key, however many matters ask for
  it; required when any applicable matter requires it; where constraints differ the
  strictest wins (largest minimum, smallest maximum and maxLength, common choices).
* Materials: the merged list of the one applicability engine (``catalog.applicability``,
  whose rules the guide shows too): ``MaterialNeed`` is its ``MergedMaterial``.

Which fields and materials apply is decided there; this module turns the merged fields
into a JSON Schema and checks data against it. Reads only the (prefetched) catalogue rows
it is given; writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from jsonschema import Draft202012Validator, FormatChecker

from kaigong.accounts.validators import validate_resident_id, validate_uscc
from kaigong.catalog.applicability import (
    FieldSpecSnap,
    MergedField,
    MergedMaterial,
    merge_fields,
    merge_materials,
)
from kaigong.catalog.constants import FieldType
from kaigong.catalog.models import FieldSpec, MatterVersion
from kaigong.catalog.selectors import version_snapshot

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


def field_schema(spec: FieldSpec | FieldSpecSnap) -> dict[str, Any]:
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


def merged_form_schema(
    fields: Sequence[MergedField], *, defaults: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The merged fields (``catalog.applicability.merge_fields``) as a JSON Schema."""
    properties: dict[str, dict[str, Any]] = {}
    for merged in fields:
        schema: dict[str, Any] | None = None
        for spec in merged.specs:
            one = field_schema(spec)
            schema = one if schema is None else merge_property(schema, one)
        assert schema is not None  # a merged field has at least one use
        if defaults and merged.key in defaults and defaults[merged.key] not in (None, ""):
            schema["default"] = defaults[merged.key]
        schema["x-matters"] = list(merged.matters)
        properties[merged.key] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "required": [f.key for f in fields if f.required],
        "additionalProperties": False,
    }


def form_schema(
    versions: Sequence[MatterVersion],
    *,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
    defaults: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The merged form of ``versions`` as a JSON Schema (draft 2020-12); ``answers`` effective."""
    snaps = [version_snapshot(v) for v in versions]
    return merged_form_schema(merge_fields(snaps, answers=answers, facts=facts), defaults=defaults)


def form_errors(schema: Mapping[str, Any], data: Any, *, partial: bool) -> list[dict[str, str]]:
    """
    Every problem of ``data`` against ``schema`` as invalid_params; ``partial`` skips
    "required" (a draft may be incomplete, a submission may not). Each ``reason`` is a
    plain sentence naming the field by its label (never the validator's English), and
    ``pointer`` is the JSON Pointer of the value in the request body (``/data/<key>``).
    """
    from kaigong.cases.exceptions import field_problem_text, form_problem_text

    if partial:
        schema = {**schema, "required": []}
    properties = schema.get("properties", {})
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        if error.validator == "required":
            name = error.message.split("'")[1] if "'" in error.message else ""
            code = "required"
        elif error.validator == "additionalProperties":
            extra = sorted(set(data) - set(properties)) if isinstance(data, Mapping) else []
            for key in extra:
                errors.append(
                    {
                        "name": str(key),
                        "code": "unknown_field",
                        "reason": form_problem_text("unknown_field", str(key)),
                        "pointer": f"/data/{key}",
                    }
                )
            continue
        else:
            name = ".".join(str(p) for p in error.absolute_path) or "form"
            code = str(error.validator)
        key = name.split(".")[0]
        if key in properties:
            reason = field_problem_text(properties[key], code)
        else:
            reason = form_problem_text(code, key)
        pointer = "/data/" + "/".join(name.split(".")) if name != "form" else "/data"
        errors.append({"name": name, "code": code, "reason": reason, "pointer": pointer})
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
                {
                    "name": key,
                    "code": "check_character",
                    "reason": " ".join(exc.messages),
                    "pointer": f"/data/{key}",
                }
            )
    return errors


MaterialNeed = MergedMaterial  # one material of the merged list (catalog.applicability)


def material_needs(
    versions: Iterable[MatterVersion],
    *,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
    held_certificate_types: Iterable[str] = (),
) -> list[MaterialNeed]:
    """The merged material list of ``versions`` in their order; ``answers`` effective."""
    snaps = [version_snapshot(v) for v in versions]
    materials, _before = merge_materials(
        snaps, answers=answers, facts=facts, held_certificate_types=held_certificate_types
    )
    return materials
