"""
Opening a submitted material: who may, and the audit record each view or download leaves.

Files are served only through a permission check and every access leaves an audit record
(DESIGN.md §7: served only through permission checks; every write, and here every read of
a file, is recorded).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from kaigong.cases.exceptions import MaterialNotFound
from kaigong.cases.filetypes import JPEG, PDF, PNG, TYPE_EXTENSIONS, sanitise_name
from kaigong.cases.models import SubmittedMaterial
from kaigong.cases.permissions import can_view_material
from kaigong.core.exceptions import PermissionDenied
from kaigong.core.services import audit_record

# types a browser shows itself (its PDF viewer, an image); everything else is downloaded
INLINE_TYPES = frozenset({PDF, PNG, JPEG})

AUDIT_VIEWED = "material.viewed"
AUDIT_DOWNLOADED = "material.downloaded"


@dataclass(frozen=True)
class MaterialFile:
    """What a file response needs: the open file, its type, name and disposition."""

    material: SubmittedMaterial
    file: Any
    content_type: str
    filename: str
    inline: bool


def material_filename(material: SubmittedMaterial) -> str:
    """The name offered to the browser: the sanitised original, with the detected type's
    extension (never the one typed by the applicant)."""
    ext = TYPE_EXTENSIONS.get(material.content_type, "bin")
    stem = sanitise_name(material.original_name or material.material.name)
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    stem = stem.strip(" ._") or material.material.name
    return f"{stem}.{ext}"


@transaction.atomic
def material_open(
    *, material: SubmittedMaterial, actor: Any, download: bool = False, channel: str = "web"
) -> MaterialFile:
    """
    Open one submitted file for ``actor`` and leave an audit record (who, which file,
    when, inline or downloaded). The caller found ``material`` through
    ``case_material_get_for`` (visibility); a held certificate (免提交) has no file.

    Errors: ``permission_denied`` (403, checked again here); ``material_not_found`` (404,
    no stored file).
    """
    if not can_view_material(actor, material):
        raise PermissionDenied()
    if not material.file:
        raise MaterialNotFound()
    try:
        handle = material.file.open("rb")
    except (FileNotFoundError, OSError):
        raise MaterialNotFound() from None
    content_type = material.content_type or "application/octet-stream"
    inline = content_type in INLINE_TYPES and not download
    audit_record(
        actor=actor,
        action=AUDIT_VIEWED if inline else AUDIT_DOWNLOADED,
        obj=material,
        summary=f"{material.case.number or material.case.public_id} · {material.material.name}",
        data={
            "case": str(material.case.public_id),
            "material": material.material.code,
            "file": material.original_name,
            "sha256": material.sha256,
            "sm3": material.sm3,
            "size": material.size,
            "inline": inline,
            "channel": channel,
        },
    )
    return MaterialFile(
        material=material,
        file=handle,
        content_type=content_type,
        filename=material_filename(material),
        inline=inline,
    )
