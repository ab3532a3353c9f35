"""Pure checks of catalogue data shared by the services and the catalogue file."""

from __future__ import annotations

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

    # rule: 承诺时限 ≤ 法定时限 (国务院令716 第6条; domain.md §3.4 item 5, §4.2 item 6).
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
