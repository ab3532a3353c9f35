"""
Chinese text in PDFs (reportlab): one place that finds and registers a CJK font.

A TrueType CJK font from the machine is embedded (subset) so that any reader shows the
glyphs; the font Debian's ``fonts-wqy-microhei`` installs is looked for first (make
install adds it when it can). Without one, reportlab's built-in ``STSong-Light`` CID font
is used: valid Chinese PDF text, but readers must supply the glyphs.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "KaigongCJK"
_CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)


@functools.cache
def cjk_font_name() -> str:
    """Register the CJK font once and return the name to use in canvases and styles."""
    for path, index in _CANDIDATES:
        if Path(path).exists():
            try:
                pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=index))
                return FONT_NAME
            except Exception:  # noqa: BLE001 - an unreadable font: try the next one
                continue
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def cjk_font_is_embedded() -> bool:
    return cjk_font_name() == FONT_NAME


# reportlab keeps a registered TrueType font's subsets on the font object itself, one per
# document being written: two threads writing PDFs with the same font at once corrupt it
# (KeyError in TTFont.makeSubset, seen under the ASGI server, which runs each request's view
# in a thread of its own, when two applications were accepted at the same moment). Every
# PDF Kaigong writes is written under this lock, one at a time per process (a PDF takes
# 5–50 ms; processes still write in parallel).
PDF_LOCK = threading.RLock()

P = ParamSpec("P")
R = TypeVar("R")


def one_pdf_at_a_time(render: Callable[P, R]) -> Callable[P, R]:
    """Decorate a function that writes a PDF with reportlab: it runs under ``PDF_LOCK``."""

    @functools.wraps(render)
    def locked(*args: P.args, **kwargs: P.kwargs) -> R:
        with PDF_LOCK:
            return render(*args, **kwargs)

    return locked
