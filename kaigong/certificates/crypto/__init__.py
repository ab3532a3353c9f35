"""
Cryptography behind one small interface, so a signing server can replace software keys.

- ``sm3_hex(data)``: SM3 (GB/T 32905) through hashlib's OpenSSL, else gmssl.
- ``SigningProvider``: what signs (``key_id``, ``public_key_hex``, ``sign(digest)``); the
  software implementation reads a private key file from ``KAIGONG_KEY_DIR`` (keystore.py),
  a signing server (签名验签服务器) would implement the same three members.
- ``verify(public_key_hex, digest, signature)``: SM2 with SM3 and the default identifier.

Signatures are DER ``SM2Signature`` (GB/T 35276); public keys are the uncompressed point
``04 || x || y`` in hex. The native backend is the machine's OpenSSL 3 (openssl.py); without
it the pure-Python gmssl backend is used, fifty times slower, and ``backend_name()`` says
``gmssl`` so that operators can see it (bench and the admin).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Protocol, runtime_checkable

from gmssl import sm3 as _gmssl_sm3

from . import gmssl_backend, openssl

logger = logging.getLogger(__name__)

ALGORITHM = "sm2-sm3"


@runtime_checkable
class SigningProvider(Protocol):
    key_id: str
    public_key_hex: str

    def sign(self, digest: bytes) -> bytes: ...


def _hashlib_has_sm3() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


_HASHLIB_SM3 = _hashlib_has_sm3()


def sm3_digest(data: bytes) -> bytes:
    if _HASHLIB_SM3:
        return hashlib.new("sm3", data).digest()
    return bytes.fromhex(_gmssl_sm3.sm3_hash(list(data)))


def sm3_hex(data: bytes) -> str:
    """SM3 of ``data`` as 64 lower-case hex characters."""
    return sm3_digest(data).hex()


class Sm3Hasher:
    """Incremental SM3 for large files (hashlib when it has SM3, else buffered)."""

    def __init__(self) -> None:
        self._h = hashlib.new("sm3") if _HASHLIB_SM3 else None
        self._buf = bytearray()

    def update(self, data: bytes) -> None:
        if self._h is not None:
            self._h.update(data)
        else:
            self._buf.extend(data)

    def hexdigest(self) -> str:
        if self._h is not None:
            return self._h.hexdigest()
        return sm3_hex(bytes(self._buf))


_warned = False


def backend_name() -> str:
    """``openssl`` (native) or ``gmssl`` (pure-Python fallback)."""
    global _warned
    if openssl.load() is not None:
        return "openssl"
    if not _warned:
        logger.warning("sm2_native_backend_unavailable: using pure-Python gmssl (slow)")
        _warned = True
    return "gmssl"


def verify(public_key_hex: str, digest: bytes, signature: bytes) -> bool:
    """True when ``signature`` (DER) is an SM2 signature of ``digest`` by that public key."""
    if backend_name() == "openssl":
        return openssl.verify(public_key_hex, digest, signature)
    return gmssl_backend.verify(public_key_hex, digest, signature)


def generate_keypair() -> tuple[bytes, bytes]:
    """(private scalar, 32 bytes; uncompressed public point, 65 bytes)."""
    if backend_name() == "openssl":
        return openssl.generate_keypair()
    return gmssl_backend.generate_keypair()


def software_signer(*, key_id: str, private_key_info: bytes, public_key_hex: str):
    """A ``SigningProvider`` over a PKCS#8 SM2 private key held in memory."""
    cls = openssl.OpenSSLSigner if backend_name() == "openssl" else gmssl_backend.GmsslSigner
    return cls(key_id=key_id, private_key_info=private_key_info, public_key_hex=public_key_hex)
