"""
The national data exchange (SPGL, #15 §4): the front tables filled from the state log on a
schedule, corrections as an invalidated copy then a new valid row, upload status read back.

A run (``exchange_run``, periodic job ``exchange-export``):

1. computes every row the tables should hold now (``spgl.spgl_rows``);
2. for a key (table, DFSJZJ) never sent: a new valid row (SJYXBS 1); for a key whose data
   changed: first a copy of the row sent before with SJYXBS 0 and SJWXYY "数据更正"
   (it tells the province to void what it has for that key), then a new valid row with
   the same key — our ``ExchangeRow`` keeps both, the new one ``supersedes`` the old;
3. inserts every row not yet in the front database (idempotent by LSH: a run that died
   after inserting resends nothing twice);
4. reads back SJSCZT / SBYY of every row still pending (0): 3 accepted, 2 or -1 refused.

With ``KAIGONG_EXCHANGE_HOLD_CHILDREN`` (as provinces require) a valid child row — a
matter of a project, a step or special procedure of a matter, a case-level step, a
commitment or an intermediary service of a project — is inserted only once its parent
key's current row is accepted (3); after the read-back the run inserts the children a
just-accepted parent released. A parent refused stays refused until its data is corrected
(the correction is a new row for the key, which the province must accept). A held row
superseded before it was ever sent is dropped, not invalidated.

The front database is ``settings.KAIGONG_EXCHANGE_DATABASE`` (a DATABASES alias; empty: the
default database); on PostgreSQL the tables live in the schema
``KAIGONG_EXCHANGE_SCHEMA`` (created when missing). Only one run at a time (a lease).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from kaigong.core.leases import lease_acquire, lease_release

from .models import ExchangeRow, ExchangeRun, ExchangeRunStatus, UploadStatus
from .spgl import CONTROL_COLUMNS, TABLES, spgl_rows

EXCHANGE_LEASE = "exchange-export"
CORRECTION_REASON = "数据更正"


@dataclass
class ExchangeResult:
    written: int = 0
    invalidated: int = 0
    statuses: int = 0
    held: int = 0
    busy: bool = False

    def __str__(self) -> str:
        if self.busy:
            return "busy"
        return (
            f"written={self.written} invalidated={self.invalidated} "
            f"statuses={self.statuses} held={self.held}"
        )


def front_alias() -> str:
    return settings.KAIGONG_EXCHANGE_DATABASE or "default"


def _schema(connection) -> str:
    return settings.KAIGONG_EXCHANGE_SCHEMA if connection.vendor == "postgresql" else ""


def front_table_name(connection, table: str) -> str:
    """The quoted name of a front table (``"schema"."TABLE"`` on PostgreSQL)."""
    quote = connection.ops.quote_name
    schema = _schema(connection)
    return f"{quote(schema)}.{quote(table)}" if schema else quote(table)


def front_tables_ensure() -> None:
    """Create the schema and the six tables in the front database when missing."""
    connection = connections[front_alias()]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        schema = _schema(connection)
        if schema:
            cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")
        for table, columns in TABLES.items():
            defs = [f"{quote('LSH')} VARCHAR(40) PRIMARY KEY"]
            defs += [f"{quote(c)} TEXT" for c in CONTROL_COLUMNS[1:] if c != "SJYXBS"]
            defs.insert(3, f"{quote('SJYXBS')} INTEGER NOT NULL DEFAULT 1")
            defs += [f"{quote(c)} TEXT" for c in columns]
            name = front_table_name(connection, table)
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(defs)})")
            # a table made by an earlier version gets the columns added since
            cursor.execute(f"SELECT * FROM {name} WHERE 1 = 0")
            present = {c[0].upper() for c in cursor.description}
            for column in columns:
                if column not in present:
                    cursor.execute(f"ALTER TABLE {name} ADD COLUMN {quote(column)} TEXT")


def _digest(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def _lsh(region: str, now) -> str:
    """流水号: the region, the time to the second and a random tail (unique)."""
    return f"{region or '000000'}{now:%Y%m%d%H%M%S}{uuid.uuid4().hex[:12].upper()}"


def exchange_run() -> ExchangeResult:
    """One export pass (see the module doc); idempotent, one at a time."""
    holder = uuid.uuid4().hex
    if not lease_acquire(name=EXCHANGE_LEASE, holder=holder, ttl=timedelta(minutes=10)):
        return ExchangeResult(busy=True)
    run = ExchangeRun.objects.create()
    result = ExchangeResult()
    try:
        front_tables_ensure()
        result.written, result.invalidated = _record_changes(run)
        _send_unsent()
        result.statuses = exchange_statuses_read()
        if result.statuses:
            _send_unsent()  # children whose parent was accepted just now go in this run
        result.held = _held().count()
    except Exception as exc:  # the run is data: recorded, retried by the next run
        run.status, run.error = ExchangeRunStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
    else:
        run.status = ExchangeRunStatus.DONE
    finally:
        lease_release(name=EXCHANGE_LEASE, holder=holder)
    run.finished_at = timezone.now()
    run.rows_written, run.rows_invalidated = result.written, result.invalidated
    run.statuses_read, run.rows_held = result.statuses, result.held
    run.save()
    return result


@transaction.atomic
def _record_changes(run: ExchangeRun) -> tuple[int, int]:
    current = {(r.table, r.dfsjzj): r for r in ExchangeRow.objects.filter(current=True)}
    written = invalidated = 0
    now = timezone.now()
    for row in spgl_rows():
        digest = _digest(row.data)
        before = current.get((row.table, row.dfsjzj))
        if before is not None and before.digest == digest:
            continue
        parent_table, parent_key = row.parent or ("", "")
        if before is not None and before.sent_at is None and not _in_front(before):
            # held and never sent: the province has nothing to void; it is not sent at all
            ExchangeRow.objects.filter(pk=before.pk).update(current=False, dropped=True)
        elif before is not None:
            # rule: a correction voids the row sent before, then sends the new one
            # (SPGL invalidate-then-reinsert; docs/legal.md#spgl-exchange)
            ExchangeRow.objects.filter(pk=before.pk).update(current=False)
            ExchangeRow.objects.create(
                table=row.table,
                lsh=_lsh(row.xzqhdm, now),
                dfsjzj=row.dfsjzj,
                xzqhdm=before.xzqhdm,
                sjyxbs=0,
                sjwxyy=CORRECTION_REASON,
                data=before.data,
                digest=before.digest,
                current=False,
                parent_table=before.parent_table,
                parent_key=before.parent_key,
                supersedes=before,
                run=run,
            )
            invalidated += 1
        ExchangeRow.objects.create(
            table=row.table,
            lsh=_lsh(row.xzqhdm, now),
            dfsjzj=row.dfsjzj,
            xzqhdm=row.xzqhdm,
            data=row.data,
            digest=digest,
            current=True,
            parent_table=parent_table,
            parent_key=parent_key,
            supersedes=before,
            run=run,
        )
        written += 1
    return written, invalidated


def _in_front(row: ExchangeRow) -> bool:
    """Whether the front database has ``row`` (a run may have died before marking it sent)."""
    connection = connections[front_alias()]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {front_table_name(connection, row.table)} WHERE {quote('LSH')} = %s",
            [row.lsh],
        )
        return cursor.fetchone() is not None


def _unsent():
    return ExchangeRow.objects.filter(sent_at__isnull=True, dropped=False)


def _held():
    """
    Valid child rows not sendable yet: their parent key's current row is not accepted
    (SJSCZT 3) — not sent, pending, or refused and not yet corrected. Nothing is held
    unless ``KAIGONG_EXCHANGE_HOLD_CHILDREN``. Invalidated copies are never held (they void
    what the province already has).
    """
    if not settings.KAIGONG_EXCHANGE_HOLD_CHILDREN:
        return ExchangeRow.objects.none()
    accepted = ExchangeRow.objects.filter(
        table=OuterRef("parent_table"),
        dfsjzj=OuterRef("parent_key"),
        current=True,
        sjyxbs=1,
        sjsczt=UploadStatus.ACCEPTED,
    )
    return (
        _unsent()
        .filter(sjyxbs=1)
        .exclude(parent_table="")
        .annotate(parent_accepted=Exists(accepted))
        .filter(parent_accepted=False)
    )


def _send_unsent() -> int:
    """
    Insert the rows not yet in the front database, in the order they were made, except
    the children held for their parent (``_held``): they go in a later run.
    """
    connection = connections[front_alias()]
    quote = connection.ops.quote_name
    held = set(_held().values_list("pk", flat=True))
    unsent = [r for r in _unsent().order_by("id") if r.pk not in held]
    if not unsent:
        return 0
    with transaction.atomic(using=front_alias()), connection.cursor() as cursor:
        for row in unsent:
            table = front_table_name(connection, row.table)
            cursor.execute(f"SELECT 1 FROM {table} WHERE {quote('LSH')} = %s", [row.lsh])
            if cursor.fetchone():
                continue  # sent by a run that died before marking it
            columns = list(CONTROL_COLUMNS) + list(TABLES[row.table])
            values: list[str | int] = [
                row.lsh,
                row.dfsjzj,
                row.xzqhdm,
                row.sjyxbs,
                row.sjwxyy,
                str(UploadStatus.PENDING),
                "",
                row.created_at.isoformat(),
                row.created_at.isoformat(),
            ]
            values += [
                "" if row.data.get(c) is None else str(row.data.get(c)) for c in TABLES[row.table]
            ]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
                f"VALUES ({', '.join(['%s'] * len(columns))})",
                values,
            )
    ExchangeRow.objects.filter(pk__in=[r.pk for r in unsent]).update(sent_at=timezone.now())
    return len(unsent)


def exchange_statuses_read() -> int:
    """Copy SJSCZT / SBYY the province wrote back for rows still pending; return how many."""
    connection = connections[front_alias()]
    quote = connection.ops.quote_name
    changed = 0
    pending = ExchangeRow.objects.filter(sjsczt=UploadStatus.PENDING, sent_at__isnull=False)
    by_table: dict[str, dict[str, ExchangeRow]] = {}
    for row in pending:
        by_table.setdefault(row.table, {})[row.lsh] = row
    with connection.cursor() as cursor:
        for table, rows in by_table.items():
            lshs = list(rows)
            for start in range(0, len(lshs), 500):
                chunk = lshs[start : start + 500]
                cursor.execute(
                    f"SELECT {quote('LSH')}, {quote('SJSCZT')}, {quote('SBYY')} "
                    f"FROM {front_table_name(connection, table)} "
                    f"WHERE {quote('LSH')} IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
                for lsh, status, reason in cursor.fetchall():
                    status = str(status or "0").strip()
                    if status == UploadStatus.PENDING or status not in UploadStatus.values:
                        continue
                    ExchangeRow.objects.filter(pk=rows[lsh].pk).update(
                        sjsczt=status, sbyy=(reason or "")[:500]
                    )
                    changed += 1
    return changed
