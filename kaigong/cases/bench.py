"""
Benchmarks of the case lifecycle on PostgreSQL (``make bench`` runs every ``bench_*``).

* ``bench_workflow``: workflow transitions over HTTP against gunicorn — N concurrent
  clients each take whole cases through submit → accept → two opinions → two decisions
  (the last one concludes the bundle and issues its certificates) — compared with
  ``pgbench -b tpcb-like`` at the same concurrency in the same run. Goal: ratio ≥ 0.30.
* ``bench_worklist``: 100,000 items bulk-created, then the worklist (selector and API,
  first page with its count) p95 over 200 queries with varying filters. Goal: ≤ 60 ms.

Both run in a child process pointed at a scratch database (``TEST_DATABASE_URL`` or
postgres://postgres@127.0.0.1:5432/kg_bench), which is dropped and re-created each run;
the data are built through the services (``tests.factories.lifecycle_world``) and, for the
100,000 items, with ``bulk_create``. Without PostgreSQL they print a "skipped" line.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from queue import Empty, Queue
from typing import Any
from urllib.parse import urlparse

from kaigong.core.stats import percentile

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kg_bench"
CHILD_FLAG = "KG_BENCH_CHILD"
ROOT = Path(__file__).resolve().parents[2]


# --- the scratch database -----------------------------------------------------------------


def bench_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_URL


def _connect(url: str, dbname: str = "postgres"):
    import psycopg

    parts = urlparse(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname=dbname,
        connect_timeout=3,
        autocommit=True,
    )


def pg_reachable(url: str) -> str:
    """Empty when the server answers, else the reason."""
    try:
        _connect(url).close()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ""


def recreate_database(url: str, name: str) -> None:
    """Drop and create ``name`` on the server of ``url`` (a scratch database)."""
    with _connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_in_child(command: str, argv: Sequence[str], write: Callable[[str], None]) -> int:
    """
    Re-run ``manage.py <command>`` against a fresh scratch PostgreSQL database, or print a
    "skipped" line when PostgreSQL is not reachable. Return the exit code.
    """
    url = bench_url()
    reason = pg_reachable(url)
    if reason:
        write(f"{command}: skipped — PostgreSQL not reachable at {url} ({reason})")
        return 0
    name = urlparse(url).path.lstrip("/") or "kg_bench"
    recreate_database(url, name)
    env = {
        **os.environ,
        CHILD_FLAG: "1",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",  # DEBUG off, fast hashers
        "TEST_DATABASE_URL": url,
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True
    )
    return subprocess.run(
        [sys.executable, "manage.py", command, *argv], env=env, cwd=ROOT
    ).returncode


# --- workflow transitions over HTTP -------------------------------------------------------


@dataclass
class WorkflowResult:
    concurrency: int
    cases: int
    transitions: int
    errors: int
    seconds: float
    pgbench_tps: float | None
    floor_per_second: float = 0.0  # the lightest authenticated read, same server and clients

    @property
    def per_second(self) -> float:
        return self.transitions / self.seconds if self.seconds else 0.0

    @property
    def ratio(self) -> float | None:
        return self.per_second / self.pgbench_tps if self.pgbench_tps else None

    @property
    def floor_ratio(self) -> float | None:
        return self.floor_per_second / self.pgbench_tps if self.pgbench_tps else None


def _prepare_cases(count: int) -> tuple[list[dict], dict[str, str]]:
    """``count`` complete drafts of one world, and a token per role (services only)."""
    from rest_framework.authtoken.models import Token

    from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, upload_all

    world = lifecycle_world()
    roles = ["applicant", "clerk", "reviewer1", "reviewer2", "approver1", "approver2"]
    tokens = {r: Token.objects.get_or_create(user=world.users[r])[0].key for r in roles}
    cases = []
    for _ in range(count):
        case = CaseFactory(world=world)
        upload_all(case, world.applicant)
        cases.append({"case": str(case.public_id)})
    return cases, tokens


@dataclass
class _Answer:
    status_code: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class _LeanClient:
    """
    A keep-alive HTTP/1.1 client on the standard library's ``http.client``: the load
    generator shares the CPUs with the server and PostgreSQL, so it should spend as little
    of them as it can (no connection pool, no event hooks).
    """

    def __init__(self, base: str) -> None:
        parts = urlparse(base)
        self._connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def _send(self, method: str, url: str, body: bytes | None, headers: dict) -> _Answer:
        path = urlparse(url)
        target = path.path + (f"?{path.query}" if path.query else "")
        self._connection.request(method, target, body=body, headers=headers)
        response = self._connection.getresponse()
        return _Answer(response.status, response.read())

    def post(self, url: str, *, json: Any, headers: dict) -> _Answer:  # noqa: A002 - httpx's name
        body = _json_bytes(json)
        return self._send("POST", url, body, {**headers, "Content-Type": "application/json"})

    def get(self, url: str, *, headers: dict) -> _Answer:
        return self._send("GET", url, None, headers)

    def close(self) -> None:
        self._connection.close()


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode()


def _journey(client, base: str, case: str, tokens: dict[str, str]) -> tuple[int, int]:
    """One case from draft to concluded: 6 transitions. Return (done, errors)."""

    def post(role: str, path: str, body: dict) -> dict | None:
        response = client.post(
            base + path, json=body, headers={"Authorization": f"Token {tokens[role]}"}
        )
        return response.json() if response.status_code < 300 else None

    done = errors = 0
    url = f"/api/v1/cases/{case}/"
    steps: list[tuple[str, str, dict]] = [
        ("applicant", url + "submit/", {}),
        ("clerk", url + "accept/", {}),
    ]
    items: dict[str, str] = {}
    for role, path, body in steps:
        answer = post(role, path, body)
        if answer is None:
            return done, errors + 1
        done += 1
        items = {i["matter_code"]: i["item"] for i in answer.get("items", [])}
    for n, matter in ((1, "M1"), (2, "M2")):
        opinion = {"text": "同意", "recommendation": "approve"}
        if post(f"reviewer{n}", f"/api/v1/items/{items[matter]}/opinions/", opinion) is None:
            return done, errors + 1
        done += 1
    for n, matter in ((1, "M1"), (2, "M2")):
        decision = {"decision": "approve"}
        if post(f"approver{n}", f"/api/v1/items/{items[matter]}/decide/", decision) is None:
            return done, errors + 1
        done += 1
    return done, errors


FLOOR_PATH = "/api/v1/inbox/?page_size=1"


def _run_threads(target: Callable[[], None], count: int) -> float:
    """Run ``target`` in ``count`` threads at once; return the seconds until all finished."""
    threads = [threading.Thread(target=target) for _ in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def _http_floor(base: str, token: str, *, concurrency: int, requests: int) -> float:
    """
    Requests per second of the lightest authenticated API read (the applicant's inbox,
    one row) by ``concurrency`` keep-alive clients: what the HTTP stack itself allows on
    this machine, the ceiling any transition is measured against.
    """
    headers = {"Authorization": f"Token {token}"}
    per_client = max(1, requests // concurrency)
    failures: list[int] = []

    def loop() -> None:
        client = _LeanClient(base)
        try:
            for _ in range(per_client):
                status = client.get(base + FLOOR_PATH, headers=headers).status_code
                if status != 200:
                    failures.append(status)
        finally:
            client.close()

    elapsed = _run_threads(loop, concurrency)
    if failures:
        raise RuntimeError(f"the inbox answered {failures[0]}")
    return per_client * concurrency / elapsed


def _wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        client = _LeanClient(f"http://127.0.0.1:{port}")
        try:
            client.get(f"http://127.0.0.1:{port}/accounts/login/", headers={})
            return
        except (OSError, http.client.HTTPException):  # refused while gunicorn starts
            time.sleep(0.3)
        finally:
            client.close()
    raise RuntimeError("gunicorn did not start")


def pgbench_tps(url: str, *, concurrency: int, seconds: int) -> float | None:
    """tpcb-like TPS on a scratch database at ``concurrency`` clients; None without pgbench."""
    binary = shutil.which("pgbench")
    if binary is None:
        return None
    parts = urlparse(url)
    name = (parts.path.lstrip("/") or "kg_bench") + "_pgbench"
    recreate_database(url, name)
    common = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    common += ["-U", parts.username or "postgres"]
    env = {**os.environ, **({"PGPASSWORD": parts.password} if parts.password else {})}
    subprocess.run([binary, *common, "-i", "-q", name], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [binary, *common, "-b", "tpcb-like", "-c", str(concurrency), "-j", str(concurrency),
         "-T", str(seconds), name],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out)
    with _connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return float(match.group(1)) if match else None


def run_workflow_bench(
    *, concurrency: int, cases: int, workers: int, port: int, pgbench_seconds: int
) -> WorkflowResult:
    """Prepare ``cases`` drafts, start gunicorn, drive them concurrently, then pgbench."""
    drafts, tokens = _prepare_cases(cases)
    # persistent connections, as in production (config/settings/base.py)
    env = {**os.environ, "DATABASE_CONN_MAX_AGE": "60"}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi:application",
         "-b", f"127.0.0.1:{port}", "-w", str(workers), "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        _wait_for(port)
        queue: Queue = Queue()
        for draft in drafts:
            queue.put(draft["case"])
        totals = {"done": 0, "errors": 0}
        lock = threading.Lock()

        def client_loop() -> None:
            base = f"http://127.0.0.1:{port}"
            client = _LeanClient(base)
            try:
                while True:
                    try:
                        case = queue.get_nowait()
                    except Empty:
                        return
                    done, errors = _journey(client, base, case, tokens)
                    with lock:
                        totals["done"] += done
                        totals["errors"] += errors
            finally:
                client.close()

        elapsed = _run_threads(client_loop, concurrency)
        base = f"http://127.0.0.1:{port}"
        floor = _http_floor(base, tokens["applicant"], concurrency=concurrency, requests=1600)
    finally:
        server.terminate()
        server.wait(timeout=30)
    tps = pgbench_tps(bench_url(), concurrency=concurrency, seconds=pgbench_seconds)
    return WorkflowResult(
        concurrency=concurrency,
        cases=cases,
        transitions=totals["done"],
        errors=totals["errors"],
        seconds=elapsed,
        pgbench_tps=tps,
        floor_per_second=floor,
    )


# --- worklist with 100,000 items ----------------------------------------------------------


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

    from rest_framework.authtoken.models import Token

    from kaigong.cases.selectors import item_worklist

    world, build = bulk_items(total)
    reviewer = world.users["reviewer1"]
    token = Token.objects.get_or_create(user=reviewer)[0].key
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

    from rest_framework.authtoken.models import Token

    token = Token.objects.get_or_create(user=user)[0].key
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="localhost")
    times = []
    for n in range(queries):
        started = time.perf_counter()
        response = client.get("/api/v1/items/", FILTERS[n % len(FILTERS)])
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"worklist answered {response.status_code}")
    return times
