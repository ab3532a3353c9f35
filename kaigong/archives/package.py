"""
The export package of a project's archive (归档信息包) and its verification.

A zip with ``manifest.json``, ``manifest.sig`` and ``files/<kind>/<name>``; the manifest
lists for every file its path, title, kind, origin, size, SHA-256 and SM3. ``manifest.sig``
holds the SM2 signature of the platform integrity key over SM3 of the exact bytes of
``manifest.json`` (certificates/signing.py). ``package_verify`` checks that signature with the
trusted public key (never the one written in the package), recomputes the hashes and names
every changed, missing or unlisted file (四性检测: integrity). Rewriting the manifest to match
a changed file therefore fails the signature: it is reported as "signature invalid".
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from kaigong.certificates.crypto import ALGORITHM, sm3_hex
from kaigong.certificates.keystore import KeyFileMissing
from kaigong.certificates.signing import platform_sign, platform_verify
from kaigong.core.exceptions import Conflict

from .models import ArchiveFolder

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SIGNATURE_VALID = "valid"
SIGNATURE_MISSING = "missing"
SIGNATURE_INVALID = "invalid"


def manifest_signature(manifest_bytes: bytes) -> bytes:
    """The ``manifest.sig`` document for these manifest bytes (JSON). Without the platform
    integrity key (production before ``integrity_key_create``): ``no_integrity_key`` 409."""
    try:
        signed = platform_sign(manifest_bytes)
    except KeyFileMissing:
        raise Conflict(
            _("The platform's integrity key is missing: packages cannot be signed."),
            code="no_integrity_key",
        ) from None
    document = {
        "signed_file": MANIFEST,
        "algorithm": ALGORITHM,
        "digest": sm3_hex(manifest_bytes),
        "key_id": signed.key_id,
        "public_key": signed.public_key_hex,
        "signature": signed.signature_hex,
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def manifest_signature_check(
    manifest_bytes: bytes, signature_bytes: bytes | None, public_key_hex: str | None = None
) -> str:
    """``valid``, ``missing`` or ``invalid``: is ``manifest.sig`` the trusted key's signature
    of these manifest bytes? The public key named in the package is not trusted."""
    if signature_bytes is None:
        return SIGNATURE_MISSING
    try:
        document = json.loads(signature_bytes)
        signature_hex = str(document["signature"])
    except (ValueError, KeyError, TypeError):
        return SIGNATURE_INVALID
    if platform_verify(manifest_bytes, signature_hex, public_key_hex):
        return SIGNATURE_VALID
    return SIGNATURE_INVALID


def package_build(folder: ArchiveFolder) -> bytes:
    buffer = io.BytesIO()
    entries = []
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in folder.documents.order_by("created_at", "id"):
            path = f"files/{document.kind}/{document.file_name}"
            if path in used:
                path = f"files/{document.kind}/{document.public_id}-{document.file_name}"
            used.add(path)
            with document.file.open("rb") as handle:
                archive.writestr(path, handle.read())
            entries.append(
                {
                    "path": path,
                    "title": document.title,
                    "kind": document.kind,
                    "stage": document.stage,
                    "origin": f"{document.origin_type}:{document.origin_id}",
                    "size": document.size,
                    "sha256": document.sha256,
                    "sm3": document.sm3,
                }
            )
        manifest = {
            "project": str(folder.project.public_id),
            "project_name": folder.project.name,
            "classification": folder.classification,
            "generated_at": timezone.now().isoformat(),
            "hash_algorithm": "SM3",
            "files": entries,
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(SIGNATURE, manifest_signature(manifest_bytes))
    return buffer.getvalue()


@dataclass
class PackageReport:
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)
    signature: str = SIGNATURE_MISSING  # valid | missing | invalid
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.signature == SIGNATURE_VALID and not (
            self.changed or self.missing or self.unlisted or self.error
        )


def package_verify(
    source: str | Path | bytes, *, public_key_hex: str | None = None
) -> PackageReport:
    """Check the manifest's signature and every file; ``public_key_hex`` overrides the trusted
    platform key (an outside verifier holding only the public key)."""
    report = PackageReport()
    try:
        handle = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
        with handle, zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if MANIFEST not in names:
                report.error = "manifest.json is missing"
                return report
            manifest_bytes = archive.read(MANIFEST)
            signature_bytes = archive.read(SIGNATURE) if SIGNATURE in names else None
            report.signature = manifest_signature_check(
                manifest_bytes, signature_bytes, public_key_hex
            )
            manifest = json.loads(manifest_bytes)
            listed = set()
            for entry in manifest.get("files", []):
                path = entry["path"]
                listed.add(path)
                if path not in names:
                    report.missing.append(path)
                    continue
                try:
                    content = archive.read(path)
                except (zipfile.BadZipFile, OSError, zlib.error):
                    report.changed.append(path)  # the stored bytes fail the zip's own CRC
                    continue
                report.checked += 1
                if sm3_hex(content) != entry["sm3"] or len(content) != entry["size"]:
                    report.changed.append(path)
            report.unlisted = sorted(names - listed - {MANIFEST, SIGNATURE})
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as error:
        report.error = f"unreadable package: {error}"
    return report
