"""Writing the whole catalogue to one ``kaigong-catalog/1`` document (see format.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models

from kaigong.accounts.models import Department

from .format import (
    DEPARTMENT_COLUMNS,
    FORMAT,
    NATURAL_KEY,
    SECTIONS,
    TOP_LEVEL,
    dumps,
    encode,
)

# How each list is sorted, by data only (never by id), so the file is deterministic.
SORT: dict[str, Callable[[dict], Any]] = {
    "departments": lambda r: r["code"],
    "stages": lambda r: r["code"],
    "process_tracks": lambda r: r["code"],
    "certificate_types": lambda r: r["code"],
    "materials": lambda r: r["code"],
    "fields": lambda r: r["key"],
    "questions": lambda r: r["code"],
    "matters": lambda r: r["code"],
    "revisions": lambda r: r["number"],
    "matter_versions": lambda r: (r["matter"], r["version"]),
    "requirements": lambda r: (r["order"], r["material"]),
    "version_fields": lambda r: (r["order"], r["field"]),
    "dependencies": lambda r: r["prerequisite"],
    "bundles": lambda r: r["code"],
    "items": lambda r: (r["order"], r["matter"]),
    "issuance_rules": lambda r: r["code"],
}

_PREFETCH = {
    "certificate_types": ["issuing_department"],
    "revisions": [
        "matter_versions__matter",
        "matter_versions__department",
        "matter_versions__stage",
        "matter_versions__certificate_types",
        "matter_versions__requirements__material",
        "matter_versions__requirements__satisfied_by",
        "matter_versions__fields__field",
        "matter_versions__dependencies__prerequisite",
    ],
    "bundles": [
        "lead_department",
        "track",
        "stage",
        "items__matter",
        "issuance_rules__certificate_types",
    ],
}


def _row(section: str, obj: models.Model) -> dict[str, Any]:
    spec = SECTIONS[section]
    out: dict[str, Any] = {}
    for column in spec.columns:
        model_field = spec.model._meta.get_field(column)
        out[column] = encode(model_field, getattr(obj, model_field.attname))
    for column, target in spec.refs.items():
        related = getattr(obj, column)
        out[column] = getattr(related, NATURAL_KEY[target]) if related is not None else None
    for column, target in spec.many.items():
        out[column] = sorted(getattr(r, NATURAL_KEY[target]) for r in getattr(obj, column).all())
    for key, child in spec.children.items():
        out[key] = _rows(child, getattr(obj, key).all())
    return out


def _rows(section: str, objects: Iterable[models.Model]) -> list[dict[str, Any]]:
    return sorted((_row(section, obj) for obj in objects), key=SORT[section])


def _departments(codes: set[str]) -> list[dict[str, Any]]:
    """The departments the catalogue refers to, with their parents."""
    found: dict[str, Department] = {}
    pending = set(codes)
    while pending:
        batch = Department.objects.filter(code__in=pending).select_related("parent")
        pending = set()
        for department in batch:
            found[department.code] = department
            if department.parent is not None and department.parent.code not in found:
                pending.add(department.parent.code)
    rows = []
    for department in found.values():
        row = {}
        for column in DEPARTMENT_COLUMNS:
            if column == "parent":
                row["parent"] = department.parent.code if department.parent else None
            else:
                row[column] = getattr(department, column)
        rows.append(row)
    return sorted(rows, key=SORT["departments"])


def catalog_export_data() -> dict[str, Any]:
    """The whole catalogue (drafts included) as a ``kaigong-catalog/1`` document."""
    data: dict[str, Any] = {"format": FORMAT}
    for section in TOP_LEVEL:
        if section == "departments":
            continue
        queryset = SECTIONS[section].model._default_manager.prefetch_related(
            *_PREFETCH.get(section, [])
        )
        data[section] = _rows(section, queryset)
    codes = {c["issuing_department"] for c in data["certificate_types"]}
    codes |= {v["department"] for r in data["revisions"] for v in r["matter_versions"]}
    codes |= {b["lead_department"] for b in data["bundles"]}
    data["departments"] = _departments({c for c in codes if c})
    return data


def catalog_export() -> bytes:
    """The catalogue file's bytes: sorted keys, two-space indent, UTF-8, trailing newline."""
    return dumps(catalog_export_data())
