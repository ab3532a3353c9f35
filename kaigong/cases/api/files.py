"""
The HTTP answer for a submitted file, shared by the API and the staff pages: PDF and
images inline, other formats as a download, never sniffed, sandboxed, never cached.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation

from kaigong.cases.services.material_access import MaterialFile

# rule: a file handed in by an applicant is untrusted content: no scripts, no plugins, no
# requests of its own, no same-origin access when opened in the browser (DESIGN.md §7)
FILE_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "object-src 'self'; frame-ancestors 'self'; form-action 'none'; base-uri 'none'"
)


def content_disposition(filename: str, *, inline: bool) -> str:
    """``inline``/``attachment`` with an ASCII fallback and the RFC 5987 ``filename*``."""
    kind = "inline" if inline else "attachment"
    # the fallback for old clients: the ASCII letters of the name, else "file.<ext>"
    stem, dot, ext = filename.rpartition(".")
    stem = "".join(
        ch for ch in (stem if dot else filename) if ch.isascii() and ch.isalnum() or ch in "-_"
    )
    ext = "".join(ch for ch in ext if ch.isascii() and ch.isalnum()) if dot else ""
    stem = stem.strip("_-") or "file"
    fallback = f"{stem}.{ext}" if ext else stem
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def material_file_response(opened: MaterialFile) -> FileResponse:
    response = FileResponse(opened.file, content_type=opened.content_type)
    response["Content-Disposition"] = content_disposition(opened.filename, inline=opened.inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


class FileContentNegotiation(DefaultContentNegotiation):
    """A file endpoint answers a client that accepts only the file's type (``Accept:
    application/pdf``): the file is not rendered, and errors fall back to problem JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type
