"""
The signed form of a certificate: canonical JSON of its data plus the PDF's SM3.

canonical = JSON with sorted keys, no spaces, UTF-8, of {"data": …, "pdf_sm3": …};
content digest = SM3(canonical); signature = SM2 over the content digest with the issuing
department's key (crypto/). Anyone holding the data, the PDF and the public key can redo
the computation; a changed byte in either breaks it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .crypto import sm3_digest, verify
from .keystore import KeyFileMissing, keystore


def canonical_bytes(data: dict[str, Any], pdf_sm3: str) -> bytes:
    return json.dumps(
        {"data": data, "pdf_sm3": pdf_sm3},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")


def content_digest(data: dict[str, Any], pdf_sm3: str) -> bytes:
    return sm3_digest(canonical_bytes(data, pdf_sm3))


# --- The platform integrity key -------------------------------------------------------------
# One SM2 key of the platform itself (not of a department) signs what anchors the platform's
# own records: the checkpoints of the case histories and the manifests of archive packages.
# Its private key is a file of the keystore (KAIGONG_KEY_DIR/<KAIGONG_INTEGRITY_KEY_ID>.pem),
# never the database; verifiers trust the public key of ``KAIGONG_INTEGRITY_PUBLIC_KEY`` when
# it is set (production pins it), else the one in that key file, never one read from a row.


@dataclass(frozen=True)
class PlatformSignature:
    key_id: str
    public_key_hex: str
    signature_hex: str  # DER SM2Signature over SM3 of the signed bytes


def platform_key_id() -> str:
    return str(getattr(settings, "KAIGONG_INTEGRITY_KEY_ID", "platform-integrity"))


def platform_public_key() -> str:
    """The trusted public key of the platform integrity key (settings, else its key file)."""
    pinned = str(getattr(settings, "KAIGONG_INTEGRITY_PUBLIC_KEY", "") or "").strip().lower()
    if pinned:
        return pinned
    store = keystore()
    key_id = platform_key_id()
    if not store.has(key_id) and getattr(settings, "KAIGONG_KEYS_AUTO_CREATE", True):
        return store.create_named(key_id)
    return store.public_key_of(key_id)


def platform_sign(data: bytes) -> PlatformSignature:
    """Sign ``data`` (SM2 over its SM3) with the platform integrity key (made if missing in
    development; ``KeyFileMissing`` in production until ``integrity_key_create`` ran)."""
    store = keystore()
    key_id = platform_key_id()
    if not store.has(key_id):
        if not getattr(settings, "KAIGONG_KEYS_AUTO_CREATE", True):
            raise KeyFileMissing(str(key_id))
        store.create_named(key_id)
    public = store.public_key_of(key_id)
    signature = store.signer(key_id, public).sign(sm3_digest(data))
    return PlatformSignature(key_id=key_id, public_key_hex=public, signature_hex=signature.hex())


def platform_verify(data: bytes, signature_hex: str, public_key_hex: str | None = None) -> bool:
    """True when ``signature_hex`` is the platform key's signature of ``data``."""
    try:
        signature = bytes.fromhex(signature_hex or "")
        public = public_key_hex or platform_public_key()
        return bool(signature) and verify(public, sm3_digest(data), signature)
    except (ValueError, KeyFileMissing):
        return False
