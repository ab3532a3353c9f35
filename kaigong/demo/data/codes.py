"""
Identifier helpers for the demo data: every code is computed, never typed with its check
character, so that it is valid by construction.

The codes of organisations are fictitious, except the MOHURD code quoted in docs/legal.md#gbt-36904
(``11100000000013338W``), used as the defining authority of the construction certificates.
"""

from kaigong.accounts.validators import org_code_check_char, uscc_check_char


def uscc(prefix: str, region: str, org8: str) -> str:
    """
    A valid 统一社会信用代码 (GB 32100-2015): authority and category, GB/T 2260 region, an
    organisation code (GB 11714, its check character computed) and the check character.
    """
    body = f"{prefix}{region}{org8}{org_code_check_char(org8)}"
    return body + uscc_check_char(body)


# rule: 证照类型代码 = USCC of the defining authority + 3 digits (GB/T 36904; docs/legal.md#gbt-36904)
MOHURD = "11100000000013338W"  # 住房和城乡建设部 (docs/legal.md#gbt-36904)
MNR = uscc("11", "100000", "MB1967AP")  # 自然资源部 (illustrative)
NDRC = uscc("11", "100000", "00001343")  # 国家发展和改革委员会 (illustrative)
MEE = uscc("11", "100000", "00001415")  # 生态环境部 (illustrative)
MWR = uscc("11", "100000", "00001352")  # 水利部 (illustrative)
NPAO = uscc("11", "100000", "MB1C7719")  # 国家人民防空办公室 (illustrative)
SAMR = uscc("11", "100000", "MB1A2681")  # 国家市场监督管理总局 (illustrative)


def type_code(authority: str, number: int) -> str:
    """The national certificate type code: ``authority`` USCC + a 3-digit sequence."""
    return f"{authority}{number:03d}"
