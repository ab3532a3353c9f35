"""
How the staff pages show a case's data to people: form values by their labels (Chinese
choice labels, 是/否, units), materials with their state and the link that opens them.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kaigong.cases.applicable import case_current_materials, case_form_schema
from kaigong.cases.permissions import viewable_material_ids
from kaigong.cases.services.material_access import INLINE_TYPES
from kaigong.catalog.models import FieldSpec


def _choice_labels(keys) -> dict[str, dict[str, str]]:
    labels = {}
    for spec in FieldSpec.objects.filter(key__in=list(keys)).only("key", "choices"):
        labels[spec.key] = {
            str(c.get("value")): str(c.get("label") or c.get("value")) for c in spec.choices or []
        }
    return labels


def display_value(value: Any, prop: dict[str, Any], labels: dict[str, str]) -> str:
    """One form value as text for a person (never a raw code or a Python list)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "、".join(labels.get(str(v), str(v)) for v in value)
    text = labels.get(str(value), str(value))
    if prop.get("x-unit"):
        text = f"{text} {prop['x-unit']}"
    return text


def form_rows(case) -> list[tuple[str, str]]:
    """(label, shown value) for every field of the case's merged form, in form order."""
    properties = case_form_schema(case)["properties"]
    labels = _choice_labels(properties)
    data = case.form_data or {}
    return [
        (prop.get("title", key), display_value(data.get(key), prop, labels.get(key, {})))
        for key, prop in properties.items()
    ]


def material_url(row) -> str | None:
    """The staff-side link that opens a submitted file (None: a held certificate)."""
    if not row or not row.file:
        return None
    return reverse(
        "web:case-material-file",
        kwargs={"public_id": row.case.public_id, "material_id": row.public_id},
    )


def material_rows(user, case, needs) -> list[dict[str, Any]]:
    """
    For each material need: the current submission (if any) and its link where ``user``
    may open it, and whether it may follow under 容缺.
    """
    have = case_current_materials(case)
    allowed = viewable_material_ids(user, case)
    rows = []
    for need in needs:
        current = have.get(need.material_id)
        visible = allowed is None or need.material_id in allowed
        rows.append(
            {
                "need": need,
                "current": current,
                "url": material_url(current) if visible else None,
                "inline": bool(current and current.content_type in INLINE_TYPES),
            }
        )
    return rows
