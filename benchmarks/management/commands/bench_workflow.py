"""
``manage.py bench_workflow``: workflow transitions over HTTP vs pgbench (goal ≥ 0.30), the
product's floor ÷ a bare DRF view (goal ≥ 0.7) and transitions ÷ floor (goal ≥ 0.5), in
the same run, per gunicorn configuration (``--servers sync:2,sync:3,gthread:5x2,conf``).
"""

import os

from django.core.management.base import BaseCommand, CommandError

from benchmarks.bare import BARE_PATH, BARE_TRANSITION_PATH
from benchmarks.cases import CHILD_FLAG, run_in_child
from benchmarks.cases.workflow import (
    FLOOR_PATH,
    ROUNDS,
    WARM_REQUESTS,
    ServerSpec,
    run_workflow_bench,
    spread,
)

GOAL = 0.30
BARE_GOAL = 0.7
FLOOR_GOAL = 0.5


class Command(BaseCommand):
    help = (
        "Workflow transitions over HTTP (gunicorn, PostgreSQL) as a ratio of pgbench tpcb-like, "
        "the floor ÷ a bare DRF view, per gunicorn configuration."
    )

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument("--cases", type=int, default=96, help="cases per server")
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2)
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument(
            "--worker-class", default="sync", help="sync, gthread or uvicorn (ASGI)"
        )
        parser.add_argument(
            "--gunicorn-config",
            default="",
            help="a -c file instead (e.g. deploy/gunicorn.conf.py, sized by KAIGONG_WEB_*)",
        )
        parser.add_argument(
            "--servers",
            default="",
            help="several configurations, one after the other in the same run: "
            "comma-separated sync:2, gthread:5x2, uvicorn:3, conf (= -c deploy/gunicorn.conf.py) "
            "or conf:<path>; overrides the four options above",
        )
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--pgbench-seconds", type=int, default=10)

    def _servers(self, options) -> list[ServerSpec]:
        if options["servers"]:
            try:
                return [ServerSpec.parse(s) for s in options["servers"].split(",") if s.strip()]
            except ValueError as error:
                raise CommandError(f"--servers: {error}") from error
        if options["gunicorn_config"]:
            return [ServerSpec(worker_class="", config=options["gunicorn_config"])]
        return [
            ServerSpec(
                worker_class=options["worker_class"],
                workers=options["workers"],
                threads=options["threads"],
            )
        ]

    def handle(self, *args, **options):
        servers = self._servers(options)
        if not os.environ.get(CHILD_FLAG):
            keys = ("concurrency", "cases", "workers", "threads", "worker_class",
                    "gunicorn_config", "servers", "port", "pgbench_seconds")  # fmt: skip
            argv = [f"--{k.replace('_', '-')}={options[k]}" for k in keys]
            code = run_in_child("bench_workflow", argv, self.stdout.write)
            if code:
                raise SystemExit(code)
            return
        results = run_workflow_bench(
            concurrency=options["concurrency"],
            cases=options["cases"],
            port=options["port"],
            pgbench_seconds=options["pgbench_seconds"],
            servers=servers,
        )
        for result in results:
            self._report(result)
        first = results[0]
        if first.certificates or first.documents:
            owed = first.certificates + first.documents
            per = first.render_seconds / owed * 1000
            self.stdout.write(
                f"bench_workflow: {first.certificates} certificates and {first.documents} "
                f"official documents (every server's) rendered and signed after commit by the "
                f"relay in {first.render_seconds:.1f} s ({per:.1f} ms each)"
            )
        if len(results) > 1:
            self.stdout.write("bench_workflow: servers compared (same run, same clients):")
            for r in results:
                self.stdout.write(
                    f"  {r.server:>28}: {r.per_second:6.1f} transitions/s, "
                    f"{r.cpu_ms_per_transition or 0:5.1f} CPU ms per transition, floor "
                    f"{r.floor_per_second:5.0f}/s, bare {r.bare_per_second:5.0f}/s, bare "
                    f"transition {r.bare_transition_per_second:5.0f}/s"
                )

    def _report(self, result) -> None:
        w = self.stdout.write
        w(
            f"bench_workflow [{result.server}]: {result.transitions} transitions "
            f"({result.cases} cases × 6, {result.errors} errors) by {result.concurrency} clients "
            f"in {result.seconds:.1f} s = {result.per_second:.1f} transitions/s; gunicorn CPU "
            f"{result.cpu_ms_per_transition or 0:.1f} ms per transition"
        )
        w(
            f"bench_workflow [{result.server}]: after a warm-up (one untimed journey, "
            f"{WARM_REQUESTS} untimed reads of each), {ROUNDS} rounds of "
            f"{result.round_requests} requests, floor and bare alternating (requests/s):"
        )
        cpu = zip(result.floor_cpu_rounds, result.bare_cpu_rounds, strict=True)
        rates = zip(result.floor_rounds, result.bare_rounds, strict=True)
        for n, ((floor, bare), (floor_cpu, bare_cpu)) in enumerate(zip(rates, cpu, strict=True), 1):
            w(
                f"  round {n}: floor {floor:6.0f}, bare {bare:6.0f}, floor ÷ bare "
                f"{floor / bare:.3f}; gunicorn CPU per read: floor {floor_cpu:.2f} ms, bare "
                f"{bare_cpu:.2f} ms"
            )
        floor_share = result.floor_share or 0
        _median, low, high = spread(result.floor_rounds)
        w(
            f"bench_workflow [{result.server}]: HTTP floor, GET {FLOOR_PATH}: "
            f"{result.floor_per_second:.0f} requests/s (median; {low:.0f}–{high:.0f}); "
            f"transitions ÷ floor {floor_share:.3f} "
            f"(goal ≥ {FLOOR_GOAL}: {'met' if floor_share >= FLOOR_GOAL else 'NOT met'})"
        )
        bare_share = result.bare_share or 0
        _median, low, high = spread(result.bare_rounds)
        _median, share_low, share_high = spread(result.round_shares)
        w(
            f"bench_workflow [{result.server}]: bare DRF view (knox token, one indexed SELECT), "
            f"GET {BARE_PATH}: {result.bare_per_second:.0f} requests/s (median; "
            f"{low:.0f}–{high:.0f}); floor ÷ bare {bare_share:.3f} (of the medians; "
            f"median of the rounds' {result.paired_share or 0:.3f}, "
            f"{share_low:.3f}–{share_high:.3f}) "
            f"(goal ≥ {BARE_GOAL}: {'met' if bare_share >= BARE_GOAL else 'NOT met'})"
        )
        w(
            f"bench_workflow [{result.server}]: gunicorn CPU per read (median of the rounds): "
            f"floor {spread(result.floor_cpu_rounds)[0]:.2f} ms, bare "
            f"{spread(result.bare_cpu_rounds)[0]:.2f} ms; bare ÷ floor {result.cpu_share or 0:.3f} "
            "(what floor ÷ bare would be if the server's CPU alone decided it)"
        )
        w(
            f"bench_workflow [{result.server}]: bare transition (a row locked and updated, an "
            f"event, an outbox message and a notice in one transaction), POST "
            f"{BARE_TRANSITION_PATH}: {result.bare_transition_per_second:.0f} requests/s, "
            f"gunicorn CPU {result.bare_transition_cpu_ms:.2f} ms each; bare transition ÷ "
            f"floor {result.bare_transition_share or 0:.3f}; the product's transitions ÷ bare "
            f"transition {result.stack_share or 0:.3f}"
        )
        if result.pgbench_tps is None:
            w("bench_workflow: pgbench not found — ratio skipped")
            return
        ratio = result.ratio or 0.0
        verdict = "met" if ratio >= GOAL else "NOT met"
        w(
            f"bench_workflow [{result.server}]: pgbench -b tpcb-like -c {result.concurrency}: "
            f"{result.pgbench_tps:.0f} tps; ratio {ratio:.3f} (goal ≥ {GOAL:.2f}: {verdict}); "
            f"floor ÷ pgbench {result.floor_ratio or 0:.3f}"
        )
