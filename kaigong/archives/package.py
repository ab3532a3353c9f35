"""
The export package of a project's archive (归档信息包) and its verification.

A zip with ``manifest.json`` and ``files/<kind>/<name>``; the manifest lists for every file
its path, title, kind, origin, size, SHA-256 and SM3. ``package_verify`` recomputes the
hashes and names every changed, missing or unlisted file (四性检测: integrity).
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from kaigong.certificates.crypto import sm3_hex

from .models import ArchiveFolder

MANIFEST = "manifest.json"


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
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    return buffer.getvalue()


@dataclass
class PackageReport:
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.unlisted or self.error)


def package_verify(source: str | Path | bytes) -> PackageReport:
    report = PackageReport()
    try:
        handle = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
        with handle, zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if MANIFEST not in names:
                report.error = "manifest.json is missing"
                return report
            manifest = json.loads(archive.read(MANIFEST))
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
            report.unlisted = sorted(names - listed - {MANIFEST})
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as error:
        report.error = f"unreadable package: {error}"
    return report
