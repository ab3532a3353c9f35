"""
Personal SM2 keys: each person who signs (an inspector, an expert, the chair who issues a
joint review's letter, the enterprise's representative) gets an own key pair at the first
signature, and signs with it.

- The public key and its fingerprint (SM3 of the uncompressed point) are on the person's
  ``PersonalKey`` row; verification uses that row's public key, never one copied into the
  signed object.
- The private key (PKCS#8 DER) is kept in the database encrypted at rest with the key-
  encryption key (KEK): SM4-CBC with a random IV, then HMAC-SM3 over IV and ciphertext
  (encrypt-then-MAC, separate encryption and MAC keys derived from the KEK). The KEK is
  like the platform integrity key (signing.py): never in the database. It comes from
  ``KAIGONG_PERSONAL_KEY_KEK`` (32 hex characters, set in production, the same on every
  node), else from the file ``<KAIGONG_KEY_DIR>/personal-keys.kek``, made on first use
  when ``KAIGONG_KEYS_AUTO_CREATE`` (development). Each row records the KEK's id (the
  first 16 hex of its SM3) so that a wrong KEK is seen, not guessed.
- Rows signed before personal keys existed carry the platform key's ``key_id``
  (``platform_key_id()``) and keep verifying against the platform key.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from .crypto import der, generate_keypair, sm3_digest, software_signer, verify
from .keystore import KeyFileMissing, key_dir
from .signing import platform_key_id, platform_verify

KEK_FILE = "personal-keys.kek"
PREFIX = "person-"


class KekUnavailable(RuntimeError):
    pass


def _kek() -> bytes:
    configured = str(getattr(settings, "KAIGONG_PERSONAL_KEY_KEK", "") or "").strip()
    if configured:
        try:
            kek = bytes.fromhex(configured)
        except ValueError:
            kek = b""
        if len(kek) != 16:
            raise KekUnavailable("KAIGONG_PERSONAL_KEY_KEK must be 32 hex characters")
        return kek
    path = Path(key_dir()) / KEK_FILE
    if not path.exists():
        if not getattr(settings, "KAIGONG_KEYS_AUTO_CREATE", True):
            raise KekUnavailable(str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: theirs is the KEK
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(16))
    return bytes.fromhex(path.read_text().strip())


def kek_id(kek: bytes) -> str:
    return sm3_digest(b"kaigong-kek:" + kek).hex()[:16]


def _derive(kek: bytes, purpose: bytes) -> bytes:
    return sm3_digest(kek + b"|" + purpose)


def _hmac_sm3(key: bytes, message: bytes) -> bytes:
    """HMAC (RFC 2104) over SM3, block size 64."""
    key = key.ljust(64, b"\0")
    inner = sm3_digest(bytes(b ^ 0x36 for b in key) + message)
    return sm3_digest(bytes(b ^ 0x5C for b in key) + inner)


def seal(plain: bytes, kek: bytes) -> bytes:
    """IV (16) ‖ SM4-CBC ciphertext ‖ HMAC-SM3 tag (32)."""
    from gmssl.sm4 import SM4_ENCRYPT, CryptSM4

    iv = secrets.token_bytes(16)
    cipher = CryptSM4()
    cipher.set_key(_derive(kek, b"enc")[:16], SM4_ENCRYPT)
    body = iv + cipher.crypt_cbc(iv, plain)
    return body + _hmac_sm3(_derive(kek, b"mac"), body)


def unseal(sealed: bytes, kek: bytes) -> bytes:
    import hmac

    from gmssl.sm4 import SM4_DECRYPT, CryptSM4

    body, tag = sealed[:-32], sealed[-32:]
    if len(body) < 32 or not hmac.compare_digest(tag, _hmac_sm3(_derive(kek, b"mac"), body)):
        raise KekUnavailable("the sealed private key does not open with this KEK")
    cipher = CryptSM4()
    cipher.set_key(_derive(kek, b"enc")[:16], SM4_DECRYPT)
    return cipher.crypt_cbc(body[:16], body[16:])


def fingerprint(public_key_hex: str) -> str:
    """SM3 of the public key's bytes, hex: what the verification page shows."""
    return sm3_digest(bytes.fromhex(public_key_hex)).hex()


def fingerprint_text(value: str) -> str:
    """The first 32 hex characters in groups of four (enough to compare by eye)."""
    return " ".join(value[i : i + 4] for i in range(0, min(len(value), 32), 4)).upper()


@dataclass(frozen=True)
class PersonalSignature:
    key_id: str
    public_key_hex: str
    fingerprint: str
    signature_hex: str


def personal_key_for(user: Any):
    """The person's key row, made (key pair generated, private key sealed) the first time."""
    from .models import PersonalKey

    existing = PersonalKey.objects.filter(user=user).first()
    if existing is not None:
        return existing
    kek = _kek()
    scalar, point = generate_keypair()
    public = point.hex()
    try:
        with transaction.atomic():
            return PersonalKey.objects.create(
                user=user,
                key_id=PREFIX + secrets.token_hex(8),
                public_key_hex=public,
                fingerprint=fingerprint(public),
                private_key_sealed=seal(der.private_key_info(scalar, point), kek),
                kek_id=kek_id(kek),
            )
    except IntegrityError:  # made by a concurrent first signature
        return PersonalKey.objects.get(user=user)


def personal_sign(user: Any, data: bytes) -> PersonalSignature:
    """SM2 over SM3 of ``data`` with the person's own key."""
    key = personal_key_for(user)
    kek = _kek()
    if key.kek_id != kek_id(kek):
        raise KekUnavailable(f"{key.key_id} was sealed with KEK {key.kek_id}")
    info = unseal(bytes(key.private_key_sealed), kek)
    signer = software_signer(key_id=key.key_id, private_key_info=info,
                             public_key_hex=key.public_key_hex)  # fmt: skip
    signature = signer.sign(sm3_digest(data))
    return PersonalSignature(key_id=key.key_id, public_key_hex=key.public_key_hex,
                             fingerprint=key.fingerprint, signature_hex=signature.hex())  # fmt: skip


def signer_key(user_id: Any, key_id: str):
    """The person's key row named ``key_id`` (None for the platform key or an unknown id)."""
    from .models import PersonalKey

    if not key_id.startswith(PREFIX):
        return None
    return PersonalKey.objects.filter(user_id=user_id, key_id=key_id).first()


def signature_verify(*, user_id: Any, key_id: str, data: bytes, signature_hex: str,
                     stored_public_key_hex: str = "") -> bool:  # fmt: skip
    """
    A signature by a person: against that person's own public key (their PersonalKey row)
    when ``key_id`` is a personal key, against the platform key for rows signed with it
    before personal keys existed: the trusted one (signing.platform_public_key), not the
    ``stored_public_key_hex`` copied into the row, which is accepted for the callers'
    convenience and ignored. Any other key id fails.
    """
    if key_id == platform_key_id():
        return platform_verify(data, signature_hex, None)
    key = signer_key(user_id, key_id)
    if key is None:
        return False
    try:
        signature = bytes.fromhex(signature_hex or "")
        return bool(signature) and verify(key.public_key_hex, sm3_digest(data), signature)
    except (ValueError, KeyFileMissing):
        return False


def key_fingerprint(user_id: Any, key_id: str) -> str:
    """The fingerprint a signature's key shows on a verification page."""
    from .signing import platform_public_key

    if key_id == platform_key_id():
        try:
            return fingerprint(platform_public_key())
        except (KeyFileMissing, ValueError):
            return ""
    key = signer_key(user_id, key_id)
    return key.fingerprint if key is not None else ""
