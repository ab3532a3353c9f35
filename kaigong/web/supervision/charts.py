"""
Server-rendered SVG charts (no JavaScript, no inline styles: colours are classes of
supervision.css). Each chart has a <title> and a text table beside it in the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_H = 22
GAP = 8
LABEL_W = 150
WIDTH = 520


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, float, str]],
    *,
    unit: str = "",
    maximum: float | None = None,
) -> SafeString:
    """Horizontal bars: (label, value, css class) per row."""
    top = max([maximum or 0, *(float(v) for _l, v, _c in rows)]) or 1
    span = WIDTH - LABEL_W - 60
    height = max(1, len(rows)) * (BAR_H + GAP) + GAP
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for n, (label, value, css) in enumerate(rows):
        y = GAP + n * (BAR_H + GAP)
        w = round(span * float(value) / top, 1)
        parts.append(
            f'<text class="chart-label" x="{LABEL_W - 6}" y="{y + BAR_H - 6}" text-anchor="end">'
            f"{escape(str(label)[:14])}</text>"
            f'<rect class="bar {escape(css)}" x="{LABEL_W}" y="{y}" width="{w}" height="{BAR_H}" rx="3"/>'
            f'<text class="chart-value" x="{LABEL_W + w + 6}" y="{y + BAR_H - 6}">'
            f"{escape(_num(value))}{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def stacked_bar(
    title: str, parts_in: Sequence[tuple[str, float, str]], *, unit: str = ""
) -> SafeString:
    """One bar split into parts (time by party), with a legend."""
    total = sum(float(v) for _l, v, _c in parts_in) or 1
    height = 40 + 18 * len(parts_in)
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    x = 0.0
    for _label, value, css in parts_in:
        w = WIDTH * float(value) / total
        out.append(
            f'<rect class="bar {escape(css)}" x="{round(x, 1)}" y="0" width="{round(w, 1)}" height="28"/>'
        )
        x += w
    for n, (label, value, css) in enumerate(parts_in):
        y = 38 + 18 * n
        out.append(
            f'<rect class="bar {escape(css)}" x="0" y="{y}" width="12" height="12"/>'
            f'<text class="chart-label" x="18" y="{y + 11}">{escape(label)} {escape(_num(value))}{escape(unit)}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))


def column_chart(
    title: str, columns: Sequence[tuple[str, float]], *, css: str = "bad"
) -> SafeString:
    """Vertical columns (a trend): (label, value) per column."""
    top = max([1.0, *(float(v) for _l, v in columns)])
    height, base = 180, 150
    step = WIDTH / max(1, len(columns))
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for n, (label, value) in enumerate(columns):
        h = round(120 * float(value) / top, 1)
        x = round(n * step + step * 0.2, 1)
        out.append(
            f'<rect class="bar {css}" x="{x}" y="{base - h}" width="{round(step * 0.6, 1)}" height="{h}"/>'
            f'<text class="chart-value" x="{x}" y="{base - h - 4}">{escape(_num(value))}</text>'
            f'<text class="chart-label" x="{x}" y="{base + 16}">{escape(label)}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))


def _num(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value)) if isinstance(value, (int, float)) else str(value)
