"""
Why a concluded case is not 已出证 yet: its certificates still held, each with its reasons
(the joint-issuance condition it waits for, the deferred 容缺 materials of its item by
name). Reads only; the case page, the API and the public track page show it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kaigong.cases.constants import CaseStatus
from kaigong.cases.models import Case
from kaigong.cases.services.commitments import outstanding_deferred_codes
from kaigong.catalog.models import Material, MaterialRequirement
from kaigong.certificates.selectors import certificate_holds_for_case

SHOWN_FROM = (CaseStatus.CONCLUDED, CaseStatus.ISSUED)


def case_certificate_holds(case: Case) -> list[dict[str, Any]]:
    """
    ``[{"certificate_type", "matter", "condition", "evidence_required",
    "deferred_materials": [names], "reasons": [text]}]`` — empty before the case concludes
    and once every certificate is released.
    """
    if case.status not in SHOWN_FROM:
        return []
    holds = certificate_holds_for_case(case.public_id)
    if not holds:
        return []
    deferred = (
        outstanding_deferred_codes(case) if any(h.deferred_materials for h in holds) else set()
    )
    names_by_item: dict[int, list[str]] = {}
    if deferred:
        item_versions = dict(case.items.values_list("id", "matter_version_id"))
        needed = MaterialRequirement.objects.filter(
            matter_version_id__in=set(item_versions.values()), material__code__in=deferred
        ).values_list("matter_version_id", "material_id")
        names = dict(Material.objects.filter(code__in=deferred).values_list("id", "name"))
        for item_id, version_id in item_versions.items():
            names_by_item[item_id] = sorted(names[m] for v, m in needed if v == version_id)
    rows = []
    for hold in holds:
        materials = names_by_item.get(hold.case_item_id or 0, []) if hold.deferred_materials else []
        reasons = hold.reasons()
        if materials:
            reasons = [
                r for r in reasons if r != _("Held until the deferred materials (容缺) arrive.")
            ] + [
                _("Held until the deferred materials arrive: %(names)s.")
                % {"names": "、".join(materials)}
            ]
        rows.append(
            {
                "certificate_type": hold.certificate_type,
                "matter": hold.matter_name,
                "condition": hold.condition,
                "evidence_required": hold.evidence_required,
                "deferred_materials": materials,
                "reasons": reasons,
            }
        )
    return rows
