"""
The certificate's PDF rendition: Chinese text, a seal drawn by the program, a QR code.

The PDF is deterministic for the same data (reportlab ``invariant``), so its SM3 can be
recomputed. The identifier is written into the document information (Subject, Keywords),
which is how an uploaded file is matched to its record (verification.py). The seal is a
drawing — a red ring, a five-pointed star and the department's name along the arc — not a
GB/T 38540 electronic seal: the legally effective seal comes from the national seal
system (domain.md §6.4 items 3–4); this one only shows who issued the certificate.
OFD is the official format (GB/T 33190); the PDF is the display rendition.
"""

from __future__ import annotations

import io
import math
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

import qrcode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from kaigong.core.pdf import cjk_font_name

VERIFY_PATH = "/certificates/verify/"
SEAL_RED = colors.Color(0.85, 0.1, 0.1)


def verification_url(identifier: str) -> str:
    base = getattr(settings, "KAIGONG_PUBLIC_BASE_URL", "").rstrip("/")
    return f"{base}{VERIFY_PATH}?id={identifier}"


def _draw_qr(c: canvas.Canvas, text: str, x: float, y: float, size: float) -> None:
    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    cell = size / len(matrix)
    c.setFillColor(colors.white)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(colors.black)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                c.rect(
                    x + col_index * cell,
                    y + size - (row_index + 1) * cell,
                    cell,
                    cell,
                    stroke=0,
                    fill=1,
                )


def _star_points(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    inner = outer * 0.382
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def draw_seal(
    c: canvas.Canvas,
    name: str,
    cx: float,
    cy: float,
    radius: float = 62,
    *,
    label: str | None = None,
) -> None:
    """A round official seal: ring, star, the name along the upper arc, a line below
    (``label``, by default the certificate seal's; the documents app names its own)."""
    font = cjk_font_name()
    c.saveState()
    c.setStrokeColor(SEAL_RED)
    c.setFillColor(SEAL_RED)
    c.setLineWidth(3)
    c.circle(cx, cy, radius, stroke=1, fill=0)
    path = c.beginPath()
    points = _star_points(cx, cy, radius * 0.3)
    path.moveTo(*points[0])
    for point in points[1:]:
        path.lineTo(*point)
    path.close()
    c.drawPath(path, stroke=0, fill=1)
    # the name along the arc, from lower left over the top to lower right
    chars = list(name)[:20]
    size = 14 if len(chars) <= 12 else 11
    span = min(250.0, 20.0 * len(chars))
    start = 90 + span / 2
    step = span / max(len(chars) - 1, 1)
    for i, char in enumerate(chars):
        angle = math.radians(start - i * step)
        x = cx + (radius - size - 2) * math.cos(angle)
        y = cy + (radius - size - 2) * math.sin(angle)
        c.saveState()
        c.translate(x, y)
        c.rotate(math.degrees(angle) - 90)
        c.setFont(font, size)
        c.drawCentredString(0, -size / 3, char)
        c.restoreState()
    c.setFont(font, 9)
    bottom = _("Electronic certificate seal") if label is None else label
    c.drawCentredString(cx, cy - radius * 0.55, bottom)
    c.restoreState()


def render_pdf(data: dict[str, Any]) -> bytes:
    """The PDF of a certificate, from its signed data only."""
    with translation.override("zh-hans"):
        return _render(data)


def _render(data: dict[str, Any]) -> bytes:
    font = cjk_font_name()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    c = canvas.Canvas(buffer, pagesize=(width, height), invariant=1, pageCompression=0)
    c.setTitle(f"{data['type_name']} {data['license_no']}")
    c.setSubject(data["identifier"])
    c.setKeywords(data["identifier"])
    c.setAuthor(data["issuer_name"])
    c.setCreator("Kaigong")

    # frame
    c.setStrokeColor(colors.Color(0.55, 0.35, 0.1))
    c.setLineWidth(3)
    c.rect(24, 24, width - 48, height - 48)
    c.setLineWidth(1)
    c.rect(32, 32, width - 64, height - 64)

    c.setFillColor(colors.black)
    c.setFont(font, 30)
    c.drawCentredString(width / 2, height - 95, data["type_name"])
    c.setFont(font, 11)
    c.drawRightString(width - 60, height - 60, _("No. %(no)s") % {"no": data["license_no"]})

    rows: list[tuple[str, str]] = [
        (_("Holder"), data["holder_name"]),
        (_("Holder code"), data["holder_code"]),
    ]
    if data.get("project_name"):
        rows.append((_("Project"), data["project_name"]))
    if data.get("project_code"):
        rows.append((_("Investment project code"), data["project_code"]))
    rows += [(field["label"], str(field["value"])) for field in data.get("surface", [])]
    valid_to = data.get("valid_to") or _("No time limit")
    rows += [
        (_("Validity"), f"{data['valid_from']} — {valid_to}"),
        (_("Issuing department"), data["issuer_name"]),
        (_("Issued on"), data["issued_on"]),
    ]
    y = height - 150
    label_x, value_x = 90, 250
    for label, value in rows[:16]:
        c.setFont(font, 13)
        c.drawString(label_x, y, f"{label}：")
        _draw_wrapped(c, font, 13, value, value_x, y, width - value_x - 230)
        y -= 26 if len(value) <= 40 else 42

    qr_size = 96
    _draw_qr(c, verification_url(data["identifier"]), 60, 52, qr_size)
    c.setFont(font, 9)
    c.drawString(60 + qr_size + 10, 62, _("Scan to verify"))
    c.drawString(60 + qr_size + 10, 50, data["identifier"])

    draw_seal(c, data["issuer_name"], width - 170, 150)
    c.showPage()
    c.save()
    return buffer.getvalue()


def _draw_wrapped(c, font, size, text, x, y, max_width) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    line, lines = "", []
    for char in text:
        if stringWidth(line + char, font, size) > max_width:
            lines.append(line)
            line = char
        else:
            line += char
    lines.append(line)
    c.setFont(font, size)
    for i, part in enumerate(lines[:2]):
        c.drawString(x, y - i * 16, part)
