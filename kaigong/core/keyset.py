"""
Keyset (cursor) pages for lists ordered by a nullable date and the row id (issue #16, part 1).

Any page costs what the first costs: the next page is "rows after the last one shown",
read in index order, never an ``OFFSET``. The count is exact up to a cap and then says
"more than N", so a queue of a million items is not scanned to print a number.

    page = keyset_page(queryset, field="promised_due_on", cursor=raw_or_None, size=50)
    page.rows, page.next_cursor, page.previous_cursor
    capped_count(queryset, cap=1000) -> (n, capped)

The ordering is ``field`` ascending with nulls last, then ``id`` ascending: the order of
the worklist index ``(department, promised_due_on, id)``. A cursor is signed
(``django.core.signing``) so that a client cannot forge one; a bad one is a 400
(``invalid_cursor``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .exceptions import InvalidInput

SALT = "kaigong.keyset"
DEFAULT_COUNT_CAP = 1000


@dataclass(frozen=True)
class Cursor:
    value: dt.date | None
    id: int
    backwards: bool = False

    def encode(self) -> str:
        return signing.dumps(
            [self.value.isoformat() if self.value else None, self.id, int(self.backwards)],
            salt=SALT,
        )


def cursor_decode(raw: str) -> Cursor:
    try:
        value, row_id, backwards = signing.loads(raw, salt=SALT)
        return Cursor(
            value=dt.date.fromisoformat(value) if value else None,
            id=int(row_id),
            backwards=bool(backwards),
        )
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidInput(
            _("This page link is not valid any more; start again from the first page."),
            code="invalid_cursor",
            invalid_params=[
                {"name": "cursor", "code": "invalid_cursor", "reason": "invalid_cursor"}
            ],
        ) from None


def _after(field: str, cursor: Cursor) -> Q:
    if cursor.value is None:  # in the nulls at the end
        return Q(**{f"{field}__isnull": True, "id__gt": cursor.id})
    return (
        Q(**{f"{field}__gt": cursor.value})
        | Q(**{field: cursor.value, "id__gt": cursor.id})
        | Q(**{f"{field}__isnull": True})
    )


def _before(field: str, cursor: Cursor) -> Q:
    if cursor.value is None:
        return Q(**{f"{field}__isnull": False}) | Q(
            **{f"{field}__isnull": True, "id__lt": cursor.id}
        )
    return Q(**{f"{field}__lt": cursor.value}) | Q(**{field: cursor.value, "id__lt": cursor.id})


@dataclass(frozen=True)
class KeysetPage:
    rows: list[Any]
    next_cursor: str | None
    previous_cursor: str | None


def _key(row: Any, field: str, *, backwards: bool) -> str:
    return Cursor(value=getattr(row, field), id=row.id, backwards=backwards).encode()


def keyset_page(qs: QuerySet, *, field: str, cursor: str | None, size: int) -> KeysetPage:
    """One page of ``qs`` in (``field`` nulls last, id) order, after or before a cursor."""
    where = cursor_decode(cursor) if cursor else None
    forward = qs.order_by(F(field).asc(nulls_last=True), "id")
    if where is None or not where.backwards:
        if where is not None:
            forward = forward.filter(_after(field, where))
        rows = list(forward[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        return KeysetPage(
            rows=rows,
            next_cursor=_key(rows[-1], field, backwards=False) if more and rows else None,
            previous_cursor=_key(rows[0], field, backwards=True)
            if where is not None and rows
            else None,
        )
    backward = qs.order_by(F(field).desc(nulls_first=True), "-id").filter(_before(field, where))
    rows = list(backward[: size + 1])
    more = len(rows) > size
    rows = list(reversed(rows[:size]))
    return KeysetPage(
        rows=rows,
        next_cursor=_key(rows[-1], field, backwards=False) if rows else None,
        previous_cursor=_key(rows[0], field, backwards=True) if more and rows else None,
    )


def capped_count(qs: QuerySet, *, cap: int = DEFAULT_COUNT_CAP) -> tuple[int, bool]:
    """The number of rows, exact up to ``cap``; ``(cap, True)`` when there are more."""
    n = qs.order_by().values("pk")[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)
