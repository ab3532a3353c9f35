"""
Benchmarks of the case lifecycle on PostgreSQL (``make bench`` runs every ``bench_*``).

* ``bench_workflow``: workflow transitions over HTTP against gunicorn — N concurrent
  clients each take whole cases through submit → accept → two opinions → two decisions
  (the last one concludes the bundle and issues its certificates) — compared with
  ``pgbench -b tpcb-like`` at the same concurrency in the same run. Goal: ratio ≥ 0.30.
* ``bench_worklist``: 100,000 items bulk-created, then the worklist (selector and API,
  first page with its count) p95 over 200 queries with varying filters. Goal: ≤ 60 ms.

The scratch database is here; ``workflow.py`` and ``worklist.py`` hold the two benchmarks.
Both run in a child process pointed at a scratch database (``TEST_DATABASE_URL`` or
postgres://postgres@127.0.0.1:5432/kg_bench), which is dropped and re-created each run;
the data are built through the services (``tests.factories.lifecycle_world``) and, for the
items at scale, set-based in SQL (``bulk.py``); ``bench_scale`` (``scale.py``) measures the
background jobs over them. Without PostgreSQL they print a "skipped" line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kg_bench"
CHILD_FLAG = "KG_BENCH_CHILD"
ROOT = Path(__file__).resolve().parents[2]  # the repository: benchmarks/cases/__init__.py


# --- the scratch database -----------------------------------------------------------------


def bench_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_URL


def server_connect(url: str, dbname: str = "postgres"):
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
        server_connect(url).close()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ""


def recreate_database(url: str, name: str) -> None:
    """Drop and create ``name`` on the server of ``url`` (a scratch database)."""
    with server_connect(url) as conn:
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
