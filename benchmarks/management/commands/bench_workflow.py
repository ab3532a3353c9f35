"""``manage.py bench_workflow``: workflow transitions over HTTP vs pgbench (goal ≥ 0.30)."""

import os

from django.core.management.base import BaseCommand

from benchmarks.cases import CHILD_FLAG, run_in_child
from benchmarks.cases.workflow import FLOOR_PATH, run_workflow_bench

GOAL = 0.30


class Command(BaseCommand):
    help = "Workflow transitions over HTTP (gunicorn, PostgreSQL) as a ratio of pgbench tpcb-like."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument("--cases", type=int, default=96)
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2)
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--pgbench-seconds", type=int, default=10)

    def handle(self, *args, **options):
        if not os.environ.get(CHILD_FLAG):
            argv = [f"--{k.replace('_', '-')}={options[k]}" for k in
                    ("concurrency", "cases", "workers", "port", "pgbench_seconds")]  # fmt: skip
            code = run_in_child("bench_workflow", argv, self.stdout.write)
            if code:
                raise SystemExit(code)
            return
        result = run_workflow_bench(
            concurrency=options["concurrency"],
            cases=options["cases"],
            workers=options["workers"],
            port=options["port"],
            pgbench_seconds=options["pgbench_seconds"],
        )
        self.stdout.write(
            f"bench_workflow: {result.transitions} transitions ({result.cases} cases × 6, "
            f"{result.errors} errors) by {result.concurrency} clients in {result.seconds:.1f} s "
            f"= {result.per_second:.1f} transitions/s"
        )
        self.stdout.write(
            f"bench_workflow: HTTP floor, GET {FLOOR_PATH}: {result.floor_per_second:.0f} "
            f"requests/s; transitions ÷ floor {result.floor_share or 0:.3f} (goal ≥ 0.5)"
        )
        if result.certificates:
            per = result.render_seconds / result.certificates * 1000
            self.stdout.write(
                f"bench_workflow: {result.certificates} certificates rendered and signed "
                f"after commit by the relay in {result.render_seconds:.1f} s ({per:.1f} ms each)"
            )
        if result.pgbench_tps is None:
            self.stdout.write("bench_workflow: pgbench not found — ratio skipped")
            return
        ratio = result.ratio or 0.0
        verdict = "met" if ratio >= GOAL else "NOT met"
        self.stdout.write(
            f"bench_workflow: pgbench -b tpcb-like -c {result.concurrency}: "
            f"{result.pgbench_tps:.0f} tps; ratio {ratio:.3f} (goal ≥ {GOAL:.2f}: {verdict})"
        )
        self.stdout.write(
            f"bench_workflow: HTTP floor, GET {FLOOR_PATH} by the same clients: "
            f"{result.floor_per_second:.0f} requests/s; ratio {result.floor_ratio or 0:.3f} "
            "(the most any request through this stack reaches on this machine)"
        )
