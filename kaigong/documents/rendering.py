"""
The PDF of an official document: A4, Chinese text, the issuer's seal, a verification QR.

Rendered from the document's ``data`` only (services.py composes it), in Chinese whatever
the request's language. The seal is drawn by the program from the issuing department's or
centre's name (certificates.rendering.draw_seal: ring, star, name along the arc); like the
certificate's it shows who issued the document, the SM2 signature is what proves it. The QR
leads to the public verification page (``/documents/verify/<id>/``); the document number
and identifier are also written into the PDF information (Subject, Keywords).
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kaigong.certificates.rendering import _draw_qr, draw_seal
from kaigong.core.pdf import cjk_font_name, one_pdf_at_a_time

VERIFY_PATH = "/documents/verify/"
QR_SIZE = 64
SEAL_RADIUS = 52


def verification_url(public_id: str) -> str:
    base = getattr(settings, "KAIGONG_PUBLIC_BASE_URL", "").rstrip("/")
    return f"{base}{VERIFY_PATH}{public_id}/"


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font_name()
    base = ParagraphStyle(
        "body", fontName=font, fontSize=12, leading=21, wordWrap="CJK", firstLineIndent=24
    )
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=22, leading=30, alignment=TA_CENTER, firstLineIndent=0
        ),
        "issuer": ParagraphStyle(
            "issuer", parent=base, fontSize=14, leading=20, alignment=TA_CENTER, firstLineIndent=0
        ),
        "number": ParagraphStyle(
            "number", parent=base, fontSize=11, alignment=TA_RIGHT, firstLineIndent=0
        ),
        "to": ParagraphStyle("to", parent=base, firstLineIndent=0),
        "body": base,
        "heading": ParagraphStyle(
            "heading", parent=base, fontSize=12.5, leading=22, firstLineIndent=0, spaceBefore=4
        ),
        "cell": ParagraphStyle(
            "cell", parent=base, fontSize=10.5, leading=15, firstLineIndent=0
        ),
        "label": ParagraphStyle(
            "label", parent=base, fontSize=10.5, leading=15, firstLineIndent=0,
            textColor=colors.Color(0.25, 0.25, 0.25),
        ),
    }  # fmt: skip


def _escape(text: Any) -> str:
    return (
        str(text if text is not None else "")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", "<br/>")
    )


class SignatureBlock(Flowable):
    """The issuer's name and the date at the right, the seal drawn over them (盖章处)."""

    def __init__(self, issuer: str, date_text: str, seal_label: str) -> None:
        super().__init__()
        self.issuer, self.date_text, self.seal_label = issuer, date_text, seal_label
        self.height = SEAL_RADIUS * 2 + 16

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.height

    def draw(self) -> None:
        """The seal first, then the name and date on top of it, legible (压字盖章)."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        c = self.canv
        font = cjk_font_name()
        right = self.width - 10
        middle = self.height / 2
        text_width = max(
            stringWidth(self.issuer, font, 12.5), stringWidth(self.date_text, font, 12.5)
        )
        c.saveState()
        c.setFillAlpha(0.85)
        c.setStrokeAlpha(0.85)
        draw_seal(
            c,
            self.issuer,
            right - text_width / 2,
            middle,
            radius=SEAL_RADIUS,
            label=self.seal_label,
        )
        c.restoreState()
        c.setFillColor(colors.black)
        c.setFont(font, 12.5)
        c.drawRightString(right, middle + 8, self.issuer)
        c.drawRightString(right, middle - 14, self.date_text)


def _table(rows: list[list[str]], widths: list[float], styles, header: bool) -> Table:
    body = [
        [Paragraph(_escape(cell), styles["label" if header and r == 0 else "cell"]) for cell in row]
        for r, row in enumerate(rows)
    ]
    table = Table(body, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.Color(0.6, 0.6, 0.6)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.94, 0.94, 0.94)))
    else:
        commands.append(("BACKGROUND", (0, 0), (0, -1), colors.Color(0.96, 0.96, 0.96)))
    table.setStyle(TableStyle(commands))
    return table


def _section(section: dict[str, Any], styles, width: float) -> list[Flowable]:
    parts: list[Flowable] = []
    if section.get("heading"):
        parts.append(Paragraph(_escape(section["heading"]), styles["heading"]))
    if section.get("facts"):
        # two columns: label | value
        parts.append(
            _table([list(row) for row in section["facts"]], [width * 0.26, width * 0.74], styles,
                   header=False)
        )  # fmt: skip
    if section.get("table"):
        columns = section["table"]["columns"]
        share = section["table"].get("widths") or [1 / len(columns)] * len(columns)
        parts.append(
            _table([columns, *section["table"]["rows"]], [width * s for s in share], styles,
                   header=True)
        )  # fmt: skip
    if section.get("paragraphs"):
        parts.append(Spacer(1, 5))
    for line in section.get("paragraphs", []):
        parts.append(Paragraph(_escape(line), styles["body"]))
    parts.append(Spacer(1, 6))
    return parts


@one_pdf_at_a_time
def render_document_pdf(data: dict[str, Any]) -> bytes:
    """The PDF of a document from its data (deterministic for the same data)."""
    with translation.override("zh-hans"):
        return _render(data)


def _render(data: dict[str, Any]) -> bytes:
    font = cjk_font_name()
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=22 * mm,
        bottomMargin=34 * mm,
        title=f"{data['title']} {data['number']}",
        subject=data["document_id"],
        keywords=f"{data['document_id']} {data['number']}",
        author=data["issuer_name"],
        creator="Kaigong",
        invariant=1,
        pageCompression=0,
    )
    width = A4[0] - 50 * mm
    story: list[Flowable] = [
        Paragraph(_escape(data["issuer_name"]), styles["issuer"]),
        Spacer(1, 4),
        Paragraph(_escape(data["title"]), styles["title"]),
        Spacer(1, 6),
        Paragraph(_escape(_("Document No. %(no)s") % {"no": data["number"]}), styles["number"]),
        Spacer(1, 10),
        Paragraph(_escape(f"{data['addressee']}："), styles["to"]),
    ]
    for line in data.get("paragraphs", []):
        story.append(Paragraph(_escape(line), styles["body"]))
    story.append(Spacer(1, 6))
    for section in data.get("sections", []):
        story += _section(section, styles, width)
    for line in data.get("closing", []):
        story.append(Paragraph(_escape(line), styles["body"]))
    story.append(Spacer(1, 14))
    story.append(
        SignatureBlock(data["issuer_name"], data["issued_on_text"], _("Administrative approval seal"))
    )  # fmt: skip

    def footer(c, doc) -> None:
        c.saveState()
        x, y = 25 * mm, 10 * mm
        _draw_qr(c, verification_url(data["document_id"]), x, y, QR_SIZE)
        c.setFont(font, 8.5)
        c.setFillColor(colors.Color(0.2, 0.2, 0.2))
        tx = x + QR_SIZE + 8
        c.drawString(tx, y + 48, _("Scan to verify this document"))
        c.drawString(tx, y + 35, _("Document number: %(no)s") % {"no": data["number"]})
        c.drawString(tx, y + 22, _("Case number: %(no)s") % {"no": data["case_number"]})
        c.drawString(tx, y + 9, data["document_id"])
        c.drawRightString(A4[0] - 25 * mm, y + 9, _("Page %(page)s") % {"page": doc.page})
        c.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
