"""
Publishing a catalogue revision: check everything, then make its drafts published.

Checks (every problem is reported at once):
- conditions of requirements and fields are valid (unknown questions/operators refused);
- promised limit ≤ statutory limit;
- every prerequisite is in force once the revision applies, and a withdrawn matter is no
  longer anybody's prerequisite;
- a matter's new version is not dated before one of its published versions;
- no row contradicts itself or its version (``rules.version_contradictions``, one error
  per row with a stable code, e.g. a material replaced by 告知承诺 in a version that does
  not allow 告知承诺; docs/catalog.md lists them);
- the dependency graph of the versions in force on the revision's date (and on every
  later date a published version starts) has no cycle: ``dependency_cycle`` names it.

Publishing sets ``status``/``effective_from`` on the revision's drafts only; a version
published earlier is never written.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaigong.catalog.conditions import validate_condition
from kaigong.catalog.constants import Necessity, RevisionStatus, VersionStatus
from kaigong.catalog.graph import find_cycle
from kaigong.catalog.memo import writes_catalogue
from kaigong.catalog.models import (
    CatalogRevision,
    Matter,
    MatterDependency,
    MatterVersion,
    Question,
)
from kaigong.catalog.rules import limit_errors, version_contradictions
from kaigong.core.audit import row_diff, row_snapshot
from kaigong.core.exceptions import Conflict, InvalidInput
from kaigong.core.services import audit_record

from ._common import clean, ensure_revision_draft, param


def _in_force(on: date, drafts: dict[int, MatterVersion], effective_on: date) -> dict[int, int]:
    """matter id → version id in force on ``on`` once the drafts apply (withdrawals left out)."""
    best: dict[int, tuple[date, int, int, bool]] = {}
    rows = MatterVersion.objects.filter(
        status=VersionStatus.PUBLISHED, effective_from__lte=on
    ).values_list("matter_id", "effective_from", "version", "id", "withdraws_matter")
    candidates = list(rows)
    if effective_on <= on:
        candidates += [
            (v.matter_id, effective_on, v.version, v.id, v.withdraws_matter)
            for v in drafts.values()
        ]
    for matter_id, starts, number, version_id, withdraws in candidates:
        key = (starts, number, version_id, withdraws)
        if matter_id not in best or key[:2] > best[matter_id][:2]:
            best[matter_id] = key
    return {m: key[2] for m, key in best.items() if not key[3]}


def prerequisites_in_force(on: date | None) -> dict[int, MatterVersion]:
    """matter id → its published version in force on ``on`` (None: the latest of each)."""
    if on is None:
        on = date.max
    ids = _in_force(on, {}, on)
    return {v.matter_id: v for v in MatterVersion.objects.filter(id__in=ids.values())}


def _cycle_message(cycle: list[str]) -> str:
    names = dict(Matter.objects.filter(code__in=cycle).values_list("code", "name"))
    return " → ".join(f"{names[code]} ({code})" for code in cycle)


def revision_problems(revision: CatalogRevision) -> tuple[list[dict], list[str] | None]:
    """Every problem of a draft revision, and the first dependency cycle (matter codes)."""
    drafts = {
        v.matter_id: v
        for v in revision.matter_versions.select_related("matter").prefetch_related(
            "requirements__material",
            "fields__field",
            "dependencies__prerequisite",
            "certificate_types",
        )
    }
    codes = set(Question.objects.values_list("code", flat=True))
    errors: list[dict] = []
    effective_on = revision.effective_on
    in_force = _in_force(effective_on, drafts, effective_on)
    prerequisites = {v.matter_id: v for v in MatterVersion.objects.filter(id__in=in_force.values())}
    for version in sorted(drafts.values(), key=lambda v: v.matter.code):
        prefix = f"{version.matter.code}."
        errors += limit_errors(
            statutory=version.statutory_limit,
            statutory_unit=version.statutory_limit_unit,
            promised=version.promised_limit,
            promised_unit=version.promised_limit_unit,
            prefix=prefix,
        )
        errors += version_contradictions(version, prerequisites=prerequisites)
        for req in version.requirements.all():
            name = f"{prefix}requirements.{req.material.code}.condition"
            errors += [
                param(name, "invalid_condition", e)
                for e in validate_condition(req.condition, question_codes=codes)
            ]
            if req.necessity == Necessity.CONDITIONAL and not req.condition:
                errors.append(param(name, "condition_missing", _("A conditional need needs one.")))
        for field in version.fields.all():
            errors += [
                param(f"{prefix}fields.{field.field.key}.condition", "invalid_condition", e)
                for e in validate_condition(field.condition, question_codes=codes)
            ]
        for dep in version.dependencies.all():
            if dep.prerequisite_id not in in_force and not version.withdraws_matter:
                errors.append(
                    param(
                        f"{prefix}dependencies.{dep.prerequisite.code}",
                        "prerequisite_not_in_force",
                        _("The prerequisite %(code)s is not in force on %(date)s.")
                        % {"code": dep.prerequisite.code, "date": effective_on.isoformat()},
                    )
                )
        later = (
            version.matter.versions.filter(
                status=VersionStatus.PUBLISHED, effective_from__gt=effective_on
            )
            .order_by("effective_from")
            .first()
        )
        if later is not None:
            errors.append(
                param(
                    f"{prefix}effective_from",
                    "revision_out_of_order",
                    _("Version %(v)s is already published from %(date)s, after this revision.")
                    % {"v": later.version, "date": later.effective_from.isoformat()},
                )
            )
    withdrawn = {m for m, v in drafts.items() if v.withdraws_matter}
    if withdrawn:
        for dep in MatterDependency.objects.filter(
            matter_version_id__in=in_force.values(), prerequisite_id__in=withdrawn
        ).select_related("matter_version__matter", "prerequisite"):
            errors.append(
                param(
                    f"{dep.prerequisite.code}.withdraws_matter",
                    "matter_still_required",
                    _("%(p)s is withdrawn but %(d)s still needs it.")
                    % {"p": dep.prerequisite.code, "d": dep.matter_version.matter.code},
                )
            )
    return errors, _find_cycle(drafts, effective_on)


def _find_cycle(drafts: dict[int, MatterVersion], effective_on: date) -> list[str] | None:
    """Check the graph on the revision's date and on each later date a version starts."""
    later = MatterVersion.objects.filter(
        status=VersionStatus.PUBLISHED, effective_from__gt=effective_on
    ).values_list("effective_from", flat=True)
    for on in sorted({effective_on, *later}):
        version_ids = _in_force(on, drafts, effective_on)
        graph: dict[str, list[str]] = defaultdict(list)
        for dependent, prerequisite in MatterDependency.objects.filter(
            matter_version_id__in=version_ids.values()
        ).values_list("matter_version__matter__code", "prerequisite__code"):
            graph[dependent].append(prerequisite)
        cycle = find_cycle(graph)
        if cycle:
            return cycle
    return None


@transaction.atomic
@writes_catalogue
def revision_publish(*, revision: CatalogRevision, actor) -> CatalogRevision:
    """
    Publish every draft version of ``revision`` from its ``effective_on``.

    Errors: ``revision_published`` (409), ``revision_empty`` (400), the check codes above
    (400, all listed), ``dependency_cycle`` (409, naming the cycle).
    """
    revision = CatalogRevision.objects.select_for_update().get(pk=revision.pk)
    ensure_revision_draft(revision)
    drafts = list(revision.matter_versions.select_related("matter").order_by("matter__code"))
    if not drafts:
        raise InvalidInput(_("This revision has no matter versions."), code="revision_empty")
    errors, cycle = revision_problems(revision)
    if errors:
        raise InvalidInput(errors[0]["reason"], code=errors[0]["code"], invalid_params=errors)
    if cycle:
        raise Conflict(
            _("The dependencies form a cycle: %s") % _cycle_message(cycle),
            code="dependency_cycle",
            extra={"cycle": cycle},
        )
    fields = ["status", "effective_from", "published_at", "published_by"]
    before = {"revision": row_snapshot(revision, fields)}
    before.update({f"{v.matter.code}@{v.version}": row_snapshot(v, fields) for v in drafts})
    for version in drafts:
        version.status = VersionStatus.PUBLISHED
        version.effective_from = revision.effective_on
        clean(version)
        version.save(update_fields=["status", "effective_from", "updated_at"])
        if not version.withdraws_matter and version.matter.name != version.name:
            version.matter.name = version.name
            version.matter.save(update_fields=["name", "updated_at"])
    revision.status = RevisionStatus.PUBLISHED
    revision.published_at = timezone.now()
    revision.published_by = actor if getattr(actor, "pk", None) else None
    clean(revision)
    revision.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    after = {"revision": row_snapshot(revision, fields)}
    after.update({f"{v.matter.code}@{v.version}": row_snapshot(v, fields) for v in drafts})
    audit_record(
        actor=actor,
        action="catalog_revision_published",
        obj=revision,
        summary=str(revision),
        data={
            "number": revision.number,
            "effective_on": revision.effective_on.isoformat(),
            "versions": [f"{v.matter.code}@{v.version}" for v in drafts],
            **row_diff(before, after),
        },
    )
    return revision
