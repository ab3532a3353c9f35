"""``manage.py bench_worklist``: worklist p95 with 100,000 items on PostgreSQL (≤ 60 ms)."""

import os

from django.core.management.base import BaseCommand

from benchmarks.cases import CHILD_FLAG, run_in_child
from benchmarks.cases.worklist import run_worklist_bench

GOAL_MS = 60.0


class Command(BaseCommand):
    help = "Worklist (selector and API, first page with count) p95 over 100,000 items."

    def add_arguments(self, parser):
        # KAIGONG_BENCH_ITEMS=1000000 make bench: the province-size run (issue #16)
        parser.add_argument(
            "--items", type=int, default=int(os.environ.get("KAIGONG_BENCH_ITEMS", 100_000))
        )
        parser.add_argument("--queries", type=int, default=200)

    def handle(self, *args, **options):
        if not os.environ.get(CHILD_FLAG):
            argv = [f"--items={options['items']}", f"--queries={options['queries']}"]
            code = run_in_child("bench_worklist", argv, self.stdout.write)
            if code:
                raise SystemExit(code)
            return
        r = run_worklist_bench(total=options["items"], queries=options["queries"])
        verdict = "met" if r.api_p95_ms <= GOAL_MS else "NOT met"
        self.stdout.write(
            f"bench_worklist: {r.items} items built in {r.build_seconds:.1f} s; "
            f"{r.queries} queries: selector p50 {r.selector_p50_ms:.1f} ms, "
            f"p95 {r.selector_p95_ms:.1f} ms; API p50 {r.api_p50_ms:.1f} ms, "
            f"p95 {r.api_p95_ms:.1f} ms (goal ≤ {GOAL_MS:.0f} ms: {verdict})"
        )
        self.stdout.write(
            f"bench_worklist: a supervisor (every department): API p50 "
            f"{r.supervisor_api_p50_ms:.1f} ms, p95 {r.supervisor_api_p95_ms:.1f} ms"
        )
        self.stdout.write(
            f"bench_worklist: the reviewer's page {r.deep_page} by its cursor: p50 "
            f"{r.deep_keyset_p50_ms:.1f} ms, p95 {r.deep_keyset_p95_ms:.1f} ms (goal ≤ 40 ms); "
            f"the same as ?page={r.deep_page} (OFFSET, exact count): p95 "
            f"{r.deep_offset_p95_ms:.1f} ms"
        )
        self.stdout.write(
            f"bench_worklist: the supervisor's page {r.supervisor_deep_page} by its cursor: p50 "
            f"{r.supervisor_deep_p50_ms:.1f} ms, p95 {r.supervisor_deep_p95_ms:.1f} ms "
            f"(goal ≤ 60 ms)"
        )
        for who, medians in (
            ("reviewer", r.reviewer_by_filter),
            ("supervisor", r.supervisor_by_filter),
        ):
            figures = ", ".join(f"{name} {ms:.1f}" for name, ms in medians.items())
            self.stdout.write(
                f"bench_worklist: the {who}'s page 1 per filter (median ms): {figures}"
            )
