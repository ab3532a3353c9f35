"""
The customised guide (定制式告知 — "一张表"): everything one project needs, told once.

    catalogue rows (bundles, versions in force, questions)  ┐
    project facts + situation answers                       ├─ build_guide() ─→ Guide
    certificate types the enterprise already holds          ┘

``build_guide`` is a pure function over rows already loaded; ``project_guide`` loads them
with a constant number of queries (no per-matter query) and calls it. The figures it
shows are computed here, never typed: the number of materials listed per matter
(``materials_before``) and after merging by the shared material list (``materials_after``;
沂南's five municipal matters: 16 → 10, seeds/000), and how many remain to upload once held
certificates replace some (免提交).

What applies is decided by the one engine, ``catalog.applicability`` (which matters, which
questions, the merged materials with 免提交 / 容缺 / 告知承诺, the counts before and after
merging); the window and the case checks ask the same engine (``cases.applicable``), so
the guide never promises what the window refuses. This module only presents its answer:

- Merged materials are listed in the order of the first matter needing them (by stage).
- Key projects (重点项目绿色通道) shorten promised limits by the bundle's factor, rounded up
  (# rule: 高明 48 × 0.7 → 34; DESIGN.md §5), through ``catalog.selectors.key_project_limit``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from kaigong.catalog import applicability as engine
from kaigong.catalog.constants import DependencyKind, LimitUnit
from kaigong.catalog.memo import memoised, one_fingerprint
from kaigong.catalog.selectors import (
    bundle_list,
    catalogue_snapshot,
    key_project_limit,
    matter_versions_in_force,
    question_list,
    question_snapshots,
    version_snapshot,
)
from kaigong.core.clock import local_date
from kaigong.core.exceptions import InvalidInput

from .constants import ErrorCode
from .hooks import held_certificate_type_codes
from .selectors import project_facts

if TYPE_CHECKING:
    from kaigong.catalog.models import Bundle, MatterVersion, Question

    from .models import Project

HOURS_PER_WORKING_DAY = 8


def limit_in_working_days(limit: int, unit: str) -> int:
    """
    A limit in working days. Natural days are converted 7 → 5 and working hours 8 → 1,
    both rounded up: a plan, never a legal due date (those come from the case).
    """
    if unit == LimitUnit.NATURAL_DAYS:
        return math.ceil(limit * 5 / 7)
    if unit == LimitUnit.WORKING_HOURS:
        return math.ceil(limit / HOURS_PER_WORKING_DAY)
    return limit


@dataclass(frozen=True)
class GuideDependency:
    prerequisite_code: str
    prerequisite_name: str
    kind: str
    kind_label: str
    in_guide: bool  # the prerequisite is one of this guide's matters
    note: str = ""


@dataclass(frozen=True)
class GuideMatter:
    matter_id: int
    code: str
    name: str
    version: int
    department: str
    department_code: str
    stage_code: str
    stage_name: str
    stage_order: int
    bundles: list[str]
    mandatory: bool
    statutory_limit: int
    statutory_unit: str
    promised_limit: int
    promised_unit: str
    statutory_days: int  # in working days, for the timeline
    promised_days: int  # in working days, key-project factor applied
    key_project_factor: str | None
    is_fee: bool
    fees: list[dict[str, Any]]
    result_name: str
    result_certificates: list[str]
    intermediary_services: list[dict[str, Any]]
    commitment_allowed: bool
    pre_approval_allowed: bool
    pre_approval_days: int | None
    consent_letter_allowed: bool
    site_inspection_required: bool
    dependencies: list[GuideDependency]
    material_count: int


@dataclass(frozen=True)
class GuideMaterial:
    material_id: int
    code: str
    name: str
    source_channel: str
    issuing_body: str
    matters: list[str]  # names of the matters that need it
    matter_codes: list[str]
    necessity: str  # required when any matter requires it, else conditional/optional
    deferrable: bool
    commitment_replaces: bool
    covered_by: list[str]  # names of held certificate types that replace it (免提交)
    original_copies: int
    copy_copies: int
    electronic: bool
    formats: list[str]


@dataclass(frozen=True)
class GuideQuestion:
    code: str
    text: str
    help_text: str
    kind: str
    choices: list[dict[str, Any]]
    answer: Any
    answered: bool


@dataclass(frozen=True)
class GuideBundle:
    code: str
    name: str
    kind: str
    lead_department: str
    stage_name: str
    promised_limit: int | None
    key_project_limit: int | None
    key_project_factor: str | None
    matter_codes: list[str]


@dataclass(frozen=True)
class GuideStage:
    code: str
    name: str
    order: int
    matters: list[GuideMatter]


@dataclass(frozen=True)
class Guide:
    on: str
    is_key_project: bool
    bundles: list[GuideBundle]
    stages: list[GuideStage]
    matters: list[GuideMatter]
    not_applicable: list[dict[str, str]]
    materials: list[GuideMaterial]
    materials_before: int
    materials_after: int
    materials_to_upload: int
    materials_deferrable: int
    intermediary_services: list[dict[str, Any]]
    dependencies: list[dict[str, str]]
    questions: list[GuideQuestion]
    unanswered: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def effective_answers(
    questions: Sequence[Question], answers: Mapping[str, Any], facts: Mapping[str, Any]
) -> dict[str, Any]:
    """The answers that count: those whose question is still asked, in question order."""
    return engine.effective_answers(question_snapshots(questions), answers, facts)


def _stage_of(version: MatterVersion, bundle: Bundle) -> tuple[str, str, int]:
    stage = version.stage or bundle.stage
    if stage is None:
        return ("", _("Other matters"), 9999)
    return (stage.code, stage.name, stage.order * 10 + stage.national_stage)


def _factor_text(factor: Decimal | None) -> str | None:
    return None if factor is None else str(factor)


def guide_applicability(
    *,
    bundles: Sequence[Bundle],
    versions: Mapping[int, MatterVersion],
    questions: Sequence[Question],
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
    held_certificate_types: Iterable[str] = (),
    matter_codes: Iterable[str] | None = None,
    snapshot: engine.CatalogueSnapshot | None = None,
) -> engine.Applicability:
    """What applies, as the one engine (``catalog.applicability``) answers it."""
    if snapshot is None:
        snapshot = catalogue_snapshot(
            versions=versions.values(), bundles=bundles, questions=questions
        )
    return engine.applicability(
        snapshot,
        answers=answers,
        facts=facts,
        held_certificate_types=held_certificate_types,
        bundle_codes=[b.code for b in bundles],
        chosen=matter_codes,
    )


def build_guide(
    *,
    bundles: Sequence[Bundle],
    versions: Mapping[int, MatterVersion],
    questions: Sequence[Question],
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
    held_certificate_types: Iterable[str] = (),
    matter_codes: Iterable[str] | None = None,
    on: date,
    snapshot: engine.CatalogueSnapshot | None = None,
) -> Guide:
    """
    Present what applies (``catalog.applicability``) as the guide; the decisions (matters,
    questions, merged materials and their substitutions) are the engine's, never made here.
    """
    result = guide_applicability(
        bundles=bundles,
        versions=versions,
        questions=questions,
        answers=answers,
        facts=facts,
        held_certificate_types=held_certificate_types,
        matter_codes=matter_codes,
        snapshot=snapshot,
    )
    answers = result.answers
    is_key = bool(facts.get("is_key_project"))
    by_code = {b.code: b for b in bundles}
    names = {b.code: b.name for b in bundles}

    # 1. Which matters apply, from which bundles (a matter in several bundles is listed once).
    applying: dict[int, dict[str, Any]] = {}
    for applies in result.matters:
        version = versions[applies.matter_id]
        first = by_code[applies.bundles[0]]
        item_order = next(
            (i.order for i in first.items.all() if i.matter_id == applies.matter_id), 0
        )
        factors = [
            by_code[c].key_project_factor
            for c in applies.bundles
            if is_key and by_code[c].key_project_factor is not None
        ]
        applying[applies.matter_id] = {
            "version": version,
            "bundles": [names[c] for c in applies.bundles],
            "mandatory": applies.mandatory,
            "factor": min(factors) if factors else None,
            "stage": _stage_of(version, first),
            "order": (first.order, item_order),
        }
    not_applicable = [
        {"code": n.matter_code, "name": versions[n.matter_id].name, "bundle": names[n.bundle]}
        for n in result.not_applicable
    ]
    guide_bundles: list[GuideBundle] = []
    for bundle in bundles:
        factor = bundle.key_project_factor if is_key else None
        guide_bundles.append(
            GuideBundle(
                code=bundle.code,
                name=bundle.name,
                kind=bundle.get_kind_display(),
                lead_department=bundle.lead_department.name,
                stage_name=bundle.stage.name if bundle.stage_id else "",
                promised_limit=bundle.promised_limit,
                key_project_limit=(
                    key_project_limit(bundle.promised_limit, factor)
                    if bundle.promised_limit is not None and factor is not None
                    else None
                ),
                key_project_factor=_factor_text(factor),
                matter_codes=[m.matter_code for m in result.matters if bundle.code in m.bundles],
            )
        )
    applying_codes = {m.matter_code for m in result.matters}

    # 2. Matters (their requirements counted by the engine's rule).
    snap = snapshot.versions if snapshot is not None else None
    matters: list[GuideMatter] = []
    services: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, str]] = []
    rows: dict[int, Any] = {}
    matter_order: dict[str, tuple] = {}
    for matter_id, entry in sorted(
        applying.items(), key=lambda kv: (kv[1]["stage"][2], kv[1]["order"], kv[0])
    ):
        version: MatterVersion = entry["version"]
        matter_order[version.matter.code] = (entry["stage"][2], entry["order"], matter_id)
        version_snap = snap[matter_id] if snap is not None else version_snapshot(version)
        count = sum(
            engine.requirement_applies(r, answers, facts) for r in version_snap.requirements
        )
        for requirement in version.requirements.all():
            rows.setdefault(requirement.material_id, requirement.material)
        for service in version.intermediary_services or []:
            if not isinstance(service, Mapping) or not service.get("name"):
                continue
            known = services.setdefault(
                service["name"],
                {
                    "name": service["name"],
                    "basis": service.get("basis", ""),
                    "typical_days": service.get("typical_days"),
                    "matters": [],
                },
            )
            known["matters"].append(version.name)
        dependencies = []
        for dependency in version.dependencies.all():
            prerequisite = dependency.prerequisite
            in_guide = prerequisite.code in applying_codes
            dependencies.append(
                GuideDependency(
                    prerequisite_code=prerequisite.code,
                    prerequisite_name=prerequisite.name,
                    kind=dependency.kind,
                    kind_label=str(DependencyKind(dependency.kind).label),
                    in_guide=in_guide,
                    note=dependency.note,
                )
            )
            edges.append(
                {
                    "from": prerequisite.code,
                    "from_name": prerequisite.name,
                    "to": version.matter.code,
                    "to_name": version.name,
                    "kind": dependency.kind,
                    "kind_label": str(DependencyKind(dependency.kind).label),
                    "in_guide": in_guide,
                }
            )
        factor = entry["factor"]
        promised_days = limit_in_working_days(version.promised_limit, version.promised_limit_unit)
        stage_code, stage_name, stage_order = entry["stage"]
        matters.append(
            GuideMatter(
                matter_id=matter_id,
                code=version.matter.code,
                name=version.name,
                version=version.version,
                department=version.department.name,
                department_code=version.department.code,
                stage_code=stage_code,
                stage_name=stage_name,
                stage_order=stage_order,
                bundles=entry["bundles"],
                mandatory=entry["mandatory"],
                statutory_limit=version.statutory_limit,
                statutory_unit=str(LimitUnit(version.statutory_limit_unit).label),
                promised_limit=version.promised_limit,
                promised_unit=str(LimitUnit(version.promised_limit_unit).label),
                statutory_days=limit_in_working_days(
                    version.statutory_limit, version.statutory_limit_unit
                ),
                promised_days=key_project_limit(promised_days, factor),
                key_project_factor=_factor_text(factor),
                is_fee=version.is_fee,
                fees=list(version.fees or []),
                result_name=version.result_name,
                result_certificates=[c.name for c in version.certificate_types.all()],
                intermediary_services=list(version.intermediary_services or []),
                commitment_allowed=version.commitment_allowed,
                pre_approval_allowed=version.pre_approval_allowed,
                pre_approval_days=version.pre_approval_days,
                consent_letter_allowed=version.consent_letter_allowed,
                site_inspection_required=version.site_inspection_required,
                dependencies=dependencies,
                material_count=count,
            )
        )
    matter_names = {m.code: m.name for m in matters}

    # 3. The merged materials, as the engine merged them, in the guide's matter order.
    def _material_key(m: engine.MergedMaterial) -> tuple:
        return (min(matter_order[c] for c in m.matters), m.code)

    merged_materials = [
        GuideMaterial(
            material_id=m.material_id,
            code=m.code,
            name=m.name,
            source_channel=str(rows[m.material_id].get_source_channel_display()),
            issuing_body=rows[m.material_id].issuing_body,
            matters=[matter_names[c] for c in m.matters],
            matter_codes=list(m.matters),
            necessity=m.necessity,
            deferrable=m.deferrable,
            commitment_replaces=m.commitment_replaces,
            covered_by=sorted(m.satisfied_by_names[c] for c in m.exempt_by),
            original_copies=m.original_copies,
            copy_copies=m.copy_copies,
            electronic=m.electronic,
            formats=list(m.formats or ()),
        )
        for m in sorted(result.materials, key=_material_key)
    ]

    stages: dict[str, GuideStage] = {}
    for matter in matters:
        stage = stages.setdefault(
            matter.stage_code,
            GuideStage(
                code=matter.stage_code, name=matter.stage_name, order=matter.stage_order, matters=[]
            ),
        )
        stage.matters.append(matter)

    by_question = {q.code: q for q in questions}
    guide_questions = [
        GuideQuestion(
            code=q.code,
            text=q.text,
            help_text=q.help_text_zh,
            kind=q.kind,
            choices=list(q.choices or []),
            answer=answers.get(q.code),
            answered=q.code in answers,
        )
        for q in (by_question[c] for c in result.questions)
    ]
    return Guide(
        on=on.isoformat(),
        is_key_project=is_key,
        bundles=guide_bundles,
        stages=sorted(stages.values(), key=lambda s: (s.order, s.code)),
        matters=matters,
        not_applicable=not_applicable,
        materials=merged_materials,
        materials_before=result.materials_before,
        materials_after=result.materials_after,
        materials_to_upload=sum(1 for m in result.materials if not m.exempt),
        materials_deferrable=sum(1 for m in result.materials if m.deferrable),
        intermediary_services=list(services.values()),
        dependencies=edges,
        questions=guide_questions,
        unanswered=[q.code for q in guide_questions if not q.answered],
    )


def _region_prefix(region_code: str) -> str:
    """'370700' → '3707', '370000' → '37': the part of a GB/T 2260 code that names it."""
    code = region_code[:6]
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


def bundle_applies_by_default(bundle: Bundle, project: Project) -> bool:
    """A bundle of the project's region (or national), and of its track (or of any track)."""
    if bundle.region_code and not project.region_code.startswith(
        _region_prefix(bundle.region_code)
    ):
        return False
    if bundle.track_id is not None and bundle.track_id != project.track_id:
        return False
    return True


# perf: the catalogue changes rarely and is the same for every project, so its rows are
# loaded once per process and reused while its fingerprint (one query per request) is
# unchanged: the one memo of the catalogue (``catalog.memo``), shared with the cases' reads.
def _catalogue_rows(
    on: date,
) -> tuple[list[Bundle], dict[int, MatterVersion], list[Question], engine.CatalogueSnapshot]:
    with one_fingerprint():
        bundles = memoised(("guide_bundles",), lambda: list(bundle_list(active_only=True)))

        def versions():
            ids = {item.matter_id for bundle in bundles for item in bundle.items.all()}
            return matter_versions_in_force(on=on, matter_ids=ids) if ids else {}

        in_force = memoised(("guide_versions", on), versions)
        questions = question_list()
        snapshot = memoised(
            ("guide_snapshot", on),
            lambda: catalogue_snapshot(
                versions=in_force.values(), bundles=bundles, questions=questions
            ),
        )
        return bundles, in_force, questions, snapshot


def guide_bundles_for(
    project: Project, bundle_codes: Sequence[str] | None, *, active: Sequence[Bundle] | None = None
) -> list[Bundle]:
    """
    The bundles chosen by code, or by default those of the project's region and track.

    Errors: ``unknown_bundle`` (400) naming the codes that are not active bundles.
    """
    active = list(bundle_list(active_only=True)) if active is None else list(active)
    if bundle_codes:
        by_code = {b.code: b for b in active}
        unknown = [c for c in bundle_codes if c not in by_code]
        if unknown:
            raise InvalidInput(
                _("Unknown bundle: %(codes)s.") % {"codes": ", ".join(unknown)},
                code=ErrorCode.UNKNOWN_BUNDLE,
                invalid_params=[
                    {"name": "bundle", "code": ErrorCode.UNKNOWN_BUNDLE, "reason": code}
                    for code in unknown
                ],
            )
        return [by_code[c] for c in dict.fromkeys(bundle_codes)]
    return [b for b in active if bundle_applies_by_default(b, project)]


def project_guide(
    project: Project,
    *,
    bundle_codes: Sequence[str] | None = None,
    matter_codes: Iterable[str] | None = None,
    on: date | None = None,
    held_certificate_types: Iterable[str] | None = None,
) -> Guide:
    """Load the catalogue rows for ``project`` (constant query count) and build its guide.
    ``held_certificate_types``: the codes its enterprise holds, when the caller read them
    (None: read them)."""
    on = on or local_date()
    active, versions, questions, snapshot = _catalogue_rows(on)
    bundles = guide_bundles_for(project, bundle_codes, active=active)
    return build_guide(
        snapshot=snapshot,
        bundles=bundles,
        versions=versions,
        questions=questions,
        answers=project.answers or {},
        facts=project_facts(project),
        held_certificate_types=(
            held_certificate_type_codes(project.enterprise)
            if held_certificate_types is None
            else held_certificate_types
        ),
        matter_codes=matter_codes,
        on=on,
    )
