from django.core.exceptions import ValidationError

import pytest
from stdnum.cn import uscc as stdnum_uscc

from kaigong.accounts.validators import (
    org_code_check_char,
    parse_uscc,
    resident_id_check_char,
    validate_region_code,
    validate_resident_id,
    validate_uscc,
)

# Real codes quoted in docs/legal.md#gb-32100.
REAL_CODES = ["91110000600037341L", "91110108551385082Q"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid_and_parsed(code):
    info = parse_uscc(code)

    assert info.code == code
    assert info.authority == "9"
    assert info.category == "企业"
    assert info.region_code == code[2:8]
    assert info.org_code_consistent is True


def test_lower_case_and_spaces_are_normalised():
    assert parse_uscc(" 91110000600037341l ").code == "91110000600037341L"


@pytest.mark.parametrize(
    "first17",
    [
        "N2371321MA3C4D5E6",  # 村级集体经济组织 (农业农村部门)
        "N1371321MA0000001",
        "A1110000MA1234567",  # 军队事业单位
        "51371321MJD123456",  # 社会团体
        "12371321004123456",  # 事业单位
        "Y1110000MA1234567",
    ],
)
def test_every_registration_authority_prefix_is_accepted(first17):
    # given a code whose check character is computed by an independent implementation
    code = first17 + stdnum_uscc.calc_check_digit(first17)

    # then our validator accepts it
    assert parse_uscc(code).code == code


def test_n_and_a_codes_that_python_stdnum_rejects_are_accepted():
    """docs/legal.md#gb-32100: python-stdnum rejects valid codes whose first 8 chars are not digits."""
    first17 = "N2371321MA3C4D5E6"
    code = first17 + stdnum_uscc.calc_check_digit(first17)

    assert stdnum_uscc.is_valid(code) is False
    assert parse_uscc(code).category == "村级集体经济组织"


@pytest.mark.parametrize(
    ("value", "error_code"),
    [
        ("9111000060003734", "uscc_length"),
        ("91110000600037341LX", "uscc_length"),
        ("91110000600037341I", "uscc_charset"),  # I never used
        ("9111000O600037341L", "uscc_charset"),  # letter in the region part
        ("B1110000600037341L", "uscc_category"),  # B names no registration authority
        ("94110000600037341L", "uscc_category"),  # 9 has no category 4
        ("91110000600037341M", "uscc_checksum"),
    ],
)
def test_invalid_codes_are_rejected_with_a_stable_code(value, error_code):
    with pytest.raises(ValidationError) as excinfo:
        validate_uscc(value)

    assert excinfo.value.code == error_code


def test_unknown_authority_letter_is_rejected():
    first17 = "B1110000600037341"
    code = first17 + stdnum_uscc.calc_check_digit(first17)

    with pytest.raises(ValidationError) as excinfo:
        validate_uscc(code)

    assert excinfo.value.code == "uscc_category"


def test_org_code_check_is_a_separate_signal_not_a_rejection():
    # given a valid USCC whose positions 9–17 break the GB 11714 check
    first17 = "91371321MA0000001"
    code = first17 + stdnum_uscc.calc_check_digit(first17)

    info = parse_uscc(code)

    assert info.org_code_consistent is (org_code_check_char(code[8:16]) == code[16])


def test_resident_id_check_character():
    assert resident_id_check_char("11010519491231002") == "X"
    validate_resident_id("11010519491231002X")
    with pytest.raises(ValidationError):
        validate_resident_id("110105194912310021")


@pytest.mark.parametrize("value", ["371321", "371321001", "371321001001"])
def test_region_codes_of_6_9_12_digits(value):
    validate_region_code(value)


@pytest.mark.parametrize("value", ["37132", "3713210", "00ABCD", "001234", ""])
def test_bad_region_codes(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_region_code(value)
    assert excinfo.value.code == "region_code"
