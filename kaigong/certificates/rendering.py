"""
The certificate's PDF rendition: Chinese text, a seal drawn by the program, a QR code.

The PDF is deterministic for the same data (reportlab ``invariant``), so its SM3 can be
recomputed. The identifier is written into the document information (Subject, Keywords),
which is how an uploaded file is matched to its record (verification.py). The seal is a
drawing — a red ring, a five-pointed star and the department's name along the arc — not a
GB/T 38540 electronic seal: the legally effective seal comes from the national seal
system (docs/legal.md#gbt-36904); this one only shows who issued the certificate.
OFD is the official format (GB/T 33190); the PDF is the display rendition.
"""

from __future__ import annotations

import ast
import io
import math
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

import qrcode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from kaigong.core.pdf import cjk_font_name, one_pdf_at_a_time

VERIFY_PATH = "/certificates/verify/"
SEAL_RED = colors.Color(0.85, 0.1, 0.1)
LIST_SEPARATOR = "、"


# --- data by label: one rule for pages, certificates and PDFs -------------------------


def _choice_labels(choices: Iterable[Any] | None) -> dict[str, str]:
    labels = {}
    for choice in choices or ():
        if isinstance(choice, Mapping):
            labels[str(choice.get("value"))] = str(choice.get("label") or choice.get("value"))
        elif isinstance(choice, list | tuple) and len(choice) == 2:
            labels[str(choice[0])] = str(choice[1])
    return labels


def _as_list(value: Any) -> list[Any] | None:
    """A list value; also the text of a list written by an older release (``"['a', 'b']"``)."""
    if isinstance(value, list | tuple | set):
        return list(value)
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return None
        return list(parsed) if isinstance(parsed, list | tuple) else None
    return None


def _number_text(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if number == number.to_integral_value():
        return f"{int(number)}"
    return format(number.normalize(), "f")


def _date_text(value: Any) -> str:
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    return day.isoformat()


def value_text(
    value: Any, *, field_type: str = "string", choices: Iterable[Any] | None = None, unit: str = ""
) -> str:
    """
    A form or certificate value as a person reads it: choices by their labels, several
    joined with 、, yes/no in words, numbers without a trailing ``.0``, the unit after the
    number, dates as dates. Empty values give ``""``; never a raw list or ``None``.
    """
    if value is None or value == "" or value == []:
        return ""
    labels = _choice_labels(choices)
    several = _as_list(value)
    if several is not None:
        parts = [
            value_text(v, field_type="choice" if labels else field_type, choices=choices)
            for v in several
        ]
        return LIST_SEPARATOR.join(p for p in parts if p)
    if isinstance(value, Mapping):
        return LIST_SEPARATOR.join(value_text(v) for v in value.values() if v not in (None, ""))
    if field_type == "boolean" or isinstance(value, bool):
        truth = value if isinstance(value, bool) else str(value).lower() in ("true", "1", "yes")
        return str(_("Yes") if truth else _("No"))
    if labels and str(value) in labels:
        return labels[str(value)]
    if field_type in ("integer", "decimal") or isinstance(value, int | float | Decimal):
        text = _number_text(value)
    elif field_type == "date" or isinstance(value, date):
        text = _date_text(value)
    else:
        text = str(value)
    return f"{text} {unit}" if unit else text


def spec_value_text(spec: Any, value: Any) -> str:
    """``value_text`` for a field described by a FieldSpec (or a mapping with its fields)."""
    get = (
        spec.get
        if isinstance(spec, Mapping)
        else lambda name, default=None: getattr(spec, name, default)
    )
    return value_text(
        value,
        field_type=str(get("field_type", "string") or "string"),
        choices=get("choices", None),
        unit=str(get("unit", "") or ""),
    )


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


@one_pdf_at_a_time
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
    rows += [
        (str(field.get("label") or ""), value_text(field.get("value")) or "—")
        for field in data.get("surface", [])
    ]
    valid_to = data.get("valid_to") or _("No time limit")
    rows += [
        (_("Validity"), f"{data['valid_from']} — {valid_to}"),
        (_("Issuing department"), data["issuer_name"]),
        (_("Issued on"), data["issued_on"]),
    ]
    _draw_rows(c, font, rows, top=height - 150, bottom=170, left=90, right=width - 240)

    qr_size = 96
    _draw_qr(c, verification_url(data["identifier"]), 60, 52, qr_size)
    c.setFont(font, 9)
    c.drawString(60 + qr_size + 10, 62, _("Scan to verify"))
    c.drawString(60 + qr_size + 10, 50, data["identifier"])

    draw_seal(c, data["issuer_name"], width - 170, 150)
    c.showPage()
    c.save()
    return buffer.getvalue()


def _lines(text: str, font: str, size: float, max_width: float) -> list[str]:
    """``text`` broken into lines no wider than ``max_width`` (character by character)."""
    lines = []
    for paragraph in str(text).splitlines() or [""]:
        line = ""
        for char in paragraph:
            if line and stringWidth(line + char, font, size) > max_width:
                lines.append(line)
                line = char
            else:
                line += char
        lines.append(line)
    return lines


def layout_rows(
    font: str, rows, *, top: float, bottom: float, left: float, right: float
) -> tuple[float, list[tuple[float, float, str]]]:
    """
    Label–value rows in two columns: the label column as wide as the longest label (at most
    a third of the width, longer labels wrap), values wrapped in theirs, each row as tall as
    its longest cell; the font shrinks until every row fits between ``top`` and ``bottom``.
    Returns the font size and every line as ``(x, y, text)``.
    """
    for size in (13, 12, 11, 10, 9, 8):
        leading = size * 1.35
        gap = size * 0.6
        label_width = min(
            max((stringWidth(f"{label}：", font, size) for label, _v in rows), default=0),
            (right - left) / 3,
        )
        value_x = left + label_width + size
        laid = [
            (
                _lines(f"{label}：", font, size, label_width),
                _lines(value, font, size, right - value_x),
            )
            for label, value in rows
        ]
        height = sum(max(len(a), len(b)) * leading + gap for a, b in laid)
        if top - height >= bottom:
            break
    lines: list[tuple[float, float, str]] = []
    y = top
    for label_lines, value_lines in laid:
        lines += [(left, y - i * leading, line) for i, line in enumerate(label_lines)]
        lines += [(value_x, y - i * leading, line) for i, line in enumerate(value_lines)]
        y -= max(len(label_lines), len(value_lines)) * leading + gap
    # what still does not fit at the smallest size is cut rather than drawn over the QR code
    return size, [line for line in lines if line[1] >= bottom]


def _draw_rows(c, font, rows, *, top: float, bottom: float, left: float, right: float) -> None:
    size, lines = layout_rows(font, rows, top=top, bottom=bottom, left=left, right=right)
    c.setFont(font, size)
    for x, y, text in lines:
        c.drawString(x, y, text)
