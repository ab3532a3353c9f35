"""
The one applicability engine: what applies to a project, given its situation.

    CatalogueSnapshot (plain rows of the published versions, bundles, questions) ┐
    situation answers + project facts + certificate types held                  ├─ applicability()
    the bundles (guide) or the matters of a case (window)                       ┘      → Applicability

The guide (``projects.guide``), the merged form and material list of a case
(``cases.requirements`` / ``cases.applicable``), drafting, submission, acceptance and the
materials services all answer through the functions of this module, so the guide can never
promise what the window refuses. The functions are pure: no database access, no clock;
``catalog.selectors.catalogue_snapshot`` builds the snapshot from loaded rows.

Rules (each one in one place):

- An answer counts only while its question is still asked (``ask_when``), in question order.
- A bundle item applies when its condition holds for the answers and facts (情形引导).
- A material requirement applies when it is required or optional, or conditional and its
  condition holds. A conditional requirement that applies is required.
- Materials are merged by the master material list (one entry per material, whatever the
  number of matters needing it); ``materials_before`` counts the requirements that apply,
  ``materials_after`` the merged entries (沂南's five municipal matters: 16 → 10).
- A merged material is required when any applicable requirement is.
- 容缺 (deferrable): only a required material, and only when every matter that requires it
  marks it deferrable (# rule: 容缺 only for secondary materials the matter marks
  deferrable; docs/legal.md#rongque).
- 告知承诺 (replaced by a commitment): only a required material, and only when every matter
  that requires it marks it replaceable *and* that matter's version allows 告知承诺
  (# rule: 告知承诺 only where the matter allows it; docs/legal.md#gaocheng-commitment, DESIGN.md §4 rule 5).
- 免提交 (exempt): a held certificate of a type that satisfies the material for any matter
  needing it replaces the upload.
- The strictest size limit, the common formats (none listed: any), the most originals and
  copies, and electronic only when every matter accepts it.
- Fields are merged by field-dictionary key: required when any applicable use requires it;
  the specs of every use are kept (the schema builder applies the strictest constraint).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kaigong.catalog.conditions import condition_question_codes, evaluate_condition
from kaigong.catalog.constants import Necessity

# --- the snapshot: plain rows, built by catalog.selectors.catalogue_snapshot -----------------


@dataclass(frozen=True)
class QuestionSnap:
    code: str
    ask_when: Mapping[str, Any] = field(default_factory=dict)
    order: int = 0


@dataclass(frozen=True)
class FieldSpecSnap:
    """A field-dictionary entry; its attribute names are those of ``FieldSpec``."""

    key: str
    label: str = ""
    field_type: str = "string"
    choices: tuple[Mapping[str, Any], ...] = ()
    unit: str = ""
    max_length: int | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    pattern: str = ""
    help_text_zh: str = ""
    project_attribute: str = ""


@dataclass(frozen=True)
class FieldUseSnap:
    spec: FieldSpecSnap
    required: bool = True
    condition: Mapping[str, Any] = field(default_factory=dict)
    order: int = 0


@dataclass(frozen=True)
class RequirementSnap:
    material_id: int
    material_code: str
    material_name: str = ""
    necessity: str = Necessity.REQUIRED
    condition: Mapping[str, Any] = field(default_factory=dict)
    deferrable: bool = False
    commitment_replaces: bool = False
    satisfied_by: str = ""  # certificate type code, "" for none
    satisfied_by_name: str = ""
    original_copies: int = 0
    copy_copies: int = 0
    electronic: bool = True
    formats: tuple[str, ...] = ()
    max_size_mb: int = 20
    order: int = 0


@dataclass(frozen=True)
class VersionSnap:
    matter_id: int
    matter_code: str
    name: str = ""
    version: int = 1
    commitment_allowed: bool = False
    requirements: tuple[RequirementSnap, ...] = ()
    fields: tuple[FieldUseSnap, ...] = ()


@dataclass(frozen=True)
class ItemSnap:
    matter_id: int
    mandatory: bool = True
    condition: Mapping[str, Any] = field(default_factory=dict)
    order: int = 0


@dataclass(frozen=True)
class BundleSnap:
    code: str
    name: str = ""
    items: tuple[ItemSnap, ...] = ()


@dataclass(frozen=True)
class CatalogueSnapshot:
    """The versions in force (by matter id), the bundles and the questions, as plain rows."""

    versions: Mapping[int, VersionSnap]
    questions: tuple[QuestionSnap, ...] = ()
    bundles: tuple[BundleSnap, ...] = ()


# --- the answers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MatterApplies:
    matter_id: int
    matter_code: str
    bundles: tuple[str, ...]  # codes of the bundles it applies through
    mandatory: bool


@dataclass(frozen=True)
class NotApplicable:
    matter_id: int
    matter_code: str
    bundle: str


@dataclass(frozen=True)
class MergedMaterial:
    """One material of the merged list (``cases.requirements.MaterialNeed`` is this)."""

    material_id: int
    code: str
    name: str
    matters: tuple[str, ...]  # codes of the matters that need it, in order
    necessity: str  # required when any matter requires it, else conditional/optional
    required: bool
    deferrable: bool  # 容缺
    commitment_replaces: bool  # 告知承诺
    satisfied_by: frozenset[str]  # certificate types that replace it (免提交 when held)
    exempt_by: tuple[str, ...]  # the held ones among them: 免提交
    original_copies: int
    copy_copies: int
    electronic: bool
    formats: tuple[str, ...] | None  # None: any format
    max_size_mb: int
    satisfied_by_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def exempt(self) -> bool:
        return bool(self.exempt_by)

    def substitutions(self) -> dict[str, Any]:
        """What may stand in for the upload: compared between guide and window."""
        return {
            "required": self.required,
            "deferrable": self.deferrable,
            "commitment_replaces": self.commitment_replaces,
            "exempt_by": sorted(self.exempt_by),
            "satisfied_by": sorted(self.satisfied_by),
        }


@dataclass(frozen=True)
class MergedField:
    key: str
    required: bool
    matters: tuple[str, ...]
    specs: tuple[FieldSpecSnap, ...]  # one per use, in order


@dataclass(frozen=True)
class Applicability:
    answers: Mapping[str, Any]  # the answers that count
    matters: tuple[MatterApplies, ...]
    not_applicable: tuple[NotApplicable, ...]
    questions: tuple[str, ...]  # codes of the questions to ask, in question order
    materials: tuple[MergedMaterial, ...]
    materials_before: int
    fields: tuple[MergedField, ...]

    @property
    def materials_after(self) -> int:
        return len(self.materials)

    def material(self, code: str) -> MergedMaterial | None:
        return next((m for m in self.materials if m.code == code), None)


# --- the engine ------------------------------------------------------------------------------


def _holds(condition: Mapping[str, Any] | None, answers: Mapping, facts: Mapping) -> bool:
    return not condition or evaluate_condition(condition, answers=answers, facts=facts)


def effective_answers(
    questions: Sequence[QuestionSnap], answers: Mapping[str, Any], facts: Mapping[str, Any]
) -> dict[str, Any]:
    """The answers that count: those whose question is still asked, in question order."""
    kept: dict[str, Any] = {}
    for question in questions:
        if question.code in answers and _holds(question.ask_when, kept, facts):
            kept[question.code] = answers[question.code]
    return kept


def requirement_applies(req: RequirementSnap, answers: Mapping, facts: Mapping) -> bool:
    return req.necessity != Necessity.CONDITIONAL or _holds(req.condition, answers, facts)


def item_applies(item: ItemSnap, answers: Mapping, facts: Mapping) -> bool:
    return _holds(item.condition, answers, facts)


def applying_matters(
    bundles: Sequence[BundleSnap],
    versions: Mapping[int, VersionSnap],
    *,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
    chosen: Iterable[str] | None = None,
) -> tuple[list[MatterApplies], list[NotApplicable]]:
    """
    The matters of ``bundles`` that apply (listed once, in bundle order) and those whose
    situation does not. ``answers`` must already be effective. ``chosen``: matter codes to
    keep (others left out entirely). A matter not in force (not in ``versions``) is skipped.
    """
    keep = set(chosen) if chosen is not None else None
    applying: dict[int, dict[str, Any]] = {}
    not_applicable: list[NotApplicable] = []
    for bundle in bundles:
        for item in sorted(bundle.items, key=lambda i: i.order):
            version = versions.get(item.matter_id)
            if version is None or (keep is not None and version.matter_code not in keep):
                continue
            if not item_applies(item, answers, facts):
                not_applicable.append(
                    NotApplicable(item.matter_id, version.matter_code, bundle.code)
                )
                continue
            entry = applying.setdefault(
                item.matter_id, {"code": version.matter_code, "bundles": [], "mandatory": False}
            )
            entry["bundles"].append(bundle.code)
            entry["mandatory"] = entry["mandatory"] or item.mandatory
    return (
        [
            MatterApplies(matter_id, e["code"], tuple(e["bundles"]), e["mandatory"])
            for matter_id, e in applying.items()
        ],
        not_applicable,
    )


def merge_materials(
    versions: Sequence[VersionSnap],
    *,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
    held_certificate_types: Iterable[str] = (),
) -> tuple[list[MergedMaterial], int]:
    """The merged material list of ``versions`` (in their order) and the count before."""
    held = {str(c) for c in held_certificate_types}
    merged: dict[int, dict[str, Any]] = {}
    before = 0
    for version in versions:
        for req in sorted(version.requirements, key=lambda r: r.order):
            if not requirement_applies(req, answers, facts):
                continue
            before += 1
            required = req.necessity != Necessity.OPTIONAL
            entry = merged.setdefault(
                req.material_id,
                {
                    "req": req,
                    "matters": [],
                    "necessities": set(),
                    "required": [],  # (deferrable, replaceable) per requiring matter
                    "satisfied_by": {},
                    "original": 0,
                    "copies": 0,
                    "electronic": True,
                    "formats": None,
                    "max_size": req.max_size_mb,
                },
            )
            entry["matters"].append(version.matter_code)
            entry["necessities"].add(req.necessity)
            if required:
                entry["required"].append(
                    (req.deferrable, req.commitment_replaces and version.commitment_allowed)
                )
            if req.satisfied_by:
                entry["satisfied_by"][req.satisfied_by] = req.satisfied_by_name or req.satisfied_by
            entry["original"] = max(entry["original"], req.original_copies)
            entry["copies"] = max(entry["copies"], req.copy_copies)
            entry["electronic"] = entry["electronic"] and req.electronic
            entry["max_size"] = min(entry["max_size"], req.max_size_mb)
            if req.formats:
                formats = [f.lower() for f in req.formats]
                entry["formats"] = (
                    formats
                    if entry["formats"] is None
                    else [f for f in entry["formats"] if f in formats]
                )
    materials = []
    for entry in merged.values():
        req: RequirementSnap = entry["req"]
        requiring = entry["required"]
        necessities = entry["necessities"]
        materials.append(
            MergedMaterial(
                material_id=req.material_id,
                code=req.material_code,
                name=req.material_name,
                matters=tuple(entry["matters"]),
                necessity=(
                    Necessity.REQUIRED
                    if Necessity.REQUIRED in necessities
                    else Necessity.CONDITIONAL
                    if Necessity.CONDITIONAL in necessities
                    else Necessity.OPTIONAL
                ),
                required=bool(requiring),
                deferrable=bool(requiring) and all(d for d, _r in requiring),
                commitment_replaces=bool(requiring) and all(r for _d, r in requiring),
                satisfied_by=frozenset(entry["satisfied_by"]),
                exempt_by=tuple(sorted(c for c in entry["satisfied_by"] if c in held)),
                original_copies=entry["original"],
                copy_copies=entry["copies"],
                electronic=entry["electronic"],
                formats=tuple(entry["formats"]) if entry["formats"] is not None else None,
                max_size_mb=entry["max_size"],
                satisfied_by_names=dict(entry["satisfied_by"]),
            )
        )
    return materials, before


def merge_fields(
    versions: Sequence[VersionSnap], *, answers: Mapping[str, Any], facts: Mapping[str, Any]
) -> list[MergedField]:
    """The merged form fields of ``versions`` by field-dictionary key, in first-use order."""
    merged: dict[str, dict[str, Any]] = {}
    for version in versions:
        for use in sorted(version.fields, key=lambda u: u.order):
            if not _holds(use.condition, answers, facts):
                continue
            entry = merged.setdefault(use.spec.key, {"required": False, "matters": [], "specs": []})
            entry["required"] = entry["required"] or use.required
            entry["matters"].append(version.matter_code)
            entry["specs"].append(use.spec)
    return [
        MergedField(key, e["required"], tuple(e["matters"]), tuple(e["specs"]))
        for key, e in merged.items()
    ]


def questions_to_ask(
    questions: Sequence[QuestionSnap],
    versions: Sequence[VersionSnap],
    bundles: Sequence[BundleSnap],
    *,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
) -> list[str]:
    """
    The questions the conditions of ``bundles`` and ``versions`` refer to, those already
    answered, and their follow-ups, that are asked for these answers; in question order.
    """
    relevant: set[str] = set(answers)
    for bundle in bundles:
        for item in bundle.items:
            relevant |= condition_question_codes(item.condition)
    for version in versions:
        for req in version.requirements:
            relevant |= condition_question_codes(req.condition)
        for use in version.fields:
            relevant |= condition_question_codes(use.condition)
    grew = True
    while grew:
        grew = False
        for q in questions:
            if q.code not in relevant and condition_question_codes(q.ask_when) & relevant:
                relevant.add(q.code)
                grew = True
    return [q.code for q in questions if q.code in relevant and _holds(q.ask_when, answers, facts)]


def applicability(
    snapshot: CatalogueSnapshot,
    *,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
    held_certificate_types: Iterable[str] = (),
    bundle_codes: Sequence[str] | None = None,
    matter_ids: Sequence[int] | None = None,
    chosen: Iterable[str] | None = None,
) -> Applicability:
    """
    What applies for this situation.

    With ``matter_ids`` (a case: its matters, in order) those matters apply as they are;
    otherwise the matters of the snapshot's bundles (``bundle_codes``: only those) whose
    situation holds, ``chosen`` restricting them to some matter codes (the guide).
    """
    answers = effective_answers(snapshot.questions, answers, facts)
    if bundle_codes is None:
        bundles = list(snapshot.bundles)
    else:
        by_code = {b.code: b for b in snapshot.bundles}
        bundles = [by_code[c] for c in dict.fromkeys(bundle_codes) if c in by_code]
    if matter_ids is not None:
        versions = [snapshot.versions[m] for m in matter_ids if m in snapshot.versions]
        matters = [MatterApplies(v.matter_id, v.matter_code, (), True) for v in versions]
        not_applicable: list[NotApplicable] = []
    else:
        matters, not_applicable = applying_matters(
            bundles, snapshot.versions, answers=answers, facts=facts, chosen=chosen
        )
        versions = [snapshot.versions[m.matter_id] for m in matters]
    materials, before = merge_materials(
        versions, answers=answers, facts=facts, held_certificate_types=held_certificate_types
    )
    return Applicability(
        answers=answers,
        matters=tuple(matters),
        not_applicable=tuple(not_applicable),
        questions=tuple(
            questions_to_ask(
                snapshot.questions,
                [snapshot.versions[m.matter_id] for m in matters],
                bundles,
                answers=answers,
                facts=facts,
            )
        ),
        materials=tuple(materials),
        materials_before=before,
        fields=tuple(merge_fields(versions, answers=answers, facts=facts)),
    )
