"""
Is this official document genuine? By its identifier (the QR link) or by an uploaded PDF.

The stored (or uploaded) PDF's SM3 must be the one recorded; the content digest is
recomputed from the recorded data and that SM3; the SM2 signature over the canonical bytes
is checked with the platform integrity key's trusted public key (settings-pinned or the key
file, never a key read from the row). Outcomes: ``valid``, ``tampered``, ``unknown``, and
``being_prepared`` for a document recorded with its event whose PDF is not rendered yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaigong.certificates.crypto import sm3_hex
from kaigong.certificates.signing import platform_verify

from .models import OfficialDocument
from .selectors import document_get_public
from .services import canonical_bytes

VALID, TAMPERED, UNKNOWN = "valid", "tampered", "unknown"
BEING_PREPARED = "being_prepared"  # recorded with its event, not rendered and signed yet


@dataclass(frozen=True)
class DocumentVerification:
    status: str
    document: OfficialDocument | None = None
    digest_ok: bool = False
    signature_ok: bool = False


def _stored_pdf(document: OfficialDocument) -> bytes | None:
    try:
        with document.pdf.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, ValueError, OSError):
        return None


def document_check(document: OfficialDocument, content: bytes | None) -> DocumentVerification:
    """Check ``content`` (the PDF) against the document's record and signature."""
    pdf_sm3 = sm3_hex(content) if content is not None else ""
    signed = canonical_bytes(document.data, pdf_sm3)
    digest_ok = (
        content is not None
        and pdf_sm3 == document.pdf_sm3
        and sm3_hex(signed) == document.content_digest
        and document.data.get("document_id") == str(document.public_id)
        and document.data.get("number") == document.number
    )
    signature_ok = digest_ok and platform_verify(signed, document.signature_hex)
    status = VALID if digest_ok and signature_ok else TAMPERED
    return DocumentVerification(
        status=status, document=document, digest_ok=digest_ok, signature_ok=signature_ok
    )


def document_verify(public_id, *, content: bytes | None = None) -> DocumentVerification:
    """Verify the document ``public_id``: its stored PDF, or ``content`` when uploaded."""
    document = document_get_public(public_id)
    if document is None:
        return DocumentVerification(status=UNKNOWN)
    if not document.is_rendered:
        return DocumentVerification(status=BEING_PREPARED, document=document)
    return document_check(document, content if content is not None else _stored_pdf(document))
