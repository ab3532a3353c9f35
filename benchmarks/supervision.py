"""
``bench_supervision``: the supervision dashboard and each queue's first page (API), and the
periodic job (figures + signals) over N bulk-created items (``benchmarks.cases.worklist
.bulk_items``: accepted cases, due dates spread ±30 days, some paused, some approved).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from benchmarks.stats import percentile

QUEUES = (
    "warning", "overdue", "correction", "special", "denied", "orders", "reply_overdue",
    "step_overrun",
)  # fmt: skip


@dataclass
class SupervisionResult:
    items: int
    queries: int
    build_seconds: float
    backfill_seconds: float
    metrics_seconds: float
    signals_seconds: float
    signals_again_seconds: float
    dashboard_p50_ms: float
    dashboard_p95_ms: float
    queue_p95_ms: dict[str, float] = field(default_factory=dict)


def _times(client, url: str, queries: int) -> list[float]:
    out = []
    for _ in range(queries):
        started = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return out


def run_supervision_bench(*, total: int, queries: int, profile: bool = False) -> SupervisionResult:
    import datetime as dt

    from django.test import Client
    from django.utils import timezone

    from knox.models import AuthToken

    from benchmarks.cases.worklist import bulk_items
    from kaigong.supervision.services import metrics_advance, metrics_refresh, signals_raise

    world, build = bulk_items(total)
    started = time.perf_counter()
    metrics_refresh()  # the first computation of every item (a one-off backfill)
    backfill = time.perf_counter() - started
    signals_raise()
    # the next working day's job: untouched open figures moved forward in SQL, changed items
    # recomputed (none here), the ladder raised
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    while tomorrow.weekday() >= 5:
        tomorrow += dt.timedelta(days=1)
    started = time.perf_counter()
    metrics_advance(on=tomorrow)
    metrics_refresh(on=tomorrow)
    metrics = time.perf_counter() - started
    started = time.perf_counter()
    signals_raise(on=tomorrow)
    signals = time.perf_counter() - started
    started = time.perf_counter()
    signals_raise(on=tomorrow)
    again = time.perf_counter() - started
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        # what autovacuum does to a live table after such inserts and updates
        # (autovacuum_vacuum_insert_threshold): its visibility map, without which the
        # dashboard's colour counts could not be read from their index alone
        cursor.execute("VACUUM cases_caseitem")
    token = AuthToken.objects.create(user=world.users["supervisor"])[1]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="localhost")
    dashboard = _times(client, "/api/v1/supervision/dashboard/", queries)
    if profile:
        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext

        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            client.get("/api/v1/supervision/dashboard/")
        for q in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:8]:
            print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}")
    per_queue = {
        q: percentile(_times(client, f"/api/v1/supervision/queues/{q}/", max(5, queries // 4)), 95)
        for q in QUEUES
    }
    return SupervisionResult(
        items=total,
        queries=queries,
        build_seconds=build,
        backfill_seconds=backfill,
        metrics_seconds=metrics,
        signals_seconds=signals,
        signals_again_seconds=again,
        dashboard_p50_ms=statistics.median(dashboard),
        dashboard_p95_ms=percentile(dashboard, 95),
        queue_p95_ms=per_queue,
    )
