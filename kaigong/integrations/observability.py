"""
Observability (#15 §6): liveness and readiness, Prometheus metrics, request ids for logs.

* ``/healthz`` — liveness: the process answers (no database call). 200 ``{"status": "ok"}``.
* ``/readyz`` — readiness: the database answers ``SELECT 1``; with Celery workers
  (``KAIGONG_WORKER=celery``) the broker accepts a connection; the relay lag is at most
  ``KAIGONG_READY_MAX_RELAY_LAG_SECONDS``. 200 when all pass, else 503 with each check.
* ``/metrics`` — Prometheus text: request latency (``kaigong_http_request_duration_seconds``
  by method, route and status), relay lag and backlog (``kaigong_relay_lag_seconds``,
  ``kaigong_relay_deliveries{status}``), periodic job durations
  (``kaigong_periodic_job_last_duration_seconds{job}`` from the runs' records, and
  ``kaigong_task_duration_seconds{task}`` and ``kaigong_task_failures_total{task}`` for every
  task run in this process, or in every process sharing ``PROMETHEUS_MULTIPROC_DIR``). Internal:
  answered only to a caller on loopback that came through no proxy, or with
  ``Authorization: Bearer $KAIGONG_METRICS_TOKEN``; everyone else gets 404.
* ``RequestIdMiddleware`` — every request gets an id (the caller's ``X-Request-ID`` when it
  is a plain token of ≤ 64 characters, else a new one), bound to structlog's context so every
  log line of the request carries ``request_id``, and echoed in the ``X-Request-ID`` header.
"""

from __future__ import annotations

import hmac
import logging
import re
import time
import uuid

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse

import structlog
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

REQUEST_LATENCY = Histogram(
    "kaigong_http_request_duration_seconds",
    "Time to answer a request, by method, route and status.",
    ["method", "route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASK_DURATION = Histogram(
    "kaigong_task_duration_seconds",
    "Time a Celery task (periodic job, relay pass) took in this process.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300),
)
TASK_FAILURES = Counter(
    "kaigong_task_failures",
    "Celery task runs that raised, by task name (retries included).",
    ["task"],
)
request_log = logging.getLogger("kaigong.request")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
LOOPBACK = {"127.0.0.1", "::1"}


class _DatabaseCollector:
    """Relay lag and job durations, read from the database at scrape time (any node)."""

    def collect(self):
        from kaigong.core.models import PeriodicJobRun
        from kaigong.core.selectors import outbox_relay_status

        status = outbox_relay_status()
        lag = GaugeMetricFamily(
            "kaigong_relay_lag_seconds",
            "Age of the oldest outbox message not yet delivered to all its consumers.",
        )
        lag.add_metric([], status["lag_seconds"])
        yield lag
        deliveries = GaugeMetricFamily(
            "kaigong_relay_deliveries", "Outbox deliveries waiting, by state.", labels=["status"]
        )
        deliveries.add_metric(["pending"], status["pending"])
        deliveries.add_metric(["dead"], status["dead"])
        yield deliveries
        jobs = GaugeMetricFamily(
            "kaigong_periodic_job_last_duration_seconds",
            "Duration of each periodic job's last run.",
            labels=["job"],
        )
        runs = GaugeMetricFamily(
            "kaigong_periodic_job_runs", "Runs of each periodic job.", labels=["job"]
        )
        for run in PeriodicJobRun.objects.all():
            jobs.add_metric([run.name], run.last_duration_ms / 1000)
            runs.add_metric([run.name], run.runs)
        yield jobs
        yield runs


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if settings.PROMETHEUS_MULTIPROC_DIR:  # several gunicorn workers: their files together
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUEST_LATENCY, TASK_DURATION, TASK_FAILURES):
            registry.register(collector)
    registry.register(_DatabaseCollector())
    return registry


def metrics_allowed(request) -> bool:
    token = settings.KAIGONG_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    came_through_proxy = "X-Forwarded-For" in request.headers or "X-Real-IP" in request.headers
    return request.META.get("REMOTE_ADDR") in LOOPBACK and not came_through_proxy


def metrics(request):
    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_broker() -> str:
    if settings.KAIGONG_WORKER != "celery":
        return "not used"
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
        broker.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _check_relay() -> str:
    from kaigong.core.selectors import outbox_relay_status

    lag = outbox_relay_status()["lag_seconds"]
    limit = settings.KAIGONG_READY_MAX_RELAY_LAG_SECONDS
    if lag > limit:
        raise RuntimeError(f"relay lag {lag:.0f} s > {limit} s")
    return f"lag {lag:.0f} s"


def readyz(request):
    checks, ready = {}, True
    for name, check in (
        ("database", _check_database),
        ("broker", _check_broker),
        ("relay", _check_relay),
    ):
        try:
            checks[name] = check()
        except Exception as exc:  # a failed check is the answer, never a 500
            checks[name] = f"failed: {type(exc).__name__}: {exc}"[:300]
            ready = False
            if name == "database":
                break  # the relay check needs the database too
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


class RequestIdMiddleware:
    """A request id per request, in every log line (structlog contextvars) and the answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID.match(given or "") else uuid.uuid4().hex
        request.request_id = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            structlog.contextvars.clear_contextvars()
        response["X-Request-ID"] = request_id
        match = getattr(request, "resolver_match", None)
        route = (match.route or match.view_name) if match else "unmatched"
        elapsed = time.perf_counter() - started
        REQUEST_LATENCY.labels(request.method, route, str(response.status_code)).observe(elapsed)
        request_log.info(
            "%s %s %s",
            request.method,
            route,
            response.status_code,
            extra={
                "request_id": request_id,
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(elapsed * 1000, 1),
            },
        )
        return response


def task_timer_connect() -> None:
    """
    Time every Celery task run in this process (worker, beat's tasks, embedded runner) and
    count the runs that raised: ``task_prerun`` starts the clock, ``task_postrun`` (sent
    after a success and after a failure) observes ``kaigong_task_duration_seconds{task}``,
    ``task_failure`` counts ``kaigong_task_failures_total{task}``.
    """
    from celery.signals import task_failure, task_postrun, task_prerun

    started: dict[str, float] = {}

    def before(task_id=None, task=None, **kwargs):
        if task_id is not None:
            started[task_id] = time.perf_counter()

    def after(task_id=None, task=None, **kwargs):
        begun = started.pop(task_id, None) if task_id is not None else None
        if begun is not None and task is not None:
            TASK_DURATION.labels(task.name).observe(time.perf_counter() - begun)

    def failed(sender=None, task_id=None, **kwargs):
        name = getattr(sender, "name", None)
        if name:
            TASK_FAILURES.labels(name).inc()

    task_prerun.connect(before, weak=False, dispatch_uid="kaigong-task-timer-before")
    task_postrun.connect(after, weak=False, dispatch_uid="kaigong-task-timer-after")
    task_failure.connect(failed, weak=False, dispatch_uid="kaigong-task-failures")


__all__ = ["REGISTRY", "healthz", "metrics", "readyz"]
