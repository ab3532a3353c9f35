"""Pure checks of catalogue data shared by the services and the catalogue file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from kaigong.catalog.constants import LimitUnit


def param(name: str, code: str, reason: Any) -> dict[str, str]:
    return {"name": name, "code": code, "reason": str(reason)}


def limit_errors(
    *, statutory: int, statutory_unit: str, promised: int, promised_unit: str, prefix: str = ""
) -> list[dict[str, str]]:
    """
    The promised limit may not exceed the statutory one.

    # rule: 承诺时限 ≤ 法定时限 (国务院令716 第6条; docs/legal.md#gwyl-716).
    Same unit: compare the numbers. Working days against natural days: n working days
    last at least n natural days, so promised > statutory is certainly too long.
    """
    exceeds = False
    if promised_unit == statutory_unit:
        exceeds = promised > statutory
    elif promised_unit == LimitUnit.WORKING_DAYS and statutory_unit == LimitUnit.NATURAL_DAYS:
        exceeds = promised > statutory
    if not exceeds:
        return []
    return [
        param(
            f"{prefix}promised_limit",
            "promised_exceeds_statutory",
            _("The promised limit (%(promised)s) exceeds the statutory limit (%(statutory)s).")
            % {"promised": promised, "statutory": statutory},
        )
    ]


def choices_errors(choices: Any, *, name: str = "choices") -> list[dict[str, str]]:
    """Choices are ``[{"value": …, "label": …}]`` with distinct values."""
    if not isinstance(choices, list | tuple):
        return [param(name, "invalid_choices", _("Choices are a list."))]
    errors = []
    seen = set()
    for index, choice in enumerate(choices):
        if (
            not isinstance(choice, dict)
            or set(choice) != {"value", "label"}
            or not isinstance(choice["label"], str)
            or not isinstance(choice["value"], str | int | bool)
        ):
            errors.append(
                param(
                    f"{name}[{index}]",
                    "invalid_choices",
                    _('Each choice is {"value": …, "label": …}.'),
                )
            )
            continue
        if choice["value"] in seen:
            errors.append(
                param(f"{name}[{index}]", "invalid_choices", _("Choice values must differ."))
            )
        seen.add(choice["value"])
    return errors


# --- self-contradicting catalogue rows (refused at publication) ------------------------------


class Contradiction:
    """Stable codes of the rows a revision may not publish (docs/catalog.md)."""

    COMMITMENT_NOT_ALLOWED = "commitment_replaces_without_commitment"
    COMMITMENT_ON_OPTIONAL = "commitment_replaces_optional_material"
    DEFERRABLE_OPTIONAL = "deferrable_optional_material"
    CONDITION_IGNORED = "condition_on_unconditional_need"
    PRE_APPROVAL_DAYS = "pre_approval_days_without_pre_approval"
    SEPARATION_NOT_INSTANT = "separation_relaxed_not_instant"
    PREREQUISITE_NO_PRE_APPROVAL = "prerequisite_has_no_pre_approval"
    PREREQUISITE_NO_CONSENT = "prerequisite_has_no_consent_letter"


def version_contradictions(
    version: Any, *, prerequisites: Mapping[int, Any] | None = None
) -> list[dict[str, str]]:
    """
    Rows of one matter version (its requirements, fields, dependencies and certificate
    types loaded) that contradict each other or the version; one error per row, named by
    its path (``<matter>.requirements.<material>.<field>``). ``prerequisites``: matter id →
    the version of the prerequisite in force when this one applies.
    """
    from kaigong.catalog.constants import CaseKind, DependencyKind, Necessity

    prerequisites = prerequisites or {}
    prefix = f"{version.matter.code}."
    errors: list[dict[str, str]] = []
    for req in version.requirements.all():
        name = f"{prefix}requirements.{req.material.code}"
        material = req.material.name
        if req.commitment_replaces and not version.commitment_allowed:
            # rule: 告知承诺 only where the matter allows it (docs/legal.md#gaocheng-commitment; DESIGN.md §4 rule 5)
            errors.append(
                param(
                    f"{name}.commitment_replaces",
                    Contradiction.COMMITMENT_NOT_ALLOWED,
                    _(
                        "“%(material)s” is marked replaceable by a commitment, but the "
                        "matter does not allow notification and commitment."
                    )
                    % {"material": material},
                )
            )
        if req.necessity == Necessity.OPTIONAL and req.commitment_replaces:
            errors.append(
                param(
                    f"{name}.commitment_replaces",
                    Contradiction.COMMITMENT_ON_OPTIONAL,
                    _("“%(material)s” is optional: there is nothing for a commitment to replace.")
                    % {"material": material},
                )
            )
        if req.necessity == Necessity.OPTIONAL and req.deferrable:
            # rule: 容缺 defers a required secondary material (docs/legal.md#rongque)
            errors.append(
                param(
                    f"{name}.deferrable",
                    Contradiction.DEFERRABLE_OPTIONAL,
                    _("“%(material)s” is optional: there is nothing to defer (容缺).")
                    % {"material": material},
                )
            )
        if req.necessity != Necessity.CONDITIONAL and req.condition:
            errors.append(
                param(
                    f"{name}.condition",
                    Contradiction.CONDITION_IGNORED,
                    _(
                        "“%(material)s” has a condition but is not conditional: the "
                        "condition would be ignored."
                    )
                    % {"material": material},
                )
            )
    if version.pre_approval_days is not None and not version.pre_approval_allowed:
        errors.append(
            param(
                f"{prefix}pre_approval_days",
                Contradiction.PRE_APPROVAL_DAYS,
                _("Pre-approval days are given, but the matter allows no pre-approval."),
            )
        )
    if version.separation_relaxed and version.case_kind != CaseKind.INSTANT:
        # rule: one person may accept and decide only for 即办件 (DESIGN.md §4 rule 6)
        errors.append(
            param(
                f"{prefix}separation_relaxed",
                Contradiction.SEPARATION_NOT_INSTANT,
                _("Only an instant matter may let one person accept and decide."),
            )
        )
    for dep in version.dependencies.all():
        prerequisite = prerequisites.get(dep.prerequisite_id)
        if prerequisite is None:
            continue  # not in force: reported as prerequisite_not_in_force
        name = f"{prefix}dependencies.{dep.prerequisite.code}.kind"
        if (
            dep.kind == DependencyKind.ACCEPTS_PRE_APPROVAL
            and not prerequisite.pre_approval_allowed
        ):
            errors.append(
                param(
                    name,
                    Contradiction.PREREQUISITE_NO_PRE_APPROVAL,
                    _(
                        "The matter can start on a pre-approval of %(code)s, but %(code)s "
                        "allows no pre-approval."
                    )
                    % {"code": dep.prerequisite.code},
                )
            )
        if (
            dep.kind == DependencyKind.ACCEPTS_CONSENT_LETTER
            and not prerequisite.consent_letter_allowed
        ):
            errors.append(
                param(
                    name,
                    Contradiction.PREREQUISITE_NO_CONSENT,
                    _(
                        "The matter can start on a consent letter of %(code)s, but %(code)s "
                        "issues no consent letter."
                    )
                    % {"code": dep.prerequisite.code},
                )
            )
    return errors
