"""
Where private keys live: files in ``settings.KAIGONG_KEY_DIR``, never the database or the repo.

One PKCS#8 PEM file per key, named ``<key id>.pem``, mode 0600, in a directory of mode 0700.
The keystore class is chosen by ``settings.KAIGONG_KEYSTORE`` (dotted path; default this
file-based one) so that a signing server (签名验签服务器) can replace it: it must offer
``create() -> (key_id, public_key_hex)`` and ``signer(key_id, public_key_hex)``; for the
platform integrity key (signing.py: event checkpoints, archive manifests) also
``create_named(key_id) -> public_key_hex`` and ``public_key_of(key_id)``.
"""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from .crypto import SigningProvider, der, generate_keypair, software_signer


class KeyFileMissing(RuntimeError):
    pass


def key_dir() -> Path:
    return Path(getattr(settings, "KAIGONG_KEY_DIR", Path(settings.BASE_DIR) / "var" / "keys"))


class FileKeyStore:
    """Software keys in files; signers are cached for the life of the process."""

    _cache: dict[tuple[str, str], SigningProvider] = {}
    _lock = threading.Lock()

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else key_dir()

    def path_for(self, key_id: str) -> Path:
        return self.directory / f"{key_id}.pem"

    def create(self) -> tuple[str, str]:
        """Make a key pair, write the private key file, return (key id, public key hex)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)
        scalar, point = generate_keypair()
        key_id = f"sm2-{secrets.token_hex(8)}"
        pem = der.pem_encode(der.private_key_info(scalar, point))
        fd = os.open(self.path_for(key_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(pem)
        return key_id, point.hex()

    def create_named(self, key_id: str) -> str:
        """
        Make the key pair ``key_id`` (the platform integrity key) unless its file exists;
        return its public key hex. Written to a temporary file and linked into place, so
        two processes making it at once end with one complete key.
        """
        path = self.path_for(key_id)
        if path.exists():
            return self.public_key_of(key_id)
        self.directory.mkdir(parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)
        scalar, point = generate_keypair()
        pem = der.pem_encode(der.private_key_info(scalar, point))
        temporary = self.directory / f".{key_id}.{secrets.token_hex(4)}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(pem)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: theirs is the key
        finally:
            temporary.unlink()
        return self.public_key_of(key_id)

    def public_key_of(self, key_id: str) -> str:
        """The public key hex of ``key_id``, read from its private key file."""
        path = self.path_for(key_id)
        if not path.exists():
            raise KeyFileMissing(str(path))
        _, point = der.private_key_from_info(der.pem_decode(path.read_text()))
        if point is None:
            raise KeyFileMissing(f"{path}: no public key in the file")
        return point.hex()

    def has(self, key_id: str) -> bool:
        return self.path_for(key_id).exists()

    def signer(self, key_id: str, public_key_hex: str) -> SigningProvider:
        cache_key = (str(self.directory), key_id)
        signer = self._cache.get(cache_key)
        if signer is not None:
            return signer
        path = self.path_for(key_id)
        if not path.exists():
            raise KeyFileMissing(str(path))
        info = der.pem_decode(path.read_text())
        signer = software_signer(
            key_id=key_id, private_key_info=info, public_key_hex=public_key_hex
        )
        with self._lock:
            self._cache[cache_key] = signer
        return signer


def keystore():
    path = getattr(settings, "KAIGONG_KEYSTORE", "kaigong.certificates.keystore.FileKeyStore")
    return import_string(path)()
