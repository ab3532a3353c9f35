"""
``manage.py bench_scale``: the jobs of issue #16 at scale on PostgreSQL — the capped
worklist count, ``verify_event_chains`` full and incremental, an idle archive sweep, the
due-date recompute after a calendar import (time and peak memory) — over N set-built items
(``KAIGONG_BENCH_ITEMS``, default 20,000 so that ``make bench`` stays short; the issue's
figure: ``KAIGONG_BENCH_ITEMS=1000000``).
"""

import json
import os
from dataclasses import asdict

from django.core.management.base import BaseCommand

from benchmarks.cases import CHILD_FLAG, run_in_child
from benchmarks.cases.scale import JOB_COMMANDS, JOBS, run_job, run_scale_bench

GOAL_S = 60.0


class Command(BaseCommand):
    help = "Capped count, chain verification, idle archive sweep and due-date recompute at scale."

    def add_arguments(self, parser):
        parser.add_argument(
            "--items", type=int, default=int(os.environ.get("KAIGONG_BENCH_ITEMS", 20_000))
        )
        parser.add_argument("--queries", type=int, default=50)
        parser.add_argument(
            "--jobs", default=",".join(JOBS), help="comma-separated: " + ", ".join(JOBS)
        )
        parser.add_argument("--job", choices=JOBS, help="(internal) run one job here, print JSON")

    def handle(self, *args, **options):
        if options["job"]:  # a child of the run below, on its database
            self.stdout.write(json.dumps(asdict(run_job(options["job"]))))
            return
        if not os.environ.get(CHILD_FLAG):
            argv = [f"--items={options['items']}", f"--queries={options['queries']}"]
            code = run_in_child(
                "bench_scale", [*argv, f"--jobs={options['jobs']}"], self.stdout.write
            )
            if code:
                raise SystemExit(code)
            return
        jobs = [j for j in options["jobs"].split(",") if j]
        r = run_scale_bench(
            total=options["items"], queries=options["queries"], jobs=jobs, write=self.stdout.write
        )
        per = 100_000 / r.items if r.items else 0.0
        self.stdout.write(
            f"bench_scale: {r.items} items built in {r.build_seconds:.1f} s (≈ 2–3 s of it "
            f"the world of services and factories); {r.events} events "
            f"({r.events / r.items:.2f} per item) hashed and copied in {r.events_seconds:.1f} s "
            f"({r.events_seconds * per:.1f} s per 100,000 items); checkpoint signed in "
            f"{r.checkpoint_seconds:.1f} s; {r.new_events} events after it; "
            f"{r.documents} documents filed"
        )
        more = "more than " if r.count_capped else ""
        self.stdout.write(
            f"bench_scale: a reviewer's worklist count (capped_count, exact up to the cap): "
            f"{more}{r.count}; p50 {r.count_p50_ms:.1f} ms, p95 {r.count_p95_ms:.1f} ms "
            f"over {options['queries']} reads"
        )
        for job in r.jobs:
            verdict = "met" if job.seconds <= GOAL_S else "NOT met"
            goal = (
                f"one query: {'met' if job.queries == 1 else 'NOT met'}"
                if job.job == "sweep"
                else f"goal ≤ {GOAL_S:.0f} s: {verdict}"
            )
            self.stdout.write(
                f"bench_scale: {JOB_COMMANDS[job.job]}: {job.result} in {job.seconds:.2f} s, "
                f"{job.queries} queries, peak RSS {job.peak_rss_mib:.0f} MiB "
                f"(+{job.peak_rss_mib - job.start_rss_mib:.0f} MiB over the loaded process) "
                f"({goal})"
            )
