"""
Identifier checks: 统一社会信用代码 (GB 32100-2015), 居民身份证号码 (GB 11643-1999),
行政区划代码 (GB/T 2260).

python-stdnum rejects valid USCCs whose first eight characters are not all digits, such
as the ``N`` codes of rural collective economic organisations and the ``A`` codes of
military units (docs/legal.md#gb-32100), so the USCC check is our own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

# rule: position 1 登记管理部门代码 and position 2 机构类别代码 (GB 32100-2015; docs/legal.md#gb-32100)
USCC_CATEGORIES: dict[str, dict[str, str]] = {
    "1": {"1": "机关", "2": "事业单位", "3": "群众团体", "9": "其他"},
    "2": {"1": "外国常驻新闻机构", "9": "其他"},
    "3": {
        "1": "律师执业机构",
        "2": "公证处",
        "3": "基层法律服务所",
        "4": "司法鉴定机构",
        "5": "仲裁委员会",
        "9": "其他",
    },
    "4": {"1": "外国在华文化中心", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "6": {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地代表机构", "9": "其他"},
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    "Y": {"1": "其他"},
}

ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
REGION_CODE_RE = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")


def uscc_check_char(first17: str) -> str:
    """Return the 18th character of a USCC from its first 17 (GB 32100-2015 §5)."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """Return the check character of a GB 11714 organisation code from its first 8."""
    total = sum(int(c, 36) * w for c, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


@dataclass(frozen=True)
class UsccInfo:
    code: str
    authority: str
    category: str
    region_code: str
    org_code_consistent: bool  # GB 11714 check on positions 9–17; a warning only (§7.1)


def normalise_uscc(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def parse_uscc(value: str) -> UsccInfo:
    """Return what a USCC says about its holder, or raise ValidationError with a code."""
    code = normalise_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="uscc_length",
            params={"n": len(code)},
        )
    if not USCC_RE.match(code):
        raise ValidationError(
            _(
                "The unified social credit code contains characters it may not have "
                "(I, O, S, V and Z are never used; positions 3–8 are digits)."
            ),
            code="uscc_charset",
        )
    categories = USCC_CATEGORIES.get(code[0])
    if categories is None or code[1] not in categories:
        raise ValidationError(
            _("The first two characters do not name a registration authority and category."),
            code="uscc_category",
        )
    if code[17] != uscc_check_char(code[:17]):
        raise ValidationError(
            _("The check character of the unified social credit code is wrong."),
            code="uscc_checksum",
        )
    return UsccInfo(
        code=code,
        authority=code[0],
        category=categories[code[1]],
        region_code=code[2:8],
        org_code_consistent=org_code_check_char(code[8:16]) == code[16],
    )


def validate_uscc(value: str) -> None:
    parse_uscc(value)


def resident_id_check_char(first17: str) -> str:
    """GB 11643-1999 / ISO 7064 MOD 11-2."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_resident_id(value: str) -> None:
    code = (value or "").strip().upper()
    if not re.match(r"^\d{17}[\dX]$", code) or resident_id_check_char(code[:17]) != code[17]:
        raise ValidationError(_("The resident ID number is not valid."), code="resident_id")


def validate_region_code(value: str) -> None:
    """GB/T 2260: 6 digits (county), optionally 9 (township) or 12 (village)."""
    if not REGION_CODE_RE.match(value or "") or value[:2] == "00":
        raise ValidationError(
            _("An administrative division code has 6, 9 or 12 digits (GB/T 2260)."),
            code="region_code",
        )
