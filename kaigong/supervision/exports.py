"""
Exports of supervision's tables to xlsx (openpyxl) and CSV. Every export is audited
(``services.export_record``): who, which table, which format, how many rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook

from kaigong.core.exceptions import InvalidInput

from .constants import ErrorCode
from .services import export_record

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (int, float, date)):
        return value
    return str(value)


def table_export(
    *, actor, table: str, fmt: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[bytes, str]:
    """The table as bytes of ``fmt`` and its content type; the export is audited."""
    if fmt not in FORMATS:
        raise InvalidInput(code=ErrorCode.INVALID)
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = table[:31]
        sheet.append([str(h) for h in headers])
        for row in rows:
            sheet.append([_cell(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        content = out.getvalue()
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow([str(h) for h in headers])
        for row in rows:
            writer.writerow([_cell(v) for v in row])
        # a BOM so that spreadsheet programs read the Chinese as UTF-8
        content = ("\ufeff" + text.getvalue()).encode("utf-8")
    export_record(actor=actor, table=table, fmt=fmt, rows=len(rows))
    return content, FORMATS[fmt]
