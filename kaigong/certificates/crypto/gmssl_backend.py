"""
SM2 in pure Python (gmssl 3.2.2): the independent implementation and the slow fallback.

Used to cross-check the native path in tests (sign with one, verify with the other) and,
when no OpenSSL 3 with SM2 is present, as the backend, at roughly 50 verifications a
second. gmssl's own random ``k`` comes from ``random.choice``; this module passes one from
``secrets`` instead.
"""

from __future__ import annotations

import secrets

from gmssl import sm2

from . import der

_N = int(sm2.default_ecc_table["n"], 16)


def _crypt(private_hex: str, public_point: bytes) -> sm2.CryptSM2:
    crypt = sm2.CryptSM2(private_key=private_hex, public_key="00")
    # gmssl strips a leading "04" with str.lstrip, which also eats a leading 0/4 of x
    crypt.public_key = public_point[1:].hex()
    return crypt


def generate_keypair() -> tuple[bytes, bytes]:
    d = secrets.randbelow(_N - 2) + 1
    crypt = sm2.CryptSM2(private_key=f"{d:064x}", public_key="00")
    point = crypt._kg(d, sm2.default_ecc_table["g"])
    return d.to_bytes(32, "big"), bytes.fromhex("04" + point)


def sign(private_scalar: bytes, public_point: bytes, message: bytes) -> bytes:
    crypt = _crypt(private_scalar.hex(), public_point)
    while True:
        k = f"{secrets.randbelow(_N - 1) + 1:064x}"
        raw = crypt.sign_with_sm3(message, k)
        if raw:
            return der.signature_to_der(bytes.fromhex(raw))


def verify(public_key_hex: str, message: bytes, signature_der: bytes) -> bool:
    try:
        raw = der.signature_from_der(signature_der)
        point = bytes.fromhex(public_key_hex)
    except (ValueError, der.DerError):
        return False
    if len(point) != 65 or point[0] != 4:
        return False
    crypt = _crypt("00", point)
    return bool(crypt.verify_with_sm3(raw.hex(), message))


class GmsslSigner:
    def __init__(self, *, key_id: str, private_key_info: bytes, public_key_hex: str) -> None:
        self._scalar, _ = der.private_key_from_info(private_key_info)
        self._point = bytes.fromhex(public_key_hex)
        self.key_id = key_id
        self.public_key_hex = public_key_hex

    def sign(self, digest: bytes) -> bytes:
        return sign(self._scalar, self._point, digest)
