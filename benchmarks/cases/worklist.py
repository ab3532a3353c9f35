"""``bench_worklist``: the worklist with 100,000 items, selector and API."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from benchmarks.stats import percentile


@dataclass
class WorklistResult:
    items: int
    queries: int
    selector_p50_ms: float
    selector_p95_ms: float
    api_p50_ms: float
    api_p95_ms: float
    build_seconds: float
    supervisor_api_p50_ms: float = 0.0  # every department's items (≈ 89,000 open)
    supervisor_api_p95_ms: float = 0.0


def bulk_items(total: int) -> tuple[object, float]:
    """
    ``total`` items in one world: accepted cases of three items each (M1–M3 in D1–D3),
    due dates spread over ±30 days so that every warning colour occurs. Return
    (world, seconds).
    """
    import datetime as dt
    import random

    from django.utils import timezone

    from kaigong.cases.constants import CaseStatus, ItemStatus
    from kaigong.cases.models import Case, CaseItem
    from kaigong.cases.tests.factories import lifecycle_world

    started = time.perf_counter()
    world = lifecycle_world()
    rng = random.Random(20260302)
    today = timezone.localdate()
    now = timezone.now()
    versions = list(world.versions.values())
    per_case = len(versions)
    case_count = -(-total // per_case)
    cases = [
        Case(
            number=f"BENCH-{n:07d}",
            project=world.project,
            enterprise=world.enterprise,
            bundle=world.bundle,
            status=CaseStatus.ACCEPTED,
            service_center=world.centre,
            submitted_at=now,
            received_at=now - dt.timedelta(minutes=n),
            accepted_at=now,
            accepted_on=today,
            accepted_by=world.clerk,
        )
        for n in range(case_count)
    ]
    Case.objects.bulk_create(cases, batch_size=5000)
    statuses = [ItemStatus.IN_REVIEW] * 6 + [ItemStatus.PAUSED, ItemStatus.PROPOSED]
    statuses += [ItemStatus.APPROVED]
    items = []
    for case in cases:
        for order, version in enumerate(versions):
            if len(items) == total:
                break
            status = rng.choice(statuses)
            due = today + dt.timedelta(days=rng.randint(-30, 30))
            decided = status == ItemStatus.APPROVED
            items.append(
                CaseItem(
                    case=case,
                    matter_version=version,
                    department=version.department,
                    status=status,
                    clock_started_on=today - dt.timedelta(days=10),
                    promised_due_on=due,
                    statutory_due_on=due + dt.timedelta(days=20),
                    decision="approve" if decided else "",
                    decided_at=now if decided else None,
                    order=order,
                )
            )
    CaseItem.objects.bulk_create(items, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return world, time.perf_counter() - started


FILTERS = [
    {},
    {"warning": "yellow"},
    {"warning": "red"},
    {"status": "paused"},
    {"warning": "green"},
]


def run_worklist_bench(*, total: int, queries: int) -> WorklistResult:
    from django.test import Client

    from knox.models import AuthToken

    from kaigong.cases.selectors import item_worklist

    world, build = bulk_items(total)
    reviewer = world.users["reviewer1"]
    token = AuthToken.objects.create(user=reviewer)[1]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="localhost")
    selector, api = [], []
    for n in range(queries):
        query = FILTERS[n % len(FILTERS)]
        started = time.perf_counter()
        qs = item_worklist(reviewer, **query)
        page = list(qs[:50])
        qs.count()
        selector.append((time.perf_counter() - started) * 1000)
        assert page is not None
        started = time.perf_counter()
        response = client.get("/api/v1/items/", query)
        api.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"worklist answered {response.status_code}")
    supervisor = _api_times(world.users["supervisor"], queries)
    return WorklistResult(
        items=total,
        queries=queries,
        selector_p50_ms=statistics.median(selector),
        selector_p95_ms=percentile(selector, 95),
        api_p50_ms=statistics.median(api),
        api_p95_ms=percentile(api, 95),
        build_seconds=build,
        supervisor_api_p50_ms=statistics.median(supervisor),
        supervisor_api_p95_ms=percentile(supervisor, 95),
    )


def _api_times(user, queries: int) -> list[float]:
    """Milliseconds of ``queries`` worklist API reads by ``user``, cycling the filters."""
    from django.test import Client

    from knox.models import AuthToken

    token = AuthToken.objects.create(user=user)[1]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="localhost")
    times = []
    for n in range(queries):
        started = time.perf_counter()
        response = client.get("/api/v1/items/", FILTERS[n % len(FILTERS)])
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"worklist answered {response.status_code}")
    return times
