"""
What applies to one case: its matter versions, its merged form and material list, and the
materials handed in so far. Reads only. The decisions are those of the one applicability
engine (``catalog.applicability``) the guide presents, so the window never refuses what
the guide promised.

Before acceptance the versions in force today apply; from acceptance on, the versions the
case pinned (one per item).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from kaigong.cases.models import Case, CaseItem, SubmittedMaterial
from kaigong.cases.requirements import MaterialNeed, merged_form_schema
from kaigong.catalog import applicability as engine
from kaigong.catalog.memo import one_fingerprint
from kaigong.catalog.models import MatterVersion
from kaigong.catalog.selectors import (
    bundle_item_order,
    catalogue_snapshot,
    matter_versions_in_force,
    versions_by_id,
)
from kaigong.core.clock import local_date
from kaigong.projects.hooks import held_certificate_type_codes
from kaigong.projects.selectors import project_facts


def case_versions(
    case: Case, *, on: date | None = None, matter_ids: Iterable[int] | None = None
) -> list[MatterVersion]:
    """
    The matter versions of the case, in bundle order: those its items pinned, else those
    in force ``on`` (today) of its chosen matters (``matter_ids`` when the caller read
    them). The versions come from the catalogue's memo: shared, read only.
    """
    pinned = (  # perf: a case never accepted has no items to read (Case.has_items)
        list(CaseItem.objects.filter(case=case).values_list("matter_version_id", flat=True))
        if case.has_items
        else []
    )
    with one_fingerprint():
        if pinned:
            by_matter = {v.matter_id: v for v in versions_by_id(pinned).values()}
        else:
            if matter_ids is None:
                matter_ids = list(case.matters.values_list("id", flat=True))
            by_matter = matter_versions_in_force(on=on or local_date(), matter_ids=matter_ids)
        order = bundle_item_order(case.bundle_id)
    return sorted(by_matter.values(), key=lambda v: order.get(v.matter_id, (999, v.matter_id)))


def case_applicability(
    case: Case,
    *,
    versions: list[MatterVersion] | None = None,
    held_certificate_types: Iterable[str] | None = None,
) -> engine.Applicability:
    """
    What applies to the case, from the one engine the guide uses too: the case's matter
    versions (pinned, or in force today), the project's answers (those still asked) and
    facts, and the certificate types the enterprise holds (免提交; None: read them).
    """
    versions = case_versions(case) if versions is None else versions
    snapshot = catalogue_snapshot(versions=versions)
    return engine.applicability(
        snapshot,
        answers=dict(case.project.answers or {}),
        facts=project_facts(case.project),
        held_certificate_types=(
            held_certificate_type_codes(case.enterprise)
            if held_certificate_types is None
            else held_certificate_types
        ),
        matter_ids=[v.matter_id for v in versions],
    )


def _defaults(case: Case, versions: list[MatterVersion]) -> dict[str, Any]:
    """Values pre-filled from project attributes named by the field dictionary."""
    defaults = {}
    for version in versions:
        for matter_field in version.fields.all():
            attribute = matter_field.field.project_attribute
            if attribute and hasattr(case.project, attribute):
                value = getattr(case.project, attribute)
                defaults[matter_field.field.key] = (
                    value if isinstance(value, str | int) else str(value)
                )
    return defaults


def case_form_schema(case: Case, *, versions: list[MatterVersion] | None = None) -> dict[str, Any]:
    """The merged form of the case as a JSON Schema (one property per dictionary key)."""
    versions = case_versions(case) if versions is None else versions
    # the fields do not depend on the certificates held: not read
    fields = case_applicability(case, versions=versions, held_certificate_types=()).fields
    return merged_form_schema(fields, defaults=_defaults(case, versions))


def case_form_schema_and_needs(
    case: Case, *, versions: list[MatterVersion] | None = None
) -> tuple[dict[str, Any], list[MaterialNeed]]:
    """``case_form_schema`` and ``case_material_needs`` from one engine call (the fields do
    not depend on the certificates held)."""
    versions = case_versions(case) if versions is None else versions
    result = case_applicability(case, versions=versions)
    schema = merged_form_schema(result.fields, defaults=_defaults(case, versions))
    return schema, list(result.materials)


def case_material_needs(
    case: Case,
    *,
    versions: list[MatterVersion] | None = None,
    held_certificate_types: Iterable[str] | None = None,
) -> list[MaterialNeed]:
    """The merged material list of the case (with 免提交, 容缺 and 告知承诺 as the guide shows);
    ``held_certificate_types``: the enterprise's, when the caller read them (None: read)."""
    result = case_applicability(
        case, versions=versions, held_certificate_types=held_certificate_types
    )
    return list(result.materials)


def case_current_materials(case: Case) -> dict[int, SubmittedMaterial]:
    """Material id → the current submission (file or held certificate)."""
    rows = SubmittedMaterial.objects.filter(case=case, is_current=True).select_related(
        "material", "certificate_type"
    )
    return {row.material_id: row for row in rows}
