"""
The printable guide ("一张表") as a PDF, in Chinese (reportlab + the machine's CJK font,
``core.pdf.cjk_font_name``). Renders a computed ``Guide``; decides nothing.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kaigong.core.pdf import cjk_font_name, one_pdf_at_a_time

if TYPE_CHECKING:
    from .guide import Guide
    from .models import Project


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font_name()
    base = ParagraphStyle(
        "base", fontName=font, fontSize=9, leading=13, alignment=TA_LEFT, wordWrap="CJK"
    )
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11),
        "h1": ParagraphStyle("h1", parent=base, fontSize=16, leading=22, spaceAfter=6),
        "h2": ParagraphStyle(
            "h2", parent=base, fontSize=12, leading=17, spaceBefore=8, spaceAfter=4
        ),
    }


def _esc(value: object) -> str:
    return (
        str(value if value is not None else "")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def _table(rows: list[list[object]], widths: list[float], style: ParagraphStyle) -> Table:
    cells = [[Paragraph(_esc(c), style) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e7eb")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


@one_pdf_at_a_time
def guide_pdf(project: Project, guide: Guide) -> bytes:
    """The guide of ``project`` as PDF bytes."""
    s = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=_("Customised guide: %(name)s") % {"name": project.name},
    )
    story: list = [
        Paragraph(_esc(_("Customised guide: %(name)s") % {"name": project.name}), s["h1"]),
        Paragraph(
            _esc(
                _("Enterprise: %(enterprise)s · catalogue as of %(on)s")
                % {"enterprise": project.enterprise.name, "on": guide.on}
            ),
            s["base"],
        ),
        Paragraph(
            _esc(
                _(
                    "%(matters)s matters; materials: %(before)s listed by the matters, "
                    "%(after)s after merging, %(upload)s to upload."
                )
                % {
                    "matters": len(guide.matters),
                    "before": guide.materials_before,
                    "after": guide.materials_after,
                    "upload": guide.materials_to_upload,
                }
            ),
            s["base"],
        ),
    ]
    width = A4[0] - 28 * mm
    for stage in guide.stages:
        story.append(Paragraph(_esc(stage.name), s["h2"]))
        rows: list[list[object]] = [
            [
                _("Matter"),
                _("Department"),
                _("Promised / statutory"),
                _("Fees"),
                _("Result certificates"),
            ]
        ]
        for m in stage.matters:
            fees = "；".join(f.get("name", "") for f in m.fees) or (
                _("Fee charged") if m.is_fee else _("Free")
            )
            rows.append(
                [
                    m.name,
                    m.department,
                    f"{m.promised_days} / {m.statutory_limit} {m.statutory_unit}",
                    fees,
                    "、".join(m.result_certificates) or m.result_name,
                ]
            )
        story.append(
            _table(
                rows,
                [width * 0.3, width * 0.18, width * 0.16, width * 0.14, width * 0.22],
                s["small"],
            )
        )
    story.append(Paragraph(_esc(_("Materials (merged)")), s["h2"]))
    rows = [
        [_("Material"), _("Needed by"), _("May be deferred"), _("Covered by a held certificate")]
    ]
    for material in guide.materials:
        rows.append(
            [
                material.name,
                "、".join(material.matters),
                _("Yes") if material.deferrable else _("No"),
                "、".join(material.covered_by) or "—",
            ]
        )
    story.append(_table(rows, [width * 0.3, width * 0.4, width * 0.12, width * 0.18], s["small"]))
    if guide.intermediary_services:
        story.append(Paragraph(_esc(_("Intermediary services needed")), s["h2"]))
        rows = [[_("Service"), _("For")]] + [
            [svc["name"], "、".join(svc["matters"])] for svc in guide.intermediary_services
        ]
        story.append(_table(rows, [width * 0.4, width * 0.6], s["small"]))
    if guide.dependencies:
        story.append(Paragraph(_esc(_("Dependencies between matters")), s["h2"]))
        rows = [[_("Matter"), _("Needs"), pgettext("project link", "Kind")]] + [
            [d["to_name"], d["from_name"], d["kind_label"]] for d in guide.dependencies
        ]
        story.append(_table(rows, [width * 0.38, width * 0.38, width * 0.24], s["small"]))
    story.append(Spacer(1, 6 * mm))
    story.append(
        Paragraph(
            _esc(
                _(
                    "Figures are computed from the published catalogue and your answers; "
                    "the legal due dates are set when each application is accepted."
                )
            ),
            s["small"],
        )
    )
    doc.build(story)
    return buffer.getvalue()
