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
    day = f"(n %% {ACCEPTED_DAYS})"
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


def _event_stream(world, cursor_rows: Iterable[tuple], items_of: dict[int, list[tuple]]):
    """
    Every bench case's history as the transitions write it, chained with the product's
    ``event_hash``: created, one upload, submitted, accepted, then per item its opinion,
    its pause or its decision. Yields (event row, or the case's (id, count, head)).
    """
    from kaigong.cases.constants import CaseStatus, EventKind
    from kaigong.cases.models.case import GENESIS_HASH
    from kaigong.cases.services.events import event_hash, plain_json

    users = world.users
    applicant, clerk = users["applicant"], users["clerk"]
    reviewers = [users["reviewer1"], users["reviewer2"], users.get("reviewer3", users["reviewer1"])]
    approvers = [users["approver1"], users["approver2"], users.get("approver3", users["approver1"])]
    minute = dt.timedelta(minutes=1)
    for case_id, public_id, accepted_at in cursor_rows:
        at = accepted_at - dt.timedelta(hours=2)
        history: list[tuple[str, Any, dict, int | None]] = [
            (EventKind.DRAFT_CREATED, applicant, {"bundle": world.bundle.code}, None),
            (EventKind.MATERIAL_UPLOADED, applicant, {"material": "M1-1", "sha256": "0" * 64}, None),
            (EventKind.CASE_TRANSITION, applicant,
             {"action": "submit", "from": CaseStatus.DRAFT, "to": CaseStatus.SUBMITTED}, None),
            (EventKind.CASE_TRANSITION, clerk,
             {"action": "accept", "from": CaseStatus.SUBMITTED, "to": CaseStatus.ACCEPTED}, None),
        ]  # fmt: skip
        for item_id, item_public_id, status, order, matter in items_of.pop(case_id, []):
            on = {"item": str(item_public_id), "matter": matter}
            reviewer, approver = reviewers[order % 3], approvers[order % 3]
            if status in ("proposed", "approved"):
                data = {"action": "opinion", "from": "in_review", "to": "proposed", **on,
                        "recommendation": "approve"}  # fmt: skip
                history.append((EventKind.OPINION_SUBMITTED, reviewer, data, item_id))
            if status == "approved":
                data = {"action": "decide", "from": "proposed", "to": "approved", **on}
                history.append((EventKind.ITEM_TRANSITION, approver, data, item_id))
            if status == "paused":
                data = {"action": "pause", "from": "in_review", "to": "paused", **on}
                history.append((EventKind.ITEM_TRANSITION, reviewer, data, item_id))
        head = GENESIS_HASH
        for seq, (kind, actor, data, item_id) in enumerate(history, start=1):
            at += minute
            plain = plain_json(data)
            digest = event_hash(
                case_public_id=str(public_id),
                seq=seq,
                kind=str(kind),
                actor_public_id=str(actor.public_id),
                occurred_at=at,
                data=plain,
                prev_hash=head,
            )
            yield "event", (case_id, seq, str(kind), item_id, actor.pk, at, plain, head, digest)
            head = digest
        yield "head", (case_id, len(history), head)


EVENT_COLUMNS = ("case_id", "seq", "kind", "item_id", "actor_id", "occurred_at", "data",
                 "prev_hash", "hash")  # fmt: skip


def sql_events(world, *, batch: int = 20_000) -> tuple[int, float]:
    """
    The history of every bench case (≈ 1.8 events per item), hashed in Python with the
    product's ``event_hash`` and written with ``COPY``; each case row's head and count set
    as ``case_event_record`` keeps them. Return (events, seconds).
    """
    from django.db import connection

    from kaigong.cases.hashing import canonical_json

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_heads (case_id bigint, n int, head varchar(64))")
        cursor.execute("SELECT max(id) FROM cases_case WHERE number LIKE 'BENCH-%%'")
        last = cursor.fetchone()[0] or 0
    count, low = 0, 0
    while low < last:
        high = low + batch
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, public_id, accepted_at FROM cases_case WHERE id > %s AND id <= %s "
                "AND number LIKE 'BENCH-%%' ORDER BY id",
                [low, high],
            )
            cases = cursor.fetchall()
            cursor.execute(
                "SELECT i.case_id, i.id, i.public_id, i.status, i.order, m.code "
                "FROM cases_caseitem i JOIN catalog_matterversion v ON v.id = i.matter_version_id "
                "JOIN catalog_matter m ON m.id = v.matter_id "
                "WHERE i.case_id > %s AND i.case_id <= %s ORDER BY i.case_id, i.order",
                [low, high],
            )
            items_of: dict[int, list[tuple]] = {}
            for case_id, *rest in cursor.fetchall():
                items_of.setdefault(case_id, []).append(tuple(rest))
        events, heads = [], []
        for what, row in _event_stream(world, cases, items_of):
            if what == "event":
                events.append((*row[:6], canonical_json(row[6]).decode(), *row[7:]))
            else:
                heads.append(row)
        _copy("cases_caseevent", EVENT_COLUMNS, events)
        _copy("bench_heads", ("case_id", "n", "head"), heads)
        count += len(events)
        low = high
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case c SET event_count = h.n, chain_head = h.head "
            "FROM bench_heads h WHERE h.case_id = c.id"
        )
        cursor.execute("DROP TABLE bench_heads")
        cursor.execute("ANALYZE cases_caseevent")
        cursor.execute("ANALYZE cases_case")
    return count, time.perf_counter() - started


def signed_checkpoint():
    """
    The next signed checkpoint of every case's head, made as ``chain_checkpoint_take``
    makes it (``checkpoint_sign_and_store``: its payload, digest and SM2 signature, with the
    platform key) but without re-verifying the events just hashed by ``sql_events``
    (``_extends`` is one query per case). ``benchmarks/tests`` checks that it equals the
    product's.
    """
    from django.db import connection

    from kaigong.cases.models import ChainCheckpoint
    from kaigong.cases.services.checkpoints import checkpoint_sign_and_store

    with connection.cursor() as cursor:
        cursor.execute("SELECT public_id, event_count, chain_head FROM cases_case")
        entries = sorted([str(p), n, h] for p, n, h in cursor.fetchall())
    previous = ChainCheckpoint.objects.order_by("-seq").first()
    return checkpoint_sign_and_store(entries, previous=previous)


def filed_documents(world, count: int) -> int:
    """
    ``count`` documents already filed in the project's archive folder (the JSON renditions
    of the bench cases, as the sweep files them), and the folder's watermark set after
    every event: the next sweep has nothing new to file. Return the documents filed.
    """
    from django.db import connection
    from django.utils import timezone

    from kaigong.archives.constants import DocumentKind, StageTag
    from kaigong.archives.models import ArchiveDocument, ArchiveFolder
    from kaigong.archives.services import archive_folder_open

    folder = archive_folder_open(project=world.project)
    kind = next(iter(DocumentKind.values))
    inserted = insert_select(
        ArchiveDocument,
        {
            "public_id": ("gen_random_uuid()", []),
            "folder": ("%s", [folder.pk]),
            "kind": ("%s", [kind]),
            "stage": ("%s", [StageTag.OTHER]),
            "title": ("c.number", []),
            "origin_type": ("'cases.case'", []),
            "origin_id": ("c.public_id::text", []),
            "file": ("'archives/2026/case-' || c.public_id || '.json'", []),
            "file_name": ("'case-' || c.public_id || '.json'", []),
            "size": ("512", []),
            "sha256": ("encode(sha256(c.public_id::text::bytea), 'hex')", []),
            "sm3": ("encode(sha256(c.number::bytea), 'hex')", []),
        },
        "FROM (SELECT number, public_id FROM cases_case ORDER BY id LIMIT %s) c",
        [count],
    )
    ArchiveFolder.objects.filter(pk=folder.pk).update(swept_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archives_archivedocument")
    return inserted
