"""
The e-licence identifier (电子证照标识, GB/T 36904), pure functions.

    1.2.156.3005.2 . <type code> . <issuer code> . <serial> . <version> . <check>

The check character is ISO/IEC 7064 MOD 37,36 over type code + issuer code + serial +
version with the dots removed (docs/legal.md#gbt-36904).
"""

from __future__ import annotations

import re

from stdnum.iso7064 import mod_37_36

ROOT = "1.2.156.3005.2"
_PART = re.compile(r"^[0-9A-Z]+$")
IDENTIFIER_RE = re.compile(r"1\.2\.156\.3005\.2\.[0-9A-Z]+\.[0-9A-Z]+\.[0-9A-Z]+\.\d{3}\.[0-9A-Z]")


def check_character(type_code: str, issuer_code: str, serial: str, version: str) -> str:
    return mod_37_36.calc_check_digit(type_code + issuer_code + serial + version)


def build_identifier(*, type_code: str, issuer_code: str, serial: str, version: str = "001") -> str:
    for part in (type_code, issuer_code, serial):
        if not _PART.match(part):
            raise ValueError(f"identifier parts are digits and capital letters: {part!r}")
    if not re.fullmatch(r"\d{3}", version):
        raise ValueError("the version is three digits")
    check = check_character(type_code, issuer_code, serial, version)
    return ".".join([ROOT, type_code, issuer_code, serial, version, check])


def is_valid_identifier(identifier: str) -> bool:
    parts = identifier.split(".")
    if len(parts) != 10 or ".".join(parts[:5]) != ROOT:
        return False
    type_code, issuer, serial, version, check = parts[5:]
    if not all(_PART.match(p) for p in (type_code, issuer, serial, check)):
        return False
    if not re.fullmatch(r"\d{3}", version):
        return False
    return check_character(type_code, issuer, serial, version) == check


def serial_for(year: int, number: int) -> str:
    """The serial of the ``number``-th certificate of a type in ``year``: 2026 + 7 digits."""
    return f"{year:04d}{number:07d}"
