"""
行政区划 (GB/T 2260): the divisions the platform serves, by code, with their names.

The list holds the provinces, cities and counties of the demo localities (沂南、潍坊、滨州、
高明) and their parents; a deployment adds its own. Forms offer these by name and accept
nothing else, so a region is never free text (docs/legal.md#gbt-2260).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    parent: str = ""

    @property
    def level(self) -> str:
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "city"
        return "county"


# rule: 6 digits, 2 province + 2 prefecture + 2 county (GB/T 2260; docs/legal.md#gbt-2260)
REGIONS: tuple[Region, ...] = (
    Region("370000", "山东省"),
    Region("370700", "潍坊市", "370000"),
    Region("370702", "潍城区", "370700"),
    Region("370703", "寒亭区", "370700"),
    Region("370705", "奎文区", "370700"),
    Region("371300", "临沂市", "370000"),
    Region("371302", "兰山区", "371300"),
    Region("371321", "沂南县", "371300"),
    Region("371600", "滨州市", "370000"),
    Region("371602", "滨城区", "371600"),
    Region("440000", "广东省"),
    Region("440600", "佛山市", "440000"),
    Region("440604", "禅城区", "440600"),
    Region("440608", "高明区", "440600"),
)
_BY_CODE = {r.code: r for r in REGIONS}


def region_get(code: str) -> Region | None:
    return _BY_CODE.get((code or "").strip())


def region_full_name(code: str) -> str:
    """山东省临沂市沂南县 for 371321; the code itself when the table does not know it."""
    region = region_get(code)
    if region is None:
        return code
    names = []
    while region is not None:
        names.append(region.name)
        region = _BY_CODE.get(region.parent)
    return "".join(reversed(names))


def region_choices(*, blank: str | None = None) -> list[tuple[str, str]]:
    """(code, full name) for a select, provinces first then their cities and counties."""
    choices = [(r.code, region_full_name(r.code)) for r in sorted(REGIONS, key=lambda r: r.code)]
    return ([("", blank)] if blank is not None else []) + choices


def validate_known_region(value: str) -> None:
    if region_get(value) is None:
        raise ValidationError(
            _("Choose an administrative division from the list."), code="region_unknown"
        )


def region_children(parent: str) -> list[Region]:
    """The divisions directly under ``parent`` ("" = the provinces), by code."""
    parent = (parent or "").strip()
    return sorted((r for r in REGIONS if r.parent == parent), key=lambda r: r.code)


def region_chain(code: str) -> list[Region]:
    """The province, city and county of ``code`` from the top ([] when unknown)."""
    chain = []
    region = region_get(code)
    while region is not None:
        chain.append(region)
        region = _BY_CODE.get(region.parent)
    return list(reversed(chain))
