"""
Verification: is this certificate genuine, released, in force? By identifier or by its PDF.

Outcomes (issue 5 §4): valid / held / revoked (with date and reason) / expired / unknown /
tampered. A certificate still being rendered and signed (生成中) verifies as held. Tampered means the stored data, the stored PDF or an uploaded PDF no longer
matches what the issuing department signed: the content digest is recomputed from the
data and the PDF's SM3, and the SM2 signature is checked with the department's public key.
A valid certificate issued on the basis of a revoked one says so (``prerequisites_revoked``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from kaigong.core.clock import local_date

from .constants import RENDERING, CertificateStatus, VerificationStatus
from .crypto import sm3_hex, verify
from .identifiers import IDENTIFIER_RE, is_valid_identifier
from .models import Certificate
from .selectors import certificate_effective_status, certificate_prerequisites_revoked
from .signing import content_digest


@dataclass(frozen=True)
class VerificationResult:
    status: str
    identifier: str = ""
    certificate: Certificate | None = None
    type_name: str = ""
    holder_name: str = ""
    issuer_name: str = ""
    issued_on: date | None = None
    valid_to: date | None = None
    revoked_at: datetime | None = None
    revocation_reason: str = ""
    # the stored flag: a certificate this one rests on has been revoked (所依据的证照已撤销)
    prerequisite_revoked: bool = False
    prerequisites_revoked: list[str] = field(default_factory=list)


def _load(identifier: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("certificate_type", "signing_key")
        .filter(identifier=identifier)
        .first()
    )


def certificate_signature_ok(certificate: Certificate, *, pdf_sm3: str | None = None) -> bool:
    """Recompute the digest from the data and a PDF hash; check the SM2 signature."""
    pdf_sm3 = pdf_sm3 or certificate.pdf_sm3
    digest = content_digest(certificate.data, pdf_sm3)
    if digest.hex() != certificate.content_digest:
        return False
    if certificate.data.get("identifier") != certificate.identifier:
        return False
    if certificate.signing_key is None:  # 生成中: not signed yet
        return False
    try:
        signature = bytes.fromhex(certificate.signature_hex)
    except ValueError:
        return False
    return verify(certificate.signing_key.public_key_hex, digest, signature)


def _stored_pdf_sm3(certificate: Certificate) -> str | None:
    try:
        with certificate.pdf.open("rb") as handle:
            return sm3_hex(handle.read())
    except (FileNotFoundError, ValueError, OSError):
        return None


def _result(certificate: Certificate, status: str, *, on: date) -> VerificationResult:
    return VerificationResult(
        status=status,
        identifier=certificate.identifier,
        certificate=certificate,
        type_name=certificate.certificate_type.name,
        holder_name=certificate.data.get("holder_name", ""),
        issuer_name=certificate.data.get("issuer_name", ""),
        issued_on=certificate.issued_on,
        valid_to=certificate.valid_to,
        revoked_at=certificate.revoked_at,
        revocation_reason=certificate.revocation_reason,
        prerequisite_revoked=certificate.prerequisite_revoked_at is not None,
        prerequisites_revoked=[c.identifier for c in certificate_prerequisites_revoked(certificate)]
        if status == VerificationStatus.VALID
        else [],
    )


def _status_of(certificate: Certificate, *, on: date) -> str:
    status = certificate_effective_status(certificate, on=on)
    return {
        CertificateStatus.HELD: VerificationStatus.HELD,
        RENDERING: VerificationStatus.HELD,
        CertificateStatus.REVOKED: VerificationStatus.REVOKED,
        "expired": VerificationStatus.EXPIRED,
    }.get(status, VerificationStatus.VALID)


def certificate_verify_identifier(identifier: str, *, on: date | None = None) -> VerificationResult:
    """Verify by identifier: the record's data and stored PDF against its signature."""
    on = on or local_date()
    identifier = (identifier or "").strip().upper()
    if not is_valid_identifier(identifier):
        return VerificationResult(status=VerificationStatus.UNKNOWN, identifier=identifier)
    certificate = _load(identifier)
    if certificate is None:
        return VerificationResult(status=VerificationStatus.UNKNOWN, identifier=identifier)
    if certificate.rendering:  # 生成中: numbered, not signed yet — not valid, nothing to check
        return _result(certificate, VerificationStatus.HELD, on=on)
    stored = _stored_pdf_sm3(certificate)
    if stored != certificate.pdf_sm3 or not certificate_signature_ok(certificate):
        return _result(certificate, VerificationStatus.TAMPERED, on=on)
    return _result(certificate, _status_of(certificate, on=on), on=on)


def identifier_in_pdf(content: bytes) -> str:
    """The identifier written in the PDF's information dictionary (or anywhere in it)."""
    try:
        from pypdf import PdfReader

        info = PdfReader(io.BytesIO(content)).metadata or {}
        for key in ("/Subject", "/Keywords"):
            value = str(info.get(key) or "")
            if is_valid_identifier(value):
                return value
    except Exception:  # noqa: BLE001 - a damaged file: look for the text itself below
        pass
    for match in IDENTIFIER_RE.finditer(content.decode("latin-1")):
        if is_valid_identifier(match.group(0)):
            return match.group(0)
    return ""


def certificate_verify_file(content: bytes, *, on: date | None = None) -> VerificationResult:
    """Verify an uploaded PDF: its SM3 must be the one the issuing department signed."""
    on = on or local_date()
    pdf_sm3 = sm3_hex(content)
    certificate = (
        Certificate.objects.select_related("certificate_type", "signing_key")
        .filter(pdf_sm3=pdf_sm3)
        .first()
    )
    if certificate is None:
        identifier = identifier_in_pdf(content)
        certificate = _load(identifier) if identifier else None
        if certificate is None:
            return VerificationResult(status=VerificationStatus.UNKNOWN, identifier=identifier)
        # the file names a real certificate but is not the file that was signed
        return _result(certificate, VerificationStatus.TAMPERED, on=on)
    if not certificate_signature_ok(certificate, pdf_sm3=pdf_sm3):
        return _result(certificate, VerificationStatus.TAMPERED, on=on)
    return _result(certificate, _status_of(certificate, on=on), on=on)
