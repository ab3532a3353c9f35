"""
The catalogue file, ``kaigong-catalog/1``: one JSON document holding the whole catalogue.

    {
      "format": "kaigong-catalog/1",
      "departments": [...], "stages": [...], "process_tracks": [...],
      "certificate_types": [...], "materials": [...], "fields": [...], "questions": [...],
      "matters": [...],
      "revisions": [{..., "matter_versions": [{..., "requirements": [...],
                                               "fields": [...], "dependencies": [...]}]}],
      "bundles": [{..., "items": [...], "issuance_rules": [...]}]
    }

Rows refer to each other by natural key (code / key / number), never by database id.
Matters, matter versions, revisions and bundles carry their ``public_id`` so that an
imported catalogue keeps the identifiers the API has handed out. Nothing that differs
between databases (ids, created/updated times) is written, and every list is sorted by
data, so export → import into an empty database → export gives the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import models

from kaigong.catalog.models import (
    Bundle,
    BundleItem,
    CatalogRevision,
    CertificateType,
    FieldSpec,
    JointIssuanceRule,
    Material,
    MaterialRequirement,
    Matter,
    MatterDependency,
    MatterField,
    MatterVersion,
    ProcessTrack,
    Question,
    Stage,
)

FORMAT = "kaigong-catalog/1"


@dataclass(frozen=True)
class Section:
    """How one kind of row is written: its columns, and its references by natural key."""

    model: type[models.Model]
    columns: tuple[str, ...]
    refs: dict[str, str] = field(default_factory=dict)  # FK column → section it refers to
    many: dict[str, str] = field(default_factory=dict)  # M2M column → section it refers to
    children: dict[str, str] = field(default_factory=dict)  # file key → section of the rows


DEPARTMENT_COLUMNS = ("code", "name", "short_name", "level", "region_code", "parent", "uscc")

_VERSION_SKIP = {"id", "created_at", "updated_at", "revision", "matter", "department", "stage"}

SECTIONS: dict[str, Section] = {
    "stages": Section(Stage, ("code", "name", "national_stage", "order", "description")),
    "process_tracks": Section(
        ProcessTrack,
        (
            "code",
            "name",
            "investment_type",
            "main_process_days",
            "region_code",
            "source",
            "description",
            "order",
        ),
    ),  # fmt: skip
    "certificate_types": Section(
        CertificateType,
        ("code", "name", "type_code", "fields", "validity_months"),
        refs={"issuing_department": "departments"},
    ),
    "materials": Section(
        Material,
        ("code", "name", "source_channel", "issuing_body", "description", "fill_instructions"),
    ),
    "fields": Section(
        FieldSpec,
        (
            "key",
            "label",
            "field_type",
            "choices",
            "unit",
            "max_length",
            "minimum",
            "maximum",
            "pattern",
            "help_text_zh",
            "project_attribute",
        ),
    ),  # fmt: skip
    "questions": Section(
        Question, ("code", "text", "help_text_zh", "kind", "choices", "ask_when", "order")
    ),
    "matters": Section(Matter, ("public_id", "code", "name")),
    "revisions": Section(
        CatalogRevision,
        (
            "public_id",
            "number",
            "title",
            "kind",
            "effective_on",
            "source",
            "description",
            "status",
            "published_at",
        ),
        children={"matter_versions": "matter_versions"},
    ),  # fmt: skip
    "matter_versions": Section(
        MatterVersion,
        tuple(f.name for f in MatterVersion._meta.concrete_fields if f.name not in _VERSION_SKIP),
        refs={"matter": "matters", "department": "departments", "stage": "stages"},
        many={"certificate_types": "certificate_types"},
        children={
            "requirements": "requirements",
            "fields": "version_fields",
            "dependencies": "dependencies",
        },
    ),
    "requirements": Section(
        MaterialRequirement,
        (
            "necessity",
            "condition",
            "original_copies",
            "copy_copies",
            "electronic",
            "formats",
            "max_size_mb",
            "deferrable",
            "commitment_replaces",
            "legal_basis",
            "order",
        ),
        refs={"material": "materials", "satisfied_by": "certificate_types"},
    ),  # fmt: skip
    "version_fields": Section(
        MatterField, ("required", "condition", "order"), refs={"field": "fields"}
    ),
    "dependencies": Section(MatterDependency, ("kind", "note"), refs={"prerequisite": "matters"}),
    "bundles": Section(
        Bundle,
        (
            "public_id",
            "code",
            "name",
            "kind",
            "region_code",
            "description",
            "promised_limit",
            "key_project_factor",
            "source",
            "is_active",
            "order",
        ),
        refs={"lead_department": "departments", "track": "process_tracks", "stage": "stages"},
        children={"items": "items", "issuance_rules": "issuance_rules"},
    ),  # fmt: skip
    "items": Section(BundleItem, ("mandatory", "condition", "order"), refs={"matter": "matters"}),
    "issuance_rules": Section(
        JointIssuanceRule,
        ("code", "condition_name", "evidence_required", "description"),
        many={"certificate_types": "certificate_types"},
    ),
}

# Top-level lists in the order they are written and imported.
TOP_LEVEL = (
    "departments",
    "stages",
    "process_tracks",
    "certificate_types",
    "materials",
    "fields",
    "questions",
    "matters",
    "revisions",
    "bundles",
)
# Natural key of each referable section.
NATURAL_KEY = {
    "departments": "code",
    "stages": "code",
    "process_tracks": "code",
    "certificate_types": "code",
    "materials": "code",
    "fields": "key",
    "questions": "code",
    "matters": "code",
    "bundles": "code",
}


def encode(model_field: models.Field, value: Any) -> Any:
    """A column's value as it is written to the file."""
    if value is None:
        return None
    if isinstance(model_field, models.DateTimeField):
        return value.astimezone(UTC).isoformat()
    if isinstance(model_field, models.DateField):
        return value.isoformat() if isinstance(value, date) else value
    if isinstance(model_field, models.DecimalField):
        return f"{Decimal(value):.{model_field.decimal_places}f}"
    if isinstance(value, UUID):
        return str(value)
    return value


def expected_type(model_field: models.Field) -> tuple[type, ...] | None:
    """The JSON types a column accepts (None: anything, e.g. a JSON column)."""
    if isinstance(model_field, models.JSONField):
        return None
    if isinstance(model_field, models.BooleanField):
        return (bool,)
    if isinstance(model_field, models.IntegerField):
        return (int,)
    if isinstance(model_field, models.DecimalField):
        return (str, int, float)
    return (str,)


def dumps(data: dict) -> bytes:
    """The canonical bytes of a catalogue document."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return (text + "\n").encode("utf-8")


def parse_datetime_utc(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)
