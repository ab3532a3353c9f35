"""The GB/T 36904 identifier and its MOD 37,36 check character (docs/legal.md#gbt-36904)."""

import pytest

from kaigong.certificates.identifiers import build_identifier, is_valid_identifier, serial_for

REAL = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"


def test_real_public_identifier_is_valid():
    assert is_valid_identifier(REAL) is True


def test_building_the_real_identifier_gives_its_check_character():
    built = build_identifier(
        type_code="11100000000013338W011",
        issuer_code="11430000006122244L",
        serial="20230000403",
        version="001",
    )
    assert built == REAL


@pytest.mark.parametrize(
    "wrong",
    [
        REAL[:-1] + "V",  # wrong check character
        REAL.replace("20230000403", "20230000404"),  # serial changed, check kept
        REAL.replace("1.2.156.3005.2", "1.2.156.3005.3"),  # wrong root
        "1.2.156.3005.2.X",
        "",
    ],
)
def test_altered_identifiers_are_invalid(wrong):
    assert is_valid_identifier(wrong) is False


def test_serial_is_year_and_seven_digits():
    assert serial_for(2026, 42) == "20260000042"


def test_lower_case_parts_are_refused():
    with pytest.raises(ValueError):
        build_identifier(type_code="abc", issuer_code="X", serial="1")
