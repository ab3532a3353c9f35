"""Writes of bundles (一件事, 主题, 联合评审, 多证联发) with their items and issuance rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kaigong.catalog.conditions import validate_condition
from kaigong.catalog.memo import writes_catalogue
from kaigong.catalog.models import (
    Bundle,
    BundleItem,
    CertificateType,
    JointIssuanceRule,
    Matter,
    ProcessTrack,
    Question,
    Stage,
)

from ._common import by_code, clean, department_from, param, raise_if, upsert

ITEM_KEYS = {"matter", "mandatory", "condition", "order"}
RULE_KEYS = {"code", "condition_name", "evidence_required", "certificate_types", "description"}


def _factor(value: Any, errors: list) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        factor = Decimal(str(value))
    except InvalidOperation:
        errors.append(param("key_project_factor", "invalid", _("Not a number.")))
        return None
    if not (Decimal(0) < factor <= Decimal(1)):
        errors.append(
            param("key_project_factor", "invalid", _("The factor lies in (0, 1], e.g. 0.7."))
        )
    return factor


@transaction.atomic
@writes_catalogue
def bundle_upsert(
    *,
    code: str,
    name: str,
    kind: str,
    lead_department,
    items: Sequence[Mapping] = (),
    track=None,
    stage=None,
    region_code: str = "",
    description: str = "",
    promised_limit: int | None = None,
    key_project_factor=None,
    source: str = "",
    order: int = 0,
    is_active: bool = True,
    issuance_rules: Sequence[Mapping] = (),
    actor=None,
) -> Bundle:
    """
    Create or update a bundle by code. Items are matched by matter and issuance rules by
    code: rows not listed any more are removed, the others updated in place.
    """
    errors: list = []
    department = department_from(lead_department, name="lead_department", errors=errors)
    track_row = by_code(ProcessTrack, track, name="track", errors=errors)
    stage_row = by_code(Stage, stage, name="stage", errors=errors)
    factor = _factor(key_project_factor, errors)
    codes = set(Question.objects.values_list("code", flat=True))
    item_rows = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        label = f"items[{index}]"
        unknown = set(item) - ITEM_KEYS
        if unknown:
            errors.append(param(label, "unknown_keys", _("Unknown keys: %s") % sorted(unknown)))
            continue
        matter = by_code(Matter, item.get("matter"), name=f"{label}.matter", errors=errors)
        if item.get("matter") in seen:
            errors.append(param(f"{label}.matter", "duplicate", _("Listed twice.")))
        seen.add(item.get("matter"))
        errors += [
            param(f"{label}.condition", "invalid_condition", e)
            for e in validate_condition(item.get("condition") or {}, question_codes=codes)
        ]
        item_rows.append(
            (
                label,
                matter,
                {
                    "mandatory": bool(item.get("mandatory", True)),
                    "condition": item.get("condition") or {},
                    "order": item.get("order", index),
                },
            )
        )
    rule_rows = []
    seen = set()
    for index, rule in enumerate(issuance_rules):
        label = f"issuance_rules[{index}]"
        unknown = set(rule) - RULE_KEYS
        if unknown:
            errors.append(param(label, "unknown_keys", _("Unknown keys: %s") % sorted(unknown)))
            continue
        if rule.get("code") in seen:
            errors.append(param(f"{label}.code", "duplicate", _("Listed twice.")))
        seen.add(rule.get("code"))
        cert_types = [
            by_code(CertificateType, c, name=f"{label}.certificate_types[{i}]", errors=errors)
            for i, c in enumerate(rule.get("certificate_types", ()))
        ]
        values = {k: rule.get(k, "") for k in ("condition_name", "evidence_required",
                                              "description")}  # fmt: skip
        rule_rows.append((label, rule.get("code"), values, cert_types))
    raise_if(errors)

    bundle = upsert(
        Bundle,
        lookup={"code": code},
        values={
            "name": name,
            "kind": kind,
            "lead_department": department,
            "track": track_row,
            "stage": stage_row,
            "region_code": region_code,
            "description": description,
            "promised_limit": promised_limit,
            "key_project_factor": factor,
            "source": source,
            "order": order,
            "is_active": is_active,
        },
        actor=actor,
        action="catalog_bundle_saved",
    )
    existing = {item.matter_id: item for item in bundle.items.all()}
    keep = set()
    for label, matter, values in item_rows:
        item = existing.get(matter.id) or BundleItem(bundle=bundle, matter=matter)
        for key, value in values.items():
            setattr(item, key, value)
        clean(item, prefix=label)
        item.save()
        keep.add(item.id)
    bundle.items.exclude(id__in=keep).delete()
    rules = {rule.code: rule for rule in bundle.issuance_rules.all()}
    keep = set()
    for label, rule_code, values, cert_types in rule_rows:
        rule = rules.get(rule_code) or JointIssuanceRule(bundle=bundle, code=rule_code)
        for key, value in values.items():
            setattr(rule, key, value)
        clean(rule, prefix=label)
        rule.save()
        rule.certificate_types.set(cert_types)
        keep.add(rule.id)
    bundle.issuance_rules.exclude(id__in=keep).delete()
    return bundle
