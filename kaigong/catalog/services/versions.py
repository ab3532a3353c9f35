"""
Drafting catalogue revisions and matter versions.

A revision collects draft versions; ``revision_publish`` (publish.py) makes them all
published together. Only drafts change here: a published version is refused with
``version_published``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kaigong.catalog.conditions import validate_condition
from kaigong.catalog.constants import Necessity, VersionStatus
from kaigong.catalog.memo import writes_catalogue
from kaigong.catalog.models import (
    CatalogRevision,
    CertificateType,
    FieldSpec,
    Material,
    MaterialRequirement,
    Matter,
    MatterDependency,
    MatterField,
    MatterVersion,
    Question,
    Stage,
)
from kaigong.catalog.rules import limit_errors
from kaigong.core.audit import row_diff, row_snapshot
from kaigong.core.exceptions import Conflict
from kaigong.core.services import audit_record

from ._common import (
    by_code,
    clean,
    department_from,
    ensure_revision_draft,
    ensure_version_draft,
    param,
    raise_if,
)

# Columns set by the services themselves, never through ``**elements``.
_MANAGED = {
    "id",
    "public_id",
    "created_at",
    "updated_at",
    "matter",
    "version",
    "revision",
    "status",
    "effective_from",
    "withdraws_matter",
    "name",
    "department",
    "statutory_limit",
    "promised_limit",
    "certificate_types",
}
ELEMENT_FIELDS = tuple(
    f.name
    for f in MatterVersion._meta.concrete_fields
    if f.name not in _MANAGED and f.name != "stage"
) + ("stage",)
REQUIREMENT_KEYS = {
    "material",
    "necessity",
    "condition",
    "original_copies",
    "copy_copies",
    "electronic",
    "formats",
    "max_size_mb",
    "deferrable",
    "commitment_replaces",
    "satisfied_by",
    "legal_basis",
    "order",
}
FIELD_KEYS = {"field", "required", "condition", "order"}
DEPENDENCY_KEYS = {"prerequisite", "kind", "note"}


_NUMBER_ATTEMPTS = 5


@transaction.atomic
@writes_catalogue
def revision_create(
    *,
    title: str,
    kind: str,
    effective_on: date,
    source: str = "",
    description: str = "",
    actor=None,
) -> CatalogRevision:
    """
    A new draft revision numbered after the last one. Two keepers creating revisions at
    the same moment both get a number: the one that loses the race takes the next.
    """
    revision = CatalogRevision(
        title=title, kind=kind, effective_on=effective_on, source=source, description=description
    )
    clean(revision, exclude=["number"])
    for attempt in range(1, _NUMBER_ATTEMPTS + 1):
        revision.number = (CatalogRevision.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                revision.save(force_insert=True)
            break
        except IntegrityError:  # the unique number was taken meanwhile
            revision.pk = None
            if attempt == _NUMBER_ATTEMPTS:
                raise
    audit_record(
        actor=actor,
        action="catalog_revision_created",
        obj=revision,
        summary=str(revision),
        data={
            "kind": kind,
            "effective_on": effective_on.isoformat(),
            **row_diff({}, row_snapshot(revision)),
        },
    )
    return revision


def _unknown_keys(item: Any, allowed: set[str], required: str, name: str) -> list:
    if not isinstance(item, Mapping):
        return [param(name, "invalid", _("Expected an object."))]
    errors = []
    unknown = set(item) - allowed
    if unknown:
        errors.append(
            param(name, "unknown_keys", _("Unknown keys: %s") % ", ".join(sorted(unknown)))
        )
    if not item.get(required):
        errors.append(param(f"{name}.{required}", "required", _("This is required.")))
    return errors


def _condition_errors(cond: Any, codes: set[str], name: str) -> list:
    return [
        param(name, "invalid_condition", e)
        for e in validate_condition(cond or {}, question_codes=codes)
    ]


def _build_requirements(items: Sequence[Mapping], codes: set[str], errors: list) -> list:
    rows = []
    seen = set()
    for index, item in enumerate(items):
        name = f"requirements[{index}]"
        problems = _unknown_keys(item, REQUIREMENT_KEYS, "material", name)
        errors += problems
        if problems:
            continue
        material = by_code(Material, item["material"], name=f"{name}.material", errors=errors)
        satisfied_by = by_code(
            CertificateType, item.get("satisfied_by"), name=f"{name}.satisfied_by", errors=errors
        )
        errors += _condition_errors(item.get("condition"), codes, f"{name}.condition")
        if item.get("necessity") == Necessity.CONDITIONAL and not item.get("condition"):
            errors.append(
                param(f"{name}.condition", "condition_missing", _("A conditional need needs one."))
            )
        if item["material"] in seen:
            errors.append(param(f"{name}.material", "duplicate", _("Listed twice.")))
        seen.add(item["material"])
        values = {k: v for k, v in item.items() if k not in ("material", "satisfied_by")}
        values.setdefault("order", index)
        values["condition"] = values.get("condition") or {}
        rows.append((name, material, satisfied_by, values))
    return rows


def _build_fields(items: Sequence[Mapping], codes: set[str], errors: list) -> list:
    rows = []
    seen = set()
    for index, item in enumerate(items):
        name = f"fields[{index}]"
        problems = _unknown_keys(item, FIELD_KEYS, "field", name)
        errors += problems
        if problems:
            continue
        spec = by_code(FieldSpec, item["field"], name=f"{name}.field", errors=errors, field="key")
        errors += _condition_errors(item.get("condition"), codes, f"{name}.condition")
        if item["field"] in seen:
            errors.append(param(f"{name}.field", "duplicate", _("Listed twice.")))
        seen.add(item["field"])
        values = {k: v for k, v in item.items() if k != "field"}
        values.setdefault("order", index)
        values["condition"] = values.get("condition") or {}
        rows.append((name, spec, values))
    return rows


def _build_dependencies(items: Sequence[Mapping], matter_code: str, errors: list) -> list:
    rows = []
    seen = set()
    for index, item in enumerate(items):
        name = f"dependencies[{index}]"
        problems = _unknown_keys(item, DEPENDENCY_KEYS, "prerequisite", name)
        errors += problems
        if problems:
            continue
        if item["prerequisite"] == matter_code:
            errors.append(
                param(
                    f"{name}.prerequisite",
                    "dependency_cycle",
                    _("A matter cannot depend on itself: %(c)s → %(c)s") % {"c": matter_code},
                )
            )
            continue
        prerequisite = by_code(Matter, item["prerequisite"], name=f"{name}.prerequisite",
                               errors=errors)  # fmt: skip
        if item["prerequisite"] in seen:
            errors.append(param(f"{name}.prerequisite", "duplicate", _("Listed twice.")))
        seen.add(item["prerequisite"])
        values = {k: v for k, v in item.items() if k != "prerequisite"}
        rows.append((name, prerequisite, values))
    return rows


def _element_values(elements: Mapping[str, Any], errors: list) -> dict[str, Any]:
    unknown = set(elements) - set(ELEMENT_FIELDS)
    if unknown:
        errors.append(
            param(
                "__all__",
                "unknown_keys",
                _("Unknown matter elements: %s") % ", ".join(sorted(unknown)),
            )
        )
    values = {}
    for name in ELEMENT_FIELDS:
        if name == "stage":
            values["stage"] = by_code(Stage, elements.get("stage"), name="stage", errors=errors)
            continue
        field = MatterVersion._meta.get_field(name)
        values[name] = elements[name] if name in elements else field.get_default()
    return values


@transaction.atomic
@writes_catalogue
def matter_version_draft(
    *,
    revision: CatalogRevision,
    matter_code: str,
    department,
    name: str,
    statutory_limit: int,
    promised_limit: int,
    requirements: Sequence[Mapping] = (),
    fields: Sequence[Mapping] = (),
    dependencies: Sequence[Mapping] = (),
    certificate_types: Iterable[str] = (),
    actor=None,
    **elements: Any,
) -> MatterVersion:
    """
    Draft the next version of ``matter_code`` in ``revision`` (the matter is created when
    new). Calling it again for the same matter and revision replaces that draft whole.
    Every problem is reported at once in ``invalid_params``.
    """
    revision = CatalogRevision.objects.select_for_update().get(pk=revision.pk)
    ensure_revision_draft(revision)
    errors: list[dict[str, str]] = []
    dept = department_from(department, name="department", errors=errors)
    values = _element_values(elements, errors)
    codes = set(Question.objects.values_list("code", flat=True))
    requirement_rows = _build_requirements(list(requirements), codes, errors)
    field_rows = _build_fields(list(fields), codes, errors)
    dependency_rows = _build_dependencies(list(dependencies), matter_code, errors)
    cert_types = [
        by_code(CertificateType, code, name=f"certificate_types[{i}]", errors=errors)
        for i, code in enumerate(certificate_types)
    ]
    errors += limit_errors(
        statutory=statutory_limit,
        statutory_unit=values["statutory_limit_unit"],
        promised=promised_limit,
        promised_unit=values["promised_limit_unit"],
    )
    raise_if(errors)

    matter = Matter.objects.select_for_update().filter(code=matter_code).first()
    if matter is None:
        matter = Matter(code=matter_code, name=name)
        clean(matter, prefix="matter_code")
        matter.save()
    version = matter.versions.filter(revision=revision).first()
    if version is None:
        last = matter.versions.aggregate(n=Max("version"))["n"] or 0
        version = MatterVersion(matter=matter, version=last + 1, revision=revision)
    else:
        ensure_version_draft(version)
    before = _version_state(version)
    version.name = name
    version.department = dept
    version.statutory_limit = statutory_limit
    version.promised_limit = promised_limit
    version.withdraws_matter = False
    for key, value in values.items():
        setattr(version, key, value)
    clean(version)
    version.save()
    _replace_children(version, requirement_rows, field_rows, dependency_rows, cert_types)
    audit_record(
        actor=actor,
        action="catalog_version_drafted",
        obj=version,
        summary=str(version),
        data={
            "matter": matter_code,
            "revision": revision.number,
            "version": version.version,
            **row_diff(before, _version_state(version)),
        },
    )
    return version


_NOISE = {"id", "public_id", "created_at", "updated_at", "matter_version"}


def _version_state(version: MatterVersion | None) -> dict[str, Any]:
    """A draft version's row and child rows, for the before/after of its audit record."""
    if version is None or version.pk is None:
        return {}
    state = row_snapshot(version)

    def rows(manager) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in row_snapshot(r).items() if k not in _NOISE}
            for r in manager.order_by("pk")
        ]

    state["requirements"] = rows(version.requirements)
    state["fields"] = rows(version.fields)
    state["dependencies"] = rows(version.dependencies)
    state["certificate_types"] = sorted(version.certificate_types.values_list("code", flat=True))
    return state


def _replace_children(version, requirement_rows, field_rows, dependency_rows, cert_types) -> None:
    version.requirements.all().delete()
    version.fields.all().delete()
    version.dependencies.all().delete()
    for name, material, satisfied_by, values in requirement_rows:
        row = MaterialRequirement(
            matter_version=version, material=material, satisfied_by=satisfied_by, **values
        )
        clean(row, prefix=name)
        row.save()
    for name, spec, values in field_rows:
        row = MatterField(matter_version=version, field=spec, **values)
        clean(row, prefix=name)
        row.save()
    for name, prerequisite, values in dependency_rows:
        row = MatterDependency(matter_version=version, prerequisite=prerequisite, **values)
        clean(row, prefix=name)
        row.save()
    version.certificate_types.set(cert_types)


@transaction.atomic
@writes_catalogue
def matter_withdraw_draft(*, revision: CatalogRevision, matter_code: str, actor=None):
    """
    Draft the withdrawal (取消) of a matter in ``revision``: a version that takes it out of
    the catalogue from the revision's date, with the elements of its previous version.
    """
    revision = CatalogRevision.objects.select_for_update().get(pk=revision.pk)
    ensure_revision_draft(revision)
    errors: list = []
    matter = by_code(Matter, matter_code, name="matter_code", errors=errors)
    raise_if(errors)
    previous = (
        matter.versions.exclude(revision=revision)
        .filter(status=VersionStatus.PUBLISHED)
        .order_by("-effective_from", "-version")
        .first()
    )
    if previous is None:
        raise Conflict(
            _("This matter was never published: discard its draft instead of withdrawing it."),
            code="matter_never_published",
        )
    version = matter.versions.filter(revision=revision).first()
    if version is None:
        last = matter.versions.aggregate(n=Max("version"))["n"] or 0
        version = MatterVersion(matter=matter, version=last + 1, revision=revision)
    else:
        ensure_version_draft(version)
    before = _version_state(version)
    for field in MatterVersion._meta.concrete_fields:
        if field.name in {"id", "public_id", "created_at", "updated_at", "matter", "version",
                          "revision", "status", "effective_from"}:  # fmt: skip
            continue
        setattr(version, field.attname, getattr(previous, field.attname))
    version.withdraws_matter = True
    clean(version)
    version.save()
    _replace_children(version, [], [], [], list(previous.certificate_types.all()))
    audit_record(
        actor=actor,
        action="catalog_withdrawal_drafted",
        obj=version,
        summary=str(version),
        data={
            "matter": matter_code,
            "revision": revision.number,
            **row_diff(before, _version_state(version)),
        },
    )
    return version


@transaction.atomic
@writes_catalogue
def matter_version_discard(*, version: MatterVersion, actor=None) -> None:
    """Delete a draft version (and its matter, when that was its only version)."""
    version = MatterVersion.objects.select_for_update().get(pk=version.pk)
    ensure_version_draft(version)
    matter = version.matter
    summary = str(version)
    before = _version_state(version)
    version.certificate_types.clear()
    version.delete()
    if not matter.versions.exists() and not matter.dependents.exists():
        if not matter.bundle_items.exists():
            matter.delete()
    audit_record(
        actor=actor,
        action="catalog_version_discarded",
        object_type="catalog.matterversion",
        summary=summary,
        data=row_diff(before, {}),
    )
