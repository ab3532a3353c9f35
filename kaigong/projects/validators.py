"""
Checks of project identifiers and places.

投资项目代码 (national fixed-asset investment project code): 24 characters as displayed,
issued by the 全国投资项目在线审批监管平台 (发改投资〔2020〕1439号; GB/T 40058-2021). The
structure is 时间代码 + 地区代码 + … + 随机码 + 校验码; the exact check algorithm was not
available, so only the shape is checked here, never an invented checksum
(docs/legal.md#gbt-40058). The authoritative check is a lookup in the investment platform.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVESTMENT_CODE_LENGTH = 24
_CODE_CHARS_RE = re.compile(r"^[0-9A-Z-]+$")
# rule: time code first (a four-digit year), then the GB/T 2260 region code (docs/legal.md#gbt-40058)
_CODE_HEAD_RE = re.compile(r"^(?P<year>\d{4})-?(?P<region>\d{6})")

# China's extent in WGS-84 / GCJ-02 degrees, a generous box (漠河 53.6°N … 曾母暗沙 3.8°N).
CHINA_LATITUDE = (Decimal("3.5"), Decimal("54.0"))
CHINA_LONGITUDE = (Decimal("73.0"), Decimal("136.0"))


def normalise_investment_code(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "").replace("—", "-").replace("－", "-")


def validate_investment_project_code(value: str) -> None:
    """Check the shape of a 投资项目代码; raise ValidationError(code=investment_code_format)."""
    code = normalise_investment_code(value)
    problems = [
        len(code) != INVESTMENT_CODE_LENGTH,
        not _CODE_CHARS_RE.match(code or "-"),
        code.startswith("-") or code.endswith("-") or "--" in code,
    ]
    head = _CODE_HEAD_RE.match(code)
    if head is None:
        problems.append(True)
    else:
        year = int(head["year"])
        problems.append(not 1990 <= year <= 2099)
        problems.append(head["region"].startswith("00"))
    if any(problems):
        raise ValidationError(
            _(
                "An investment project code has 24 characters (digits, capital letters and "
                "dashes), beginning with the year and the 6-digit region code, e.g. "
                "2017-110105-70-03-012345."
            ),
            code="investment_code_format",
        )


def validate_coordinates(latitude: Decimal | None, longitude: Decimal | None) -> None:
    """Both or neither, and inside China's extent."""
    if latitude is None and longitude is None:
        return
    if latitude is None or longitude is None:
        raise ValidationError(
            _("Give both latitude and longitude, or neither."), code="coordinates"
        )
    inside = (
        CHINA_LATITUDE[0] <= latitude <= CHINA_LATITUDE[1]
        and CHINA_LONGITUDE[0] <= longitude <= CHINA_LONGITUDE[1]
    )
    if not inside:
        raise ValidationError(
            _(
                "The location must be in China: latitude 3.5–54 °N and longitude "
                "73–136 °E (decimal degrees)."
            ),
            code="coordinates",
        )
