"""
Set-based builds of the scale benchmarks' data (issue #16, part 6): items, clock pauses,
SM3-chained events, a signed checkpoint and filed archive documents, written by
``INSERT … SELECT generate_series`` and ``COPY`` instead of one ORM object per row.

What the product derives is derived by the product's own functions, once per distinct
input, and joined in: the due dates and first yellow day of an item
(``services.clock.item_due_changes``, as acceptance stores them), a pause's planned end
(``deadlines.pause_planned_end_on``), an event's hash (``services.events.event_hash``), a
checkpoint's payload, digest and SM2 signature (``services.checkpoints``). Columns the
build does not name get the model field's default, so a new column with a default needs no
change here.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Iterable
from typing import Any

# Cases are accepted over the last four weeks (one day per case, in turn); an item's clock
# starts at acceptance. Extensions (working days) spread the due dates further out, so that
# red, yellow and green all occur.
ACCEPTED_DAYS = 28
EXTENSIONS = (0, 0, 0, 5, 10, 15)
# The item statuses, picked per item by a fixed hash of (case, order): 6 in review, 1 paused
# (an open special-procedure pause from today), 1 proposed, 1 approved, of every 9.
STATUSES = ("in_review",) * 6 + ("paused", "proposed", "approved")
PAUSE_DAYS = 10
HASH = "((c.n::bigint * 2654435761 + v.ord * 40503) %% 2147483647)"


def _defaults(model, given: dict[str, tuple[str, list]]) -> tuple[list[str], list[str], list]:
    """(columns, SQL expressions, parameters) for every concrete column of ``model``."""
    from django.db import connection
    from django.db.models import AutoField, BigAutoField
    from django.utils import timezone

    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.name in given or field.column in given:
            sql, args = given.get(field.name) or given[field.column]
            columns.append(field.column)
            expressions.append(sql)
            params.extend(args)
            continue
        if isinstance(field, AutoField | BigAutoField):
            continue
        value = timezone.now() if getattr(field, "auto_now", False) else field.get_default()
        columns.append(field.column)
        expressions.append("%s")
        params.append(field.get_db_prep_save(value, connection))
    return columns, expressions, params


def insert_select(model, given: dict[str, tuple[str, list]], tail: str, params=()) -> int:
    """``INSERT INTO <model> (…) SELECT <given or defaults> <tail>``; the rows inserted."""
    from django.db import connection

    columns, expressions, args = _defaults(model, given)
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) "
        f"SELECT {', '.join(expressions)} {tail}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*args, *params])
        return cursor.rowcount


def _due_table(world, today: dt.date) -> list[tuple]:
    """
    (version id, days since acceptance, extension, paused, promised, statutory, yellow from,
    provisional) for every combination the build uses, computed by the product's function.
    """
    from kaigong.cases.models import Case, CaseItem, ClockPause
    from kaigong.cases.services.clock import item_due_changes

    rows = []
    for version in world.versions.values():
        for k in range(ACCEPTED_DAYS):
            accepted = today - dt.timedelta(days=k)
            case = Case(project=world.project, bundle=world.bundle, accepted_on=accepted)
            for ext in sorted(set(EXTENSIONS)):
                for paused in (False, True):
                    item = CaseItem(
                        case=case,
                        matter_version=version,
                        clock_started_on=accepted,
                        count_start_day=version.count_acceptance_day,
                        extension_days=ext,
                    )
                    pauses = [ClockPause(started_on=today)] if paused else []
                    on = today if paused else accepted  # acceptance stores them on its day
                    due = item_due_changes(item, on=on, pauses=pauses)
                    rows.append(
                        (
                            version.pk,
                            k,
                            ext,
                            paused,
                            due["promised_due_on"],
                            due["statutory_due_on"],
                            due["yellow_from_on"],
                            due["provisional"],
                        )
                    )
    return rows


def _copy(table: str, columns: Iterable[str], rows: Iterable[tuple]) -> None:
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def sql_items(total: int) -> tuple[Any, float]:
    """
    ``total`` items in one world (``lifecycle_world``): accepted cases of three items each
    (M1–M3 in D1–D3), set-based. Return (world, seconds).
    """
    from django.db import connection
    from django.utils import timezone

    from kaigong.cases.constants import CaseStatus, ItemStatus, PauseKind
    from kaigong.cases.deadlines import pause_planned_end_on, region_of
    from kaigong.cases.models import Case, CaseItem, ClockPause
    from kaigong.cases.tests.factories import lifecycle_world

    started = time.perf_counter()
    world = lifecycle_world()
    if world.bundle.promised_limit:  # the case's due date would not be its items' latest
        raise NotImplementedError("the bulk build assumes a bundle without an overall limit")
    today = timezone.localdate()
    now = timezone.now()
    versions = sorted(world.versions.values(), key=lambda v: v.pk)
    per_case = len(versions)
    cases = -(-total // per_case)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_due (version_id bigint, k int, ext int, paused bool, "
            "promised date, statutory date, yellow date, provisional bool)"
        )
    _copy("bench_due", ["version_id", "k", "ext", "paused", "promised", "statutory", "yellow",
                        "provisional"], _due_table(world, today))  # fmt: skip
    day = "(n %% {days})".format(days=ACCEPTED_DAYS)
    accepted_at = f"%s - make_interval(days => {day}, mins => n %% 600)"
    insert_select(
        Case,
        {
            "public_id": ("gen_random_uuid()", []),
            "created_at": (accepted_at, [now]),
            "number": ("'BENCH-' || lpad(n::text, 7, '0')", []),
            "project": ("%s", [world.project.pk]),
            "enterprise": ("%s", [world.enterprise.pk]),
            "bundle": ("%s", [world.bundle.pk]),
            "status": ("%s", [CaseStatus.ACCEPTED]),
            "version": ("3", []),  # created, submitted, accepted
            "service_center": ("%s", [world.centre.pk]),
            "submitted_at": (accepted_at, [now]),
            "received_at": (accepted_at, [now]),
            "accepted_at": (accepted_at, [now]),
            "accepted_on": (f"%s::date - {day}", [today]),
            "accepted_by": ("%s", [world.clerk.pk]),
        },
        "FROM generate_series(0, %s) AS n",
        [cases - 1],
    )
    values = ", ".join(
        f"({v.pk}, {v.department_id}, {order}, {int(v.count_acceptance_day)}::bool)"
        for order, v in enumerate(versions)
    )
    status = f"(ARRAY{list(STATUSES)!r})[{HASH} %% {len(STATUSES)} + 1]"
    ext = f"(ARRAY{list(EXTENSIONS)!r})[({HASH} / {len(STATUSES)}) %% {len(EXTENSIONS)} + 1]"
    source = (
        "FROM (SELECT c.id AS case_id, c.n, c.accepted_on, c.accepted_at, v.vid, v.dept, "
        f"v.ord, v.cad, {status} AS status, {ext} AS ext "
        "FROM (SELECT id, substr(number, 7)::int AS n, accepted_on, accepted_at "
        "FROM cases_case WHERE number LIKE 'BENCH-%%') c "
        f"CROSS JOIN (VALUES {values}) AS v(vid, dept, ord, cad) "
        "WHERE c.n * %s + v.ord < %s) s "
        "JOIN bench_due d ON d.version_id = s.vid AND d.k = (%s::date - s.accepted_on) "
        "AND d.ext = s.ext AND d.paused = (s.status = 'paused')"
    )
    decided = f"s.status = '{ItemStatus.APPROVED}'"
    insert_select(
        CaseItem,
        {
            "public_id": ("gen_random_uuid()", []),
            "created_at": ("s.accepted_at", []),
            "case": ("s.case_id", []),
            "matter_version": ("s.vid", []),
            "department": ("s.dept", []),
            "status": ("s.status", []),
            "clock_started_on": ("s.accepted_on", []),
            "count_start_day": ("s.cad", []),
            "extension_days": ("s.ext", []),
            "promised_due_on": ("d.promised", []),
            "statutory_due_on": ("d.statutory", []),
            "yellow_from_on": ("d.yellow", []),
            "provisional": ("d.provisional", []),
            "decision": (f"CASE WHEN {decided} THEN 'approve' ELSE '' END", []),
            "decided_at": (f"CASE WHEN {decided} THEN %s::timestamptz END", [now]),
            "decided_on": (f"CASE WHEN {decided} THEN %s::date END", [today]),
            "order": ("s.ord", []),
        },
        source,
        [per_case, total, today],
    )
    region = region_of(Case(project=world.project))
    insert_select(
        ClockPause,
        {
            "public_id": ("gen_random_uuid()", []),
            "item": ("i.id", []),
            "kind": ("%s", [PauseKind.SPECIAL_PROCEDURE]),
            "reason": ("%s", ["专家评审"]),
            "evidence": ("%s", ["专家评审通知"]),
            "started_on": ("%s", [today]),
            "planned_working_days": ("%s", [PAUSE_DAYS]),
            "planned_end_on": ("%s", [pause_planned_end_on(today, PAUSE_DAYS, region_code=region)]),
            "started_by": ("%s", [world.users["reviewer1"].pk]),
        },
        "FROM cases_caseitem i WHERE i.status = %s",
        [ItemStatus.PAUSED],
    )
    with connection.cursor() as cursor:
        # the bundle's dates: the latest of its items' (no overall promised limit)
        cursor.execute(
            "UPDATE cases_case c SET promised_due_on = m.p, statutory_due_on = m.s, "
            "due_provisional = m.v FROM (SELECT case_id, max(promised_due_on) p, "
            "max(statutory_due_on) s, bool_or(provisional) v FROM cases_caseitem "
            "GROUP BY case_id) m WHERE m.case_id = c.id"
        )
        cursor.execute("DROP TABLE bench_due")
        cursor.execute("ANALYZE")
    return world, time.perf_counter() - started
