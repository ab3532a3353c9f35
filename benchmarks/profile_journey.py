"""
The workflow benchmark's journey profiled in-process, per transition (issue #16 §3).

Not collected by the test run (no ``test_`` prefix); run it by its path, on PostgreSQL:

    TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> \\
    DJANGO_SETTINGS_MODULE=config.settings.test \\
    .venv/bin/python -m pytest -n 0 -q -p no:cacheprovider benchmarks/profile_journey.py

It builds a world like ``bench_workflow``'s (two certificates per concluded case), runs one
journey to fill the process's caches, then three measured journeys — the API through the
test client with a knox token, in a transactional test so that on-commit work runs as in a
server, certificates and documents rendered after commit — and a fourth under cProfile
(CPU timer). It writes to ``PROFILE_DIR`` (default ``var/profile``): ``breakdown.txt``
(CPU ms of the process, CPU ms of the PostgreSQL backend, wall ms and queries per
transition, mean of three), ``prof_<step>.txt`` (the profile by cumulative and by own
time), ``prof_<step>.prof`` (the raw profile),
``by_package_<step>.txt`` (own time by package: SQL compilation, ORM, DRF, Kaigong …) and
``sql_<step>.txt`` (the queries of each step).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import time
from collections import defaultdict
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

import pytest

from kaigong.cases.tests.api.conftest import client_for
from kaigong.cases.tests.conftest import monday  # noqa: F401 - fixture
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, upload_all

pytestmark = pytest.mark.django_db(transaction=True)

OUT = Path(os.environ.get("PROFILE_DIR", "var/profile"))


_PACKAGES = (
    ("django/db/models/sql", "Django: compiling SQL"),
    ("django/db/models", "Django: models, querysets, instances"),
    ("django/db/backends", "Django: database backend"),
    ("psycopg", "psycopg"),
    ("rest_framework", "DRF"),
    ("django", "Django: the rest"),
    ("kaigong", "Kaigong"),
)


def _by_package(stats: pstats.Stats) -> str:
    """Own CPU time of the profiled request by package (where a transition's time goes)."""
    totals: dict[str, float] = defaultdict(float)
    for (path, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        totals[next((label for key, label in _PACKAGES if key in path), "other")] += own
    whole = sum(totals.values()) or 1.0
    rows = sorted(totals.items(), key=lambda kv: -kv[1])
    return "".join(f"{label:40} {own * 1000:7.1f} ms {own / whole:6.1%}\n" for label, own in rows)


def _database_cpu() -> float:
    """
    Seconds of CPU the PostgreSQL backend serving this connection has used so far (the
    kernel's ``/proc/<pid>/schedstat``, nanoseconds; the server runs on this machine). The
    database's share of a transition, which on one machine competes with the web workers
    for the same cores. 0 on SQLite or where the file cannot be read.
    """
    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid  # psycopg knows it: no query
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def _journey(world, case, rows=None, *, profile=False):
    def post(role, path, body, label):
        client = client_for(world.users[role])
        profiler = cProfile.Profile(time.process_time) if profile else None
        database = _database_cpu()
        with CaptureQueriesContext(connection) as queries:
            cpu, wall = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            response = client.post(path, body, format="json")
            if profiler:
                profiler.disable()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        database = _database_cpu() - database
        assert response.status_code < 300, response.json()
        if rows is not None:
            rows[label].append(
                (cpu * 1000, wall * 1000, len(queries.captured_queries), database * 1000)
            )
        if profiler:
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text)
            stats.sort_stats("cumulative").print_stats(90)
            stats.sort_stats("tottime").print_stats(40)
            (OUT / f"prof_{label}.txt").write_text(text.getvalue())
            profiler.dump_stats(OUT / f"prof_{label}.prof")  # for snakeviz, pstats
            (OUT / f"by_package_{label}.txt").write_text(_by_package(stats))
            (OUT / f"sql_{label}.txt").write_text(
                "\n".join(q["sql"][:4000] for q in queries.captured_queries) + "\n"
            )
        return response.json()

    url = f"/api/v1/cases/{case.public_id}/"
    post("applicant", url + "submit/", {}, "submit")
    items = {
        i["matter_code"]: i["item"] for i in post("clerk", url + "accept/", {}, "accept")["items"]
    }
    opinion = {"text": "同意", "recommendation": "approve"}
    for n, matter in ((1, "M1"), (2, "M2")):
        post(f"reviewer{n}", f"/api/v1/items/{items[matter]}/opinions/", opinion, f"opinion{n}")
    post("approver1", f"/api/v1/items/{items['M1']}/decide/", {"decision": "approve"}, "decide1")
    post("approver2", f"/api/v1/items/{items['M2']}/decide/", {"decision": "approve"}, "decide2")


@override_settings(KAIGONG_CERTIFICATES_RENDER_INLINE=False)  # production's: after commit
def test_profile_the_journey(monday):  # noqa: F811
    OUT.mkdir(parents=True, exist_ok=True)
    world = lifecycle_world(certificates=True)
    drafts = []
    for _ in range(5):
        case = CaseFactory(world=world)
        upload_all(case, world.applicant)
        drafts.append(case)
    _journey(world, drafts[0])  # fills the process's caches
    rows: dict[str, list[tuple[float, float, int, float]]] = defaultdict(list)
    for case in drafts[1:4]:
        _journey(world, case, rows)
    _journey(world, drafts[4], profile=True)
    lines, total, total_database = [], 0.0, 0.0
    for label, values in rows.items():
        cpu, wall, count, database = (sum(v[i] for v in values) / len(values) for i in range(4))
        total += cpu
        total_database += database
        lines.append(
            f"{label:10} cpu {cpu:6.1f} ms  database cpu {database:5.1f} ms  "
            f"wall {wall:6.1f} ms  queries {count:5.1f}"
        )
    lines.append(f"mean cpu per transition {total / len(rows):.1f} ms")
    lines.append(f"mean database cpu per transition {total_database / len(rows):.1f} ms")
    (OUT / "breakdown.txt").write_text("\n".join(lines) + "\n")
