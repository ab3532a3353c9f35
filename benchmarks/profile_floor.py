"""
The floor and the bare DRF view of ``bench_workflow`` profiled in-process (issue #16 §2).

Not collected by the test run (no ``test_`` prefix); run it by its path, on PostgreSQL:

    TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> \\
    DJANGO_SETTINGS_MODULE=config.settings.test \\
    .venv/bin/python -m pytest -n 0 -q -p no:cacheprovider benchmarks/profile_floor.py

It builds the bench's world (the applicant with an enterprise and a few messages in its
inbox), then reads ``FLOOR_PATH`` (the applicant's inbox, one row) and ``BARE_PATH`` (knox
token and one indexed SELECT) through the whole stack — Django's test client with the
``Token`` header, every middleware, the benchmark's URLconf — ``WARM`` times untimed, then
``ROUNDS`` rounds of ``READS`` reads each, floor and bare alternating, CPU timed
(``time.process_time``), then ``READS`` of each under cProfile (CPU timer). It writes to
``PROFILE_DIR`` (default ``var/profile``): ``floor.txt`` (CPU µs per read, the median of
the rounds and their spread, queries per read, floor ÷ bare), ``prof_floor.txt`` and
``prof_bare.txt`` (by cumulative and by own time), ``sql_floor.txt`` and ``sql_bare.txt``.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import time
from pathlib import Path

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

import pytest
from knox.models import AuthToken

from benchmarks.bare import BARE_PATH
from benchmarks.cases.workflow import FLOOR_PATH
from kaigong.cases.tests.factories import lifecycle_world
from kaigong.core.models import Notification

pytestmark = pytest.mark.django_db

OUT = Path(os.environ.get("PROFILE_DIR", "var/profile"))
WARM, ROUNDS, READS = 50, 5, 200


def _reads(client: Client, path: str, count: int) -> float:
    """CPU seconds of ``count`` reads of ``path``."""
    started = time.process_time()
    for _ in range(count):
        answer = client.get(path)
    elapsed = time.process_time() - started
    assert answer.status_code == 200, answer.content
    return elapsed


def _profiled(client: Client, path: str, label: str) -> int:
    """``READS`` reads under cProfile; the profile and one read's queries written; queries."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(READS):
        client.get(path)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(90)
    stats.sort_stats("tottime").print_stats(40)
    (OUT / f"prof_{label}.txt").write_text(text.getvalue())
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    (OUT / f"sql_{label}.txt").write_text(
        "\n".join(q["sql"][:400] for q in queries.captured_queries) + "\n"
    )
    return len(queries.captured_queries)


@override_settings(ROOT_URLCONF="benchmarks.urls")
def test_profile_the_floor_and_the_bare_view():
    OUT.mkdir(parents=True, exist_ok=True)
    world = lifecycle_world()
    applicant = world.users["applicant"]
    for n in range(5):  # the bench's applicant has a few messages by the time it reads
        Notification.objects.create(user=applicant, kind="case", title=f"消息 {n}", body="")
    token = AuthToken.objects.create(user=applicant)[1]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(FLOOR_PATH).json()["count"] == 5
    for path in (FLOOR_PATH, BARE_PATH):
        _reads(client, path, WARM)
    rounds: dict[str, list[float]] = {"floor": [], "bare": []}
    for _ in range(ROUNDS):
        rounds["floor"].append(_reads(client, FLOOR_PATH, READS) / READS * 1e6)
        rounds["bare"].append(_reads(client, BARE_PATH, READS) / READS * 1e6)
    queries = {
        "floor": _profiled(client, FLOOR_PATH, "floor"),
        "bare": _profiled(client, BARE_PATH, "bare"),
    }
    median = {label: statistics.median(values) for label, values in rounds.items()}
    lines = [
        f"in-process CPU per read (µs, median of {ROUNDS} rounds of {READS}; spread min–max), "
        f"after {WARM} untimed reads of each"
    ]
    for label, path in (("floor", FLOOR_PATH), ("bare", BARE_PATH)):
        values = rounds[label]
        lines.append(
            f"  {label:5} GET {path:28} {median[label]:7.0f} µs "
            f"({min(values):.0f}–{max(values):.0f}), {queries[label]} queries"
        )
    lines.append(
        f"  floor ÷ bare (the inverse of the CPU ratio): {median['bare'] / median['floor']:.3f}"
    )
    (OUT / "floor.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
