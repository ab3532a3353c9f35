"""
Gap-free counters in one statement (issue #16 §3): the case numbers, the certificates'.

``counters_add`` creates or increments one or more counter rows and returns their new
values with ``INSERT … ON CONFLICT (key) DO UPDATE SET n = n + EXCLUDED.n RETURNING …``
(PostgreSQL ≥ 9.5, SQLite ≥ 3.35). The ORM cannot say it: its upsert
(``bulk_create(update_conflicts=True)``) sets the new value and cannot add to the old, and
``update()`` returns no values. It replaces a locking read and an update per counter (and
a savepoint for the year's first number).

The rows written stay locked until the caller's transaction ends, so a number is taken
gap-free: a concurrent caller waits and takes the next one, and a rollback gives the
numbers back. The rows are written in key order, so callers taking several counters lock
them in one order and never wait on each other in a cycle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models


def counters_add(
    model: type[models.Model],
    *,
    keys: Sequence[str],
    column: str,
    increments: Mapping[tuple[Any, ...], int],
) -> dict[tuple[Any, ...], int]:
    """
    Add ``increments[key]`` to ``column`` of the ``model`` row of each key (the values of
    the fields ``keys``, a unique constraint of the model; a foreign key by its id), the
    row created when missing; return ``{key: the column's new value}``.
    """
    if not increments:
        return {}
    meta = model._meta
    names = [_column(model, name) for name in keys]
    target = _column(model, column)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    key_list = ", ".join(quote(n) for n in names)
    rows = sorted(increments)
    placeholders = ", ".join(["(" + ", ".join(["%s"] * (len(names) + 1)) + ")"] * len(rows))
    params = [value for key in rows for value in (*key, increments[key])]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_list}, {quote(target)}) VALUES {placeholders} "
            f"ON CONFLICT ({key_list}) DO UPDATE "
            f"SET {quote(target)} = {table}.{quote(target)} + EXCLUDED.{quote(target)} "
            f"RETURNING {key_list}, {quote(target)}",
            params,
        )
        return {tuple(row[:-1]): row[-1] for row in cursor.fetchall()}


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise ValueError(f"{model._meta.label}.{name} is not a concrete column")
    return field.column
