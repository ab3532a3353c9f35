"""``bench_worklist``: the worklist with 100,000 items, selector and API."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

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
    deep_page: int = 0  # the reviewer's last full page (page 3,000 at 1,000,000 items)
    deep_keyset_p50_ms: float = 0.0  # that page by its cursor
    deep_keyset_p95_ms: float = 0.0
    deep_offset_p95_ms: float = 0.0  # the same page as ?page=N (OFFSET and exact count)
    supervisor_deep_page: int = 0  # the supervisor's page 3,000 (every department), by cursor
    supervisor_deep_p50_ms: float = 0.0
    supervisor_deep_p95_ms: float = 0.0
    # the API reads' median per filter ("none", "yellow", …), reviewer and supervisor
    reviewer_by_filter: dict[str, float] = field(default_factory=dict)
    supervisor_by_filter: dict[str, float] = field(default_factory=dict)


def by_filter(times: list[float]) -> dict[str, float]:
    """The median of the reads of each filter (``times`` cycles through ``FILTERS``)."""
    return {
        next(iter(query.values()), "none"): statistics.median(times[n :: len(FILTERS)])
        for n, query in enumerate(FILTERS)
        if times[n :: len(FILTERS)]
    }


def bulk_items(total: int) -> tuple[object, float]:
    """
    ``total`` items in one world: accepted cases of three items each (M1–M3 in D1–D3),
    accepted over the last four weeks with extensions, so that every warning colour occurs;
    built set-based in SQL with the due dates and first yellow day the product stores
    (``benchmarks.cases.bulk``). Return (world, seconds).
    """
    from benchmarks.cases.bulk import sql_items

    return sql_items(total)


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
    deep_page, deep_keyset, deep_offset = _deep_page_times(reviewer, max(queries // 4, 10))
    supervisor_page, supervisor_deep, _none = _deep_page_times(
        world.users["supervisor"], max(queries // 4, 10), offset=False
    )
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
        deep_page=deep_page,
        deep_keyset_p50_ms=statistics.median(deep_keyset),
        deep_keyset_p95_ms=percentile(deep_keyset, 95),
        deep_offset_p95_ms=percentile(deep_offset, 95),
        supervisor_deep_page=supervisor_page,
        supervisor_deep_p50_ms=statistics.median(supervisor_deep),
        supervisor_deep_p95_ms=percentile(supervisor_deep, 95),
        reviewer_by_filter=by_filter(api),
        supervisor_by_filter=by_filter(supervisor),
    )


def _deep_page_times(
    user, queries: int, *, offset: bool = True
) -> tuple[int, list[float], list[float]]:
    """
    The user's page 3,000 (or the last full one when the list is shorter), read by its
    keyset cursor and, for comparison (``offset``), as the deprecated ``?page=N``.
    """
    from django.test import Client

    from knox.models import AuthToken

    from kaigong.cases.selectors import item_worklist
    from kaigong.core.keyset import Cursor

    size = 50
    total = item_worklist(user).count()
    page = max(min(3000, total // size), 2)
    before = item_worklist(user)[(page - 1) * size - 1]  # the last row of the page before
    cursor = Cursor(value=before.promised_due_on, id=before.id).encode()
    token = AuthToken.objects.create(user=user)[1]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="localhost")
    keyset: list[float] = []
    numbered: list[float] = []
    for _ in range(queries):
        started = time.perf_counter()
        response = client.get("/api/v1/items/", {"cursor": cursor, "page_size": size})
        keyset.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"deep keyset page answered {response.status_code}")
        if not offset:
            continue
        started = time.perf_counter()
        response = client.get("/api/v1/items/", {"page": page, "page_size": size})
        numbered.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"deep numbered page answered {response.status_code}")
    return page, keyset, numbered


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
