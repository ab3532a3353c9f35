"""
The embedded scheduler: the periodic jobs of ``CELERY_BEAT_SCHEDULE`` without Celery beat.

One list of periodic jobs (``settings.CELERY_BEAT_SCHEDULE``) serves both modes:

* one machine (``make run``): ``manage.py run_embedded``, started beside the web server,
  ticks every few seconds and runs each due job in-process through the same Celery task
  (``task.apply()``), with the same schedule objects and the same ``is_due`` rule as beat;
* at scale: one ``celery beat`` sends the same entries to Celery workers.

Exactly one scheduler runs: the runner holds the ``embedded-scheduler`` lease while it ticks,
and each run is claimed by a conditional update of its ``PeriodicJobRun`` row, so even two
runners would not run a job twice. As with beat, a job seen for the first time first runs at
its next scheduled time (a daily job does not fire because the server started).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from celery import current_app
from celery.schedules import maybe_schedule

from .models import PeriodicJobRun

logger = logging.getLogger(__name__)

SCHEDULER_LEASE = "embedded-scheduler"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str
    schedule: Any  # a celery schedule (crontab, or an interval)
    args: tuple = ()
    kwargs: dict | None = None


def periodic_jobs() -> list[PeriodicJob]:
    """The one list (``CELERY_BEAT_SCHEDULE``), as beat reads it."""
    app = current_app
    return [
        PeriodicJob(
            name=name,
            task=entry["task"],
            schedule=maybe_schedule(entry["schedule"], app=app),
            args=tuple(entry.get("args", ())),
            kwargs=dict(entry.get("kwargs", {})),
        )
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    ]


def job_run(job: PeriodicJob) -> Any:
    """Run one job's task here and now, as a Celery worker would; return its result."""
    app = current_app
    app.loader.import_default_modules()
    task = app.tasks[job.task]
    return task.apply(args=job.args, kwargs=job.kwargs or {}, throw=True).get()


def scheduler_tick() -> list[str]:
    """Run every periodic job that is due now; return the names of the jobs run."""
    runs = {run.name: run for run in PeriodicJobRun.objects.all()}
    ran = []
    for job in periodic_jobs():
        run = runs.get(job.name)
        now = timezone.now()
        if run is None:
            PeriodicJobRun.objects.get_or_create(name=job.name, defaults={"last_run_at": now})
            continue
        # in the scheduler's zone, as beat keeps it: a crontab reads hours in that of its input
        last_run_at = run.last_run_at.astimezone(current_app.timezone)
        if not job.schedule.is_due(last_run_at).is_due:
            continue
        claimed = PeriodicJobRun.objects.filter(name=job.name, last_run_at=run.last_run_at).update(
            last_run_at=now
        )
        if not claimed:
            continue  # another scheduler took it
        _run_and_record(job)
        ran.append(job.name)
    return ran


def _run_and_record(job: PeriodicJob) -> None:
    started = time.monotonic()
    result, error = "", ""
    try:
        result = str(job_run(job))[:200]
    except Exception as exc:  # one failing job never stops the others
        error = f"{type(exc).__name__}: {exc}"[:2000]
        logger.exception("periodic job %s failed", job.name)
    else:
        # a pass with nothing to do (all counts 0) is not news every few seconds
        busy = any(digit in result for digit in "123456789")
        logger.log(logging.INFO if busy else logging.DEBUG, "job %s: %s", job.name, result)
    PeriodicJobRun.objects.filter(name=job.name).update(
        last_finished_at=timezone.now(),
        last_duration_ms=int((time.monotonic() - started) * 1000),
        last_result=result,
        last_error=error,
        runs=F("runs") + 1,
    )
