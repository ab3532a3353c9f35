"""
PDFs written from many threads at once (the ASGI server runs each request's view in a thread
of its own): reportlab keeps a font's subsets on the shared font object, so without the
process-wide lock (``core.pdf.one_pdf_at_a_time``) concurrent writers corrupt each other
(KeyError in TTFont.makeSubset, seen in bench_workflow under uvicorn at 8 clients).
"""

from __future__ import annotations

import io
import sys
import threading

from pypdf import PdfReader

from kaigong.demo.steps.material_files import form_pdf

# different characters per thread, so that every writer adds glyphs to the font's subsets
WORDS = [
    "建设工程规划许可",
    "施工图审查意见",
    "消防设计审查",
    "人防工程",
    "环境影响评价",
    "水土保持方案",
]


def test_pdfs_written_by_several_threads_at_once_are_all_whole():
    errors: list[BaseException] = []
    made: list[bytes] = []
    start = threading.Barrier(len(WORDS))

    def write(word: str) -> None:
        try:
            start.wait()
            for n in range(10):
                rows = [(f"{word}{n}", f"{word[::-1]}{n * 7}"), ("编号", f"{n:04d}")]
                made.append(form_pdf(f"{word}申请表", rows, sample=bool(n % 2)))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in WORDS]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)

    assert errors == []
    assert len(made) == len(WORDS) * 10
    for pdf in made:
        assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
