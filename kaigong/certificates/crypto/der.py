"""
The few DER structures SM2 needs, written and read in pure Python.

- PKCS#8 ``PrivateKeyInfo`` of an SM2 key (the private key file, PEM-armoured), so that the
  key file is the same whichever backend made it and any OpenSSL or GmSSL tool reads it;
- ``SubjectPublicKeyInfo`` of an SM2 public key (to hand a public key to OpenSSL);
- ``SM2Signature ::= SEQUENCE { r INTEGER, s INTEGER }`` (GB/T 35276 §7.3), converted to and
  from the raw ``r || s`` form that gmssl uses.
"""

from __future__ import annotations

import base64

# rule: SM2 keys are EC keys on the curve sm2p256v1 (GB/T 32918; OID 1.2.156.10197.1.301)
OID_EC_PUBLIC_KEY = bytes.fromhex("06072a8648ce3d0201")  # 1.2.840.10045.2.1
OID_SM2_CURVE = bytes.fromhex("06082a811ccf5501822d")  # 1.2.156.10197.1.301
_ALGORITHM = b"\x30" + bytes([len(OID_EC_PUBLIC_KEY + OID_SM2_CURVE)]) + OID_EC_PUBLIC_KEY
_ALGORITHM += OID_SM2_CURVE


class DerError(ValueError):
    """The bytes are not the DER structure expected."""


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _length(len(value)) + value


def _integer(value: int) -> bytes:
    body = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big")
    return _tlv(0x02, body)


def _read(data: bytes, pos: int) -> tuple[int, bytes, int]:
    """Read one TLV at ``pos``: return (tag, value, next position)."""
    if pos + 2 > len(data):
        raise DerError("truncated")
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise DerError("bad length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise DerError("truncated")
    return tag, data[pos : pos + length], pos + length


def _children(value: bytes) -> list[tuple[int, bytes]]:
    items, pos = [], 0
    while pos < len(value):
        tag, body, pos = _read(value, pos)
        items.append((tag, body))
    return items


def signature_to_der(raw: bytes) -> bytes:
    """Raw ``r || s`` (64 bytes) → DER ``SM2Signature``."""
    if len(raw) != 64:
        raise DerError("raw signature must be 64 bytes")
    r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    return _tlv(0x30, _integer(r) + _integer(s))


def signature_from_der(der: bytes) -> bytes:
    """DER ``SM2Signature`` → raw ``r || s`` (64 bytes)."""
    tag, body, end = _read(der, 0)
    if tag != 0x30 or end != len(der):
        raise DerError("not a signature sequence")
    parts = _children(body)
    if len(parts) != 2 or any(t != 0x02 for t, _ in parts):
        raise DerError("a signature is two integers")
    r, s = (int.from_bytes(v, "big") for _, v in parts)
    if r.bit_length() > 256 or s.bit_length() > 256:
        raise DerError("integer too large")
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def public_key_info(public_point: bytes) -> bytes:
    """Uncompressed point (65 bytes, 0x04 || x || y) → DER ``SubjectPublicKeyInfo``."""
    if len(public_point) != 65 or public_point[0] != 4:
        raise DerError("an SM2 public key is an uncompressed point of 65 bytes")
    return _tlv(0x30, _ALGORITHM + _tlv(0x03, b"\x00" + public_point))


def private_key_info(private_scalar: bytes, public_point: bytes) -> bytes:
    """(d, public point) → DER PKCS#8 ``PrivateKeyInfo`` holding an ``ECPrivateKey``."""
    if len(private_scalar) != 32:
        raise DerError("an SM2 private key is 32 bytes")
    ec_private_key = _tlv(
        0x30,
        _integer(1) + _tlv(0x04, private_scalar) + _tlv(0xA1, _tlv(0x03, b"\x00" + public_point)),
    )
    return _tlv(0x30, _integer(0) + _ALGORITHM + _tlv(0x04, ec_private_key))


def private_key_from_info(der: bytes) -> tuple[bytes, bytes | None]:
    """PKCS#8 DER → (d, public point or None). Only SM2 keys are accepted."""
    tag, body, _ = _read(der, 0)
    if tag != 0x30:
        raise DerError("not PKCS#8")
    parts = _children(body)
    if len(parts) < 3 or parts[1][0] != 0x30 or parts[2][0] != 0x04:
        raise DerError("not PKCS#8")
    if OID_SM2_CURVE not in parts[1][1]:
        raise DerError("not an SM2 key")
    tag, ec_body, _ = _read(parts[2][1], 0)
    ec_parts = _children(ec_body)
    scalar = next((v for t, v in ec_parts if t == 0x04), None)
    if scalar is None:
        raise DerError("no private key")
    scalar = scalar.rjust(32, b"\x00")
    public = None
    for t, v in ec_parts:
        if t == 0xA1:
            _, bits, _ = _read(v, 0)
            public = bits[1:]
    return scalar, public


def pem_encode(der: bytes, label: str = "PRIVATE KEY") -> str:
    text = base64.b64encode(der).decode("ascii")
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def pem_decode(pem: str, label: str = "PRIVATE KEY") -> bytes:
    begin, end = f"-----BEGIN {label}-----", f"-----END {label}-----"
    if begin not in pem or end not in pem:
        raise DerError(f"not a PEM {label}")
    body = pem.split(begin, 1)[1].split(end, 1)[0]
    return base64.b64decode("".join(body.split()))
