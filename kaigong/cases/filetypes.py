"""
What a file is, from its first bytes (never from its name), and a safe name to show.

Known: PDF, PNG, JPEG, OFD and DOCX (both ZIP containers, told apart by their entries).
A ZIP container (docx, xlsx, ofd …) is refused before anything opens its entries when it
would expand too far (``zip_expansion_problem``: a "zip bomb").
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
OFD = "application/ofd"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UNKNOWN = "application/octet-stream"

# A ZIP container may expand to at most this much in total, at most this many times its
# own size, with at most this many entries (real office documents stay far below).
ZIP_MAX_TOTAL_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_ENTRIES = 10_000
ZIP_TOO_LARGE = "file_expands_too_much"  # the error code of such a file

# file format names used by the catalogue ("formats": ["pdf", "jpg" …]) → detected type
FORMAT_TYPES = {"pdf": PDF, "png": PNG, "jpg": JPEG, "jpeg": JPEG, "ofd": OFD, "docx": DOCX}
TYPE_EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", OFD: "ofd", DOCX: "docx", UNKNOWN: "bin"}


def detect_type(head: bytes, *, whole: bytes | None = None) -> str:
    """
    Return the MIME type of a file from its first bytes; ZIP containers need ``whole``
    (the full content) to be told apart. Unknown content is ``application/octet-stream``.
    """
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04") and whole is not None:
        try:
            names = set(zipfile.ZipFile(io.BytesIO(whole)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return UNKNOWN
        if "OFD.xml" in names:
            return OFD
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return DOCX
    return UNKNOWN


def zip_expansion_problem(
    whole: bytes,
    *,
    max_total: int = ZIP_MAX_TOTAL_BYTES,
    max_ratio: int = ZIP_MAX_RATIO,
    max_entries: int = ZIP_MAX_ENTRIES,
) -> str | None:
    """
    Why a ZIP container must not be opened (too many entries, too large once expanded, or
    expanding too many times its size), or None when it is fine or not a ZIP at all.

    Only the central directory is read (no entry is decompressed). The declared sizes are
    what ``zipfile`` enforces when an entry is read later (it stops at ``file_size``), so
    checking them bounds every later expansion.
    """
    if not whole.startswith(b"PK\x03\x04"):
        return None
    try:
        infos = zipfile.ZipFile(io.BytesIO(whole)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None  # not a readable ZIP: detect_type calls it unknown
    if len(infos) > max_entries:
        return "entries"
    total = sum(info.file_size for info in infos)
    if total > max_total:
        return "total"
    if total > max_ratio * max(len(whole), 1):
        return "ratio"
    return None


_UNSAFE = re.compile(r"[^\w.\-（）()\[\] ]+", re.UNICODE)


def sanitise_name(name: str, *, max_length: int = 120) -> str:
    """
    A display name without directories, control characters or shell-special characters;
    Chinese letters are kept. Never used as a storage path.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" ._")
    if not name:
        name = "file"
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        if dot and len(ext) <= 10:
            name = stem[: max_length - len(ext) - 1] + "." + ext
        else:
            name = name[:max_length]
    return name
