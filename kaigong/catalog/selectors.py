"""
Reads of the catalogue. The catalogue is public information (办事指南): no visibility rules.

The version of a matter in force on a date is the published version with the latest
``effective_from`` on or before that date (the higher version number wins a tie); when
that version withdraws the matter, nothing is in force.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import Department
from kaigong.catalog.applicability import (
    BundleSnap,
    CatalogueSnapshot,
    FieldSpecSnap,
    FieldUseSnap,
    ItemSnap,
    QuestionSnap,
    RequirementSnap,
    VersionSnap,
)
from kaigong.catalog.constants import VersionStatus
from kaigong.catalog.memo import memoised, memoised_many, one_fingerprint
from kaigong.catalog.models import (
    Bundle,
    BundleItem,
    CatalogRevision,
    CertificateType,
    MaterialFile,
    MaterialRequirement,
    Matter,
    MatterField,
    MatterVersion,
    Question,
)
from kaigong.core.exceptions import NotFound


def _version_queryset() -> QuerySet[MatterVersion]:
    return MatterVersion.objects.select_related(
        "matter", "department", "stage", "revision"
    ).prefetch_related(
        Prefetch(
            "requirements",
            queryset=MaterialRequirement.objects.select_related("material", "satisfied_by"),
        ),
        Prefetch("fields", queryset=MatterField.objects.select_related("field")),
        "dependencies__prerequisite",
        # the issuing department: certificates are issued from the memoised versions
        Prefetch(
            "certificate_types",
            queryset=CertificateType.objects.select_related("issuing_department"),
        ),
    )


def _latest_published_ids(*, on: date, matter_ids: Iterable[int] | None = None) -> dict[int, int]:
    """matter id → id of the published version in force on ``on`` (withdrawals included)."""
    qs = MatterVersion.objects.filter(status=VersionStatus.PUBLISHED, effective_from__lte=on)
    if matter_ids is not None:
        qs = qs.filter(matter_id__in=list(matter_ids))
    latest: dict[int, int] = {}
    rows = qs.order_by("matter_id", "-effective_from", "-version").values_list("matter_id", "id")
    for matter_id, version_id in rows:
        latest.setdefault(matter_id, version_id)
    return latest


def matter_version_in_force(matter: Matter, *, on: date) -> MatterVersion | None:
    """The version of ``matter`` in force on ``on``; None when none is, or it was withdrawn."""
    version = (
        _version_queryset()
        .filter(matter=matter, status=VersionStatus.PUBLISHED, effective_from__lte=on)
        .order_by("-effective_from", "-version")
        .first()
    )
    if version is None or version.withdraws_matter:
        return None
    return version


def versions_by_id(ids: Iterable[int]) -> dict[int, MatterVersion]:
    """
    Matter versions by id, loaded with what ``_version_queryset`` prefetches, once per
    catalogue fingerprint (``memo``): in steady state no query. The instances are shared
    by every request of the process: read them, never set anything on them.
    """

    def load(missing: list[int]) -> dict[int, MatterVersion]:
        return {v.id: v for v in _version_queryset().filter(id__in=missing)}

    return memoised_many("version", ids, load)


def departments_by_id(ids: Iterable[int]) -> dict[int, Department]:
    """Departments by id, once per catalogue fingerprint (``memo``: departments are among
    its tables); shared instances, read them only."""
    return memoised_many("department", ids, Department.objects.in_bulk)


def _in_force_ids(on: date) -> dict[int, int]:
    """matter id → id of the published version in force on ``on`` (withdrawals included),
    of the whole catalogue, once per catalogue fingerprint and date."""
    return memoised(("in_force", on), lambda: _latest_published_ids(on=on))


def matter_versions_in_force(
    *, on: date, matter_ids: Iterable[int] | None = None
) -> dict[int, MatterVersion]:
    """
    Every version in force on ``on`` by matter id (in matter code order), withdrawn
    matters left out. Memoised per catalogue fingerprint (``versions_by_id``): the
    versions are shared, read-only.
    """
    with one_fingerprint():
        latest = _in_force_ids(on)
        if matter_ids is not None:
            wanted = set(matter_ids)
            latest = {m: v for m, v in latest.items() if m in wanted}
        loaded = versions_by_id(latest.values())
    versions = [v for v in loaded.values() if not v.withdraws_matter]
    versions.sort(key=lambda v: (v.matter.code, v.version))  # the model's ordering
    return {v.matter_id: v for v in versions}


def matter_version_list_in_force(
    *, on: date, department_code: str = "", stage_code: str = "", q: str = ""
) -> list[MatterVersion]:
    """The catalogue as published on ``on``, ordered by matter code, optionally filtered."""
    latest = _latest_published_ids(on=on)
    qs = _version_queryset().filter(id__in=latest.values(), withdraws_matter=False)
    if department_code:
        qs = qs.filter(department__code=department_code)
    if stage_code:
        qs = qs.filter(stage__code=stage_code)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(matter__code__icontains=q))
    return list(qs.order_by("matter__code"))


def bundle_list(*, active_only: bool = True) -> QuerySet[Bundle]:
    qs = Bundle.objects.select_related("lead_department", "track", "stage").prefetch_related(
        Prefetch("items", queryset=BundleItem.objects.select_related("matter")),
        "issuance_rules__certificate_types",
    )
    if active_only:
        qs = qs.filter(is_active=True)
    return qs


def bundle_item_order(bundle_id: int) -> dict[int, tuple[int, int]]:
    """matter id → (order, id) of the bundle's items, once per catalogue fingerprint."""

    def load() -> dict[int, tuple[int, int]]:
        rows = BundleItem.objects.filter(bundle_id=bundle_id).values_list(
            "matter_id", "order", "id"
        )
        return {matter_id: (order, id_) for matter_id, order, id_ in rows}

    return memoised(("bundle_item_order", bundle_id), load)


def bundle_get_by_code(code: str, *, active_only: bool = False) -> Bundle:
    bundle = bundle_list(active_only=active_only).filter(code=code).first()
    if bundle is None:
        raise NotFound(_("There is no bundle with this code."), code="bundle_not_found")
    return bundle


def bundle_material_count(bundle: Bundle, *, on: date) -> dict[str, int]:
    """
    Materials of the bundle's items in force on ``on``: listed per matter (``before``) and
    after merging by the shared material list (``after``). Computed, never stored.
    """
    matter_ids = [item.matter_id for item in bundle.items.all()]
    versions = matter_versions_in_force(on=on, matter_ids=matter_ids)
    before = 0
    merged: set[int] = set()
    for version in versions.values():
        for requirement in version.requirements.all():
            before += 1
            merged.add(requirement.material_id)
    return {"before": before, "after": len(merged)}


def key_project_limit(limit: int, factor: Decimal | None) -> int:
    """
    A promised limit shortened for a key project: ceil(limit × factor), never below 1 day
    unless the limit itself is 0. ``None`` factor: the limit unchanged.

    # rule: 高明 重点项目 审批时限压缩 30% (seeds/004; 48 × 0.7 → 34, rounded up)
    """
    if factor is None:
        return limit
    product = Decimal(limit) * Decimal(str(factor))
    result = math.ceil(product)
    return max(result, 1) if limit > 0 else 0


def revision_list() -> QuerySet[CatalogRevision]:
    return CatalogRevision.objects.order_by("number")


def matter_get_by_code(code: str) -> Matter:
    matter = Matter.objects.filter(code=code).first()
    if matter is None:
        raise NotFound(_("There is no matter with this code."), code="matter_not_found")
    return matter


def bundle_detail(code: str, *, on: date) -> Bundle:
    """
    A bundle as the public guide shows it on ``on``: the bundle with, set on it,
    ``items`` (list of ``{"item", "version"}``, the version in force or None),
    ``materials`` (counts before/after merging) and ``key_project_promised_limit``.
    """
    bundle = bundle_get_by_code(code)
    items = list(bundle.items.all())
    versions = matter_versions_in_force(on=on, matter_ids=[i.matter_id for i in items])
    bundle.items_in_force = [{"item": i, "version": versions.get(i.matter_id)} for i in items]
    bundle.materials = bundle_material_count(bundle, on=on)
    bundle.key_project_promised_limit = (
        key_project_limit(bundle.promised_limit, bundle.key_project_factor)
        if bundle.promised_limit is not None
        else None
    )
    return bundle


# --- the applicability snapshot ---------------------------------------------------------------


def version_snapshot(version: MatterVersion) -> VersionSnap:
    """A version (its requirements and fields prefetched) as plain rows."""
    return VersionSnap(
        matter_id=version.matter_id,
        matter_code=version.matter.code,
        name=version.name,
        version=version.version,
        commitment_allowed=version.commitment_allowed,
        requirements=tuple(
            RequirementSnap(
                material_id=r.material_id,
                material_code=r.material.code,
                material_name=r.material.name,
                necessity=r.necessity,
                condition=r.condition or {},
                deferrable=r.deferrable,
                commitment_replaces=r.commitment_replaces,
                satisfied_by=r.satisfied_by.code if r.satisfied_by is not None else "",
                satisfied_by_name=r.satisfied_by.name if r.satisfied_by is not None else "",
                original_copies=r.original_copies,
                copy_copies=r.copy_copies,
                electronic=r.electronic,
                formats=tuple(r.formats or ()),
                max_size_mb=r.max_size_mb,
                order=r.order,
            )
            for r in version.requirements.all()
        ),
        fields=tuple(
            FieldUseSnap(
                spec=FieldSpecSnap(
                    key=f.field.key,
                    label=f.field.label,
                    field_type=f.field.field_type,
                    choices=tuple(f.field.choices or ()),
                    unit=f.field.unit,
                    max_length=f.field.max_length,
                    minimum=f.field.minimum,
                    maximum=f.field.maximum,
                    pattern=f.field.pattern,
                    help_text_zh=f.field.help_text_zh,
                    project_attribute=f.field.project_attribute,
                ),
                required=f.required,
                condition=f.condition or {},
                order=f.order,
            )
            for f in version.fields.all()
        ),
    )


def _memoised_version_snapshot(version: MatterVersion) -> VersionSnap:
    """``version_snapshot``, once per catalogue fingerprint for a published version (its
    rows never change; the names it copies are in the fingerprint)."""
    if version.status != VersionStatus.PUBLISHED or version.pk is None:
        return version_snapshot(version)
    found = memoised_many(
        "version_snapshot", [version.pk], lambda ids: {version.pk: version_snapshot(version)}
    )
    return found[version.pk]


def bundle_snapshot(bundle: Bundle) -> BundleSnap:
    return BundleSnap(
        code=bundle.code,
        name=bundle.name,
        items=tuple(
            ItemSnap(
                matter_id=i.matter_id,
                mandatory=i.mandatory,
                condition=i.condition or {},
                order=i.order,
            )
            for i in bundle.items.all()
        ),
    )


def question_list() -> list[Question]:
    """Every question in its order, once per catalogue fingerprint (shared: read only)."""
    return memoised(("questions",), lambda: list(Question.objects.order_by("order", "code")))


def question_snapshots(questions: Iterable[Question] | None = None) -> tuple[QuestionSnap, ...]:
    """The questions as plain rows; every question (once per catalogue fingerprint) when
    not given."""
    if questions is None:
        # perf: the questions are read once per catalogue fingerprint (memo)
        return memoised(("question_snapshots",), lambda: question_snapshots(question_list()))
    return tuple(
        QuestionSnap(code=q.code, ask_when=q.ask_when or {}, order=q.order) for q in questions
    )


def catalogue_snapshot(
    *,
    versions: Iterable[MatterVersion],
    bundles: Iterable[Bundle] = (),
    questions: Iterable[Question] | None = None,
) -> CatalogueSnapshot:
    """
    The applicability snapshot of loaded rows (``_version_queryset`` prefetches what it
    reads; ``questions`` None: every question, one query).
    """
    with one_fingerprint():
        return CatalogueSnapshot(
            versions={v.matter_id: _memoised_version_snapshot(v) for v in versions},
            questions=question_snapshots(questions),
            bundles=tuple(bundle_snapshot(b) for b in bundles),
        )


# --- the public guide (办事指南): reads for anonymous visitors ---------------------------------


def guide_region_codes(*, on: date) -> list[str]:
    """The localities of the guide: region codes of active bundles and of matters in force."""
    codes = set(bundle_list().exclude(region_code="").values_list("region_code", flat=True))
    latest = _latest_published_ids(on=on)
    codes |= set(
        MatterVersion.objects.filter(id__in=latest.values(), withdraws_matter=False)
        .values_list("department__region_code", flat=True)
        .distinct()
    )
    return sorted(c for c in codes if c)


def guide_bundle_list(*, region_code: str = "") -> list[Bundle]:
    """Active bundles (一件事 / 主题), of one locality when given, in their order."""
    qs = bundle_list()
    if region_code:
        qs = qs.filter(region_code=region_code)
    return list(qs.order_by("region_code", "order", "name"))


def guide_search(*, on: date, q: str = "", region_code: str = "") -> list[MatterVersion]:
    """Matters in force on ``on`` whose name, code or department matches ``q``, by locality."""
    latest = _latest_published_ids(on=on)
    qs = _version_queryset().filter(id__in=latest.values(), withdraws_matter=False)
    if region_code:
        qs = qs.filter(department__region_code=region_code)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(short_name__icontains=q)
            | Q(matter__code__icontains=q)
            | Q(department__name__icontains=q)
        )
    return list(qs.order_by("department__region_code", "matter__code"))


def matter_version_published(code: str, number: int) -> MatterVersion:
    """One published version of a matter, by its stable address (code and version number)."""
    version = (
        _version_queryset()
        .filter(matter__code=code, version=number, status=VersionStatus.PUBLISHED)
        .first()
    )
    if version is None:
        raise NotFound(
            _("There is no published version with this number."), code="version_not_found"
        )
    return version


def matter_version_history(matter: Matter) -> list[MatterVersion]:
    """Every published version of ``matter``, newest first (the guide's version list)."""
    return list(
        MatterVersion.objects.filter(matter=matter, status=VersionStatus.PUBLISHED)
        .select_related("revision")
        .order_by("-version")
    )


def material_file_kinds(material_ids: Iterable[int] | None = None) -> dict[int, list[str]]:
    """{material id: [kinds of file the guide offers]} (sample, blank), without the bytes;
    ``None``: of every material (one query, a small table)."""
    kinds: dict[int, list[str]] = {}
    files = MaterialFile.objects.all()
    if material_ids is not None:
        files = files.filter(material_id__in=list(material_ids))
    rows = files.order_by("material_id", "-kind").values_list("material_id", "kind")
    for material_id, kind in rows:
        kinds.setdefault(material_id, []).append(kind)
    return kinds


def material_file_get(code: str, kind: str) -> MaterialFile:
    """The sample or blank form of the material ``code`` (``material_file_not_found``)."""
    row = MaterialFile.objects.select_related("material").filter(material__code=code, kind=kind)
    found = row.first()
    if found is None:
        raise NotFound(_("This material has no such file."), code="material_file_not_found")
    return found
