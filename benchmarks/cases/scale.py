"""
``bench_scale``: the province-size jobs of issue #16 over N set-built items
(``KAIGONG_BENCH_ITEMS``, default 20,000; the issue's figure is at 1,000,000).

Built in SQL (``benchmarks.cases.bulk``): the items, ≈ 1.8 SM3-chained events per item, a
signed checkpoint, then a few new events through the product's ``case_event_record`` (the
work an incremental verification has), and archive documents already filed (≈ 18,000 at
1,000,000 items). Measured:

* the capped count of a reviewer's worklist (``core.keyset.capped_count``, exact up to its
  cap), p50/p95 over ``queries`` reads;
* each job in a child process of its own (``manage.py bench_scale --job …``), so that its
  peak RSS (``resource.getrusage``) is the job's: ``verify_event_chains`` full and
  ``--incremental``, an idle archive sweep (its queries counted), and the due-date
  recompute after a calendar import: ``recompute`` walks every open item of this year (the
  days that changed not known, as after a seed), ``notice`` imports next year's notice (the
  shipped 2027 example's days moved to next year) with its listener, which is told the
  changed days and walks only the items whose clock spans one (and the provisional and
  paused ones).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from benchmarks.cases import ROOT
from benchmarks.stats import percentile

JOBS = ("verify", "verify-incremental", "sweep", "recompute", "notice")
JOB_COMMANDS = {
    "verify": "manage.py verify_event_chains",
    "verify-incremental": "manage.py verify_event_chains --incremental",
    "sweep": "manage.py archive_sweep (nothing new to file)",
    "recompute": "deadlines_recompute_open({this year}), days not known: every open item walked",
    "notice": "calendar_notice_import(next year's notice) and its listener (the changed days)",
}
# next year's notice as the State Council publishes it about now (the shipped example's shape)
NOTICE = ROOT / "kaigong" / "calendars" / "fixtures" / "notice-2027-example.json"
DOCUMENTS_PER_ITEM = 0.018  # ≈ 18,000 filed documents at 1,000,000 items
NEW_EVENTS_SHARE = 0.01  # cases with an event after the checkpoint


@dataclass
class JobResult:
    job: str
    seconds: float
    peak_rss_mib: float  # the child's peak resident set (Django loaded + the job)
    start_rss_mib: float  # the child's peak before the job began (Django loaded)
    queries: int
    result: str


@dataclass
class ScaleResult:
    items: int
    build_seconds: float
    events: int
    events_seconds: float
    checkpoint_seconds: float
    new_events: int
    documents: int
    count: int = 0
    count_capped: bool = False
    count_p50_ms: float = 0.0
    count_p95_ms: float = 0.0
    jobs: list[JobResult] = field(default_factory=list)


def _rss_mib() -> float:
    """
    This process's peak resident memory. Linux: ``VmHWM`` of /proc/self/status, the high
    water mark of this program's own memory (``ru_maxrss`` carries the parent's across the
    fork and exec of the job's child, so it printed the loaded parent's 509 MiB for every job).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def run_job(job: str) -> JobResult:
    """Run one job in this process (the child); the figures are this process's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    start_rss = _rss_mib()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        if job in ("verify", "verify-incremental"):
            from kaigong.cases.services.events import case_event_chains_verify

            breaks = case_event_chains_verify(incremental=job == "verify-incremental")
            result = f"{len(breaks)} breaks"
        elif job == "sweep":
            from kaigong.archives.services import archive_sweep

            result = f"{archive_sweep()} filed"
        elif job == "recompute":
            from kaigong.calendars.services import calendar_version_bump
            from kaigong.cases.services.clock import deadlines_recompute_open

            calendar_version_bump()  # as an import does: every cached calendar is stale
            result = f"{deadlines_recompute_open({timezone.localdate().year})} items changed"
        elif job == "notice":
            from kaigong.calendars.services import calendar_notice_import
            from kaigong.cases.models import CaseEvent

            notice = json.loads(NOTICE.read_text(encoding="utf-8"))
            notice["year"] = year = timezone.localdate().year + 1
            for run in notice["holidays"]:
                run["start"], run["end"] = f"{year}{run['start'][4:]}", f"{year}{run['end'][4:]}"
            for day in notice["adjusted_workdays"]:
                day["date"] = f"{year}{day['date'][4:]}"
            before = CaseEvent.objects.count()
            # the listener runs on the import's commit, inside this timing
            calendar_notice_import(notice=notice, actor=None, replace=True)
            result = f"{CaseEvent.objects.count() - before} items' dates changed"
        else:
            raise ValueError(job)
        seconds = time.perf_counter() - started
    return JobResult(
        job=job,
        seconds=seconds,
        peak_rss_mib=_rss_mib(),
        start_rss_mib=start_rss,
        queries=len(captured.captured_queries),
        result=result,
    )


def _job_in_child(job: str) -> JobResult:
    out = subprocess.run(
        [sys.executable, "manage.py", "bench_scale", f"--job={job}"],
        env=os.environ,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return JobResult(**json.loads(out.strip().splitlines()[-1]))


def _new_events(share: float) -> int:
    """Events after the checkpoint on ``share`` of the cases, through the product's writer."""
    from django.db import transaction
    from django.db.models import F

    from kaigong.cases.constants import EventKind
    from kaigong.cases.models import Case
    from kaigong.cases.services.events import case_event_record

    if not share:
        return 0
    step = max(1, round(1 / share))
    written = 0
    # every step-th case by id, chosen in SQL (a sliced step would load every case)
    for case in Case.objects.alias(turn=F("id") % step).filter(turn=0).order_by("id"):
        with transaction.atomic():
            case_event_record(
                case=case, kind=EventKind.MATERIAL_UPLOADED, data={"material": "M2-1"}
            )
        written += 1
    return written


def run_scale_bench(
    *, total: int, queries: int, jobs=JOBS, write: Callable[[str], None] = print
) -> ScaleResult:
    from benchmarks.cases.bulk import filed_documents, signed_checkpoint, sql_events
    from benchmarks.cases.worklist import bulk_items
    from kaigong.cases.selectors import item_worklist
    from kaigong.core.keyset import capped_count

    world, build = bulk_items(total)
    events, events_seconds = sql_events(world)
    started = time.perf_counter()
    signed_checkpoint()
    checkpoint_seconds = time.perf_counter() - started
    new = _new_events(NEW_EVENTS_SHARE)
    documents = filed_documents(world, round(total * DOCUMENTS_PER_ITEM))
    result = ScaleResult(
        items=total,
        build_seconds=build,
        events=events,
        events_seconds=events_seconds,
        checkpoint_seconds=checkpoint_seconds,
        new_events=new,
        documents=documents,
    )
    reviewer = world.users["reviewer1"]
    times = []
    for _ in range(queries):
        started = time.perf_counter()
        result.count, result.count_capped = capped_count(item_worklist(reviewer))
        times.append((time.perf_counter() - started) * 1000)
    result.count_p50_ms, result.count_p95_ms = statistics.median(times), percentile(times, 95)
    for job in jobs:
        result.jobs.append(_job_in_child(job))
        write(f"bench_scale: job {job} done")
    return result
