"""
The signed form of a certificate: canonical JSON of its data plus the PDF's SM3.

canonical = JSON with sorted keys, no spaces, UTF-8, of {"data": …, "pdf_sm3": …};
content digest = SM3(canonical); signature = SM2 over the content digest with the issuing
department's key (crypto/). Anyone holding the data, the PDF and the public key can redo
the computation; a changed byte in either breaks it.
"""

from __future__ import annotations

import json
from typing import Any

from .crypto import sm3_digest


def canonical_bytes(data: dict[str, Any], pdf_sm3: str) -> bytes:
    return json.dumps(
        {"data": data, "pdf_sm3": pdf_sm3},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")


def content_digest(data: dict[str, Any], pdf_sm3: str) -> bytes:
    return sm3_digest(canonical_bytes(data, pdf_sm3))
