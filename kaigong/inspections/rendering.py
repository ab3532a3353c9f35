"""
PDFs of the inspection record (踏勘记录) and the consolidated opinion letter (联合评审意见):
the documents app's layout (A4, Chinese text, the seal, a verification QR), with the QR
leading to this app's own verification page.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from kaigong.certificates.rendering import _draw_qr
from kaigong.core.pdf import cjk_font_name, one_pdf_at_a_time
from kaigong.documents.rendering import QR_SIZE, SignatureBlock, _escape, _section, _styles

from .constants import Conclusion, ItemResult, Severity, Topic


def public_url(path: str) -> str:
    return f"{getattr(settings, 'KAIGONG_PUBLIC_BASE_URL', '').rstrip('/')}{path}"


def _pdf(*, title: str, number: str, issuer: str, addressee: str, paragraphs: list[str],
         sections: list[dict], closing: list[str], date_text: str, verify_url: str,
         footer_lines: list[str], seal_label: str) -> bytes:  # fmt: skip
    font = cjk_font_name()
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
        bottomMargin=34 * mm, title=f"{title} {number}", subject=number, keywords=number,
        author=issuer, creator="Kaigong", invariant=1, pageCompression=0,
    )  # fmt: skip
    width = A4[0] - 44 * mm
    story: list[Flowable] = [
        Paragraph(_escape(issuer), styles["issuer"]),
        Spacer(1, 4),
        Paragraph(_escape(title), styles["title"]),
        Spacer(1, 6),
        Paragraph(_escape(_("No. %(no)s") % {"no": number}), styles["number"]),
        Spacer(1, 8),
    ]
    if addressee:
        story.append(Paragraph(_escape(f"{addressee}："), styles["to"]))
    story += [Paragraph(_escape(line), styles["body"]) for line in paragraphs]
    for section in sections:
        story += _section(section, styles, width)
    story += [Paragraph(_escape(line), styles["body"]) for line in closing]
    story.append(Spacer(1, 12))
    story.append(SignatureBlock(issuer, date_text, seal_label))

    def footer(c, doc) -> None:
        c.saveState()
        x, y = 22 * mm, 10 * mm
        _draw_qr(c, verify_url, x, y, QR_SIZE)
        c.setFont(font, 8.5)
        c.setFillColor(colors.Color(0.2, 0.2, 0.2))
        for i, line in enumerate(footer_lines[:4]):
            c.drawString(x + QR_SIZE + 8, y + 48 - 13 * i, line)
        c.drawRightString(A4[0] - 22 * mm, y + 9, _("Page %(page)s") % {"page": doc.page})
        c.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _date_text(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def _ms(value: Any) -> str:
    if value is None:
        return "—"
    seconds = int(value) // 1000
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


@one_pdf_at_a_time
def record_pdf(record: Any) -> bytes:
    """The record's PDF, from its frozen data and its signatures (deterministic)."""
    with translation.override("zh-hans"):
        return _record_pdf(record)


def _record_pdf(record: Any) -> bytes:
    data = record.data
    results = dict(ItemResult.choices)
    rows = [
        [str(i), item["title"], str(results.get(item["result"], item["result"])),
         item["note"] or "—", _ms(item["call_offset_ms"]),
         "\n".join(f"{_ms(s['call_offset_ms'])} SM3 {s['sm3'][:16]}…" for s in item["snapshots"])
         or "—"]
        for i, item in enumerate(data["items"], 1)
    ]  # fmt: skip
    location = data["location"]
    outside = location["outside"]
    facts = [
        [_("Case number"), data["case_number"] or "—"],
        [_("Project"), data["project"]],
        [_("Enterprise"), data["enterprise"]],
        [_("Matter"), data["matter"]],
        [_("Standard"), f"{data['standard']['title']}（v{data['standard']['version']}）"],
        [_("Inspectors"), "、".join(data["inspectors"])],
        [_("Person on site"), data["site_person"] or "—"],
        [pgettext("video inspection", "Call"), f"{data['started_at'] or '—'} — {data['ended_at']}"],
        [_("Location samples"),
         _("%(n)s samples, %(o)s outside the site") % {"n": len(location["samples"]), "o": outside}],
    ]  # fmt: skip
    recorded = data.get("recording")
    if recorded:
        facts.append([_("Call recording"),
                      _("%(n)s segments, chain head (SM3) %(h)s")
                      % {"n": len(recorded["segments"]), "h": recorded["stamp"]["chain_head"]}])  # fmt: skip
    signatures = [
        [s.signer_name, s.get_role_display(), _date_text(s.signed_at), s.signature_hex[:24] + "…"]
        for s in record.signatures.order_by("signed_at", "id")
    ]
    sections: list[dict[str, Any]] = [
        {"heading": _("Inspection"), "facts": facts},
        {"heading": _("Checklist"),
         "table": {"columns": [_("No."), pgettext("checklist", "Item"), _("Result"), _("Note"), _("Call time"),
                               _("Snapshots")],
                   "rows": rows, "widths": [0.06, 0.24, 0.14, 0.22, 0.12, 0.22]}},
        {"heading": _("Conclusion"),
         "paragraphs": [str(dict(Conclusion.choices)[data["conclusion"]]), data["summary"],
                        *[f"{i}. {r}" for i, r in enumerate(data["rectifications"], 1)]]},
        {"heading": _("Signatures"),
         "table": {"columns": [_("Signer"), _("As"), _("Date"), _("Signature (SM2)")],
                   "rows": signatures, "widths": [0.22, 0.26, 0.2, 0.32]}},
    ]  # fmt: skip
    return _pdf(
        title=_("Site inspection record"),
        number=record.number,
        issuer=data["department"],
        addressee="",
        paragraphs=[],
        sections=sections,
        closing=[_("Content digest (SM3): %(d)s") % {"d": record.content_sm3}],
        date_text=_date_text(record.signatures.order_by("-signed_at").first().signed_at),
        verify_url=public_url(f"/inspections/records/{record.public_id}/verify/"),
        footer_lines=[_("Scan to verify this record"), record.number, str(record.public_id)],
        seal_label=_("Inspection seal"),
    )


@one_pdf_at_a_time
def letter_pdf(letter: Any) -> bytes:
    """One round's letter (a ReviewLetter with its ``data`` and ``issued_at`` set)."""
    with translation.override("zh-hans"):
        return _letter_pdf(letter)


def _letter_pdf(letter: Any) -> bytes:
    data = letter.data
    topics, severities = dict(Topic.choices), dict(Severity.choices)
    rows = [
        [str(m["n"]), str(topics.get(m["topic"], m["topic"])), m["material"], m["clause"],
         str(severities[m["severity"]]),
         "\n".join(m["texts"] + ([_("Resolved at the meeting: %(r)s") % {"r": m["resolution"]}]
                                 if m.get("resolution") else [])),
         "、".join(m["experts"])]
        for m in data["items"]
    ]  # fmt: skip
    must = sum(1 for m in data["items"] if m["severity"] == Severity.MUST_FIX)
    return _pdf(
        title=_("Consolidated opinion of the joint review"),
        number=data["number"],
        issuer=data["lead_department"],
        addressee=data["enterprise"],
        paragraphs=[
            _("Your application %(case)s (%(project)s) was reviewed jointly for: %(matters)s.")
            % {
                "case": data["case_number"],
                "project": data["project"],
                "matters": "、".join(data["matters"]),
            },
            _("Panel: %(panel)s (draw %(draw)s).")
            % {"panel": "、".join(data["panel"]), "draw": data["draw_url"]},
            _("Review round %(n)s. Signed expert opinions: %(signed)s (quorum %(q)s).")
            % {"n": data["round"], "signed": "、".join(data["signed_by"]), "q": data["quorum"]},
        ],  # fmt: skip
        sections=[
            {
                "heading": _("Opinions"),
                "table": {
                    "columns": [
                        _("No."),
                        _("Topic"),
                        _("Material"),
                        _("Clause"),
                        _("Severity"),
                        _("Opinion"),
                        _("Experts"),
                    ],
                    "rows": rows,
                    "widths": [0.06, 0.12, 0.14, 0.14, 0.1, 0.32, 0.12],
                },
            },
        ],  # fmt: skip
        closing=[
            _("%(n)s item(s) must be fixed: answer all of them in one correction.") % {"n": must}
            if must
            else _("Nothing must be fixed."),
            _("Each department decides its own matter."),
        ],
        date_text=_date_text(letter.issued_at),
        verify_url=public_url(data["draw_url"]),
        footer_lines=[_("Scan to re-run the panel draw"), data["number"], data["review"]],
        seal_label=_("Joint review seal"),
    )
