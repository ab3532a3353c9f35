"""
Digests used by cases: SM3 (GB/T 32905) and SHA-256, and the canonical JSON they hash.

SM3 comes from OpenSSL through ``hashlib`` where available, else from ``gmssl``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON with sorted keys and no spaces: the same value always gives the same bytes."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode("utf-8")


def _hashlib_has_sm3() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


_HAS_SM3 = _hashlib_has_sm3()


class _Sm3:
    """An incremental SM3 hasher over hashlib or gmssl."""

    def __init__(self) -> None:
        self._h = hashlib.new("sm3") if _HAS_SM3 else None
        self._buf = bytearray()

    def update(self, data: bytes) -> None:
        if self._h is not None:
            self._h.update(data)
        else:
            self._buf.extend(data)

    def hexdigest(self) -> str:
        if self._h is not None:
            return self._h.hexdigest()
        from gmssl import func, sm3

        return sm3.sm3_hash(func.bytes_to_list(bytes(self._buf)))


def sm3_hex(data: bytes) -> str:
    h = _Sm3()
    h.update(data)
    return h.hexdigest()


def file_digests(chunks: Iterable[bytes]) -> tuple[str, str]:
    """(sha256 hex, sm3 hex) of a stream of chunks, read once."""
    sha = hashlib.sha256()
    sm3 = _Sm3()
    for chunk in chunks:
        sha.update(chunk)
        sm3.update(chunk)
    return sha.hexdigest(), sm3.hexdigest()


def request_fingerprint(body: Any) -> str:
    """SHA-256 of the canonical JSON of a request body (for Idempotency-Key replays)."""
    return hashlib.sha256(canonical_json(body)).hexdigest()
