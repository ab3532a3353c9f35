"""Liveness, readiness, the metrics page and JSON logs with request ids."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from datetime import timedelta

from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

import pytest

from config.logs import json_logging
from kaigong.core.models import OutboxMessage, PeriodicJobRun
from kaigong.core.services import outbox_emit

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_the_database():
    answer = Client().get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


def test_readyz_checks_the_database_the_broker_and_the_relay_lag(settings):
    settings.KAIGONG_READY_MAX_RELAY_LAG_SECONDS = 300
    ok = Client().get("/readyz")
    assert ok.status_code == 200
    assert ok.json()["checks"]["database"] == "ok"
    assert ok.json()["checks"]["broker"] == "not used"  # embedded worker: no broker

    # a message waiting for ten minutes: the relay is behind, the node is not ready
    message = outbox_emit(topic="case.accepted", key="k", payload={})
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    late = Client().get("/readyz")
    assert late.status_code == 503
    assert late.json()["checks"]["relay"].startswith("failed: RuntimeError: relay lag 600 s")

    # with Celery workers the broker must answer: nothing listens on this port
    settings.KAIGONG_WORKER = "celery"
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    OutboxMessage.objects.all().delete()
    down = Client().get("/readyz")
    assert down.status_code == 503 and down.json()["checks"]["broker"].startswith("failed")


def test_metrics_are_internal_and_carry_latency_lag_and_job_durations(settings):
    settings.KAIGONG_METRICS_TOKEN = "scrape-secret"
    PeriodicJobRun.objects.create(
        name="outbox-relay", last_run_at=timezone.now(), last_duration_ms=1500, runs=3
    )
    message = outbox_emit(topic="case.accepted", key="k", payload={})
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(seconds=120)
    )
    Client().get("/healthz")  # one request to measure

    # through a proxy, or from elsewhere, without the token: not there
    assert Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 404
    assert (
        Client(REMOTE_ADDR="10.1.2.3")
        .get("/metrics", HTTP_AUTHORIZATION="Bearer wrong")
        .status_code
        == 404
    )
    # with the token from anywhere, or from loopback directly
    page = Client(REMOTE_ADDR="10.1.2.3").get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret")
    assert page.status_code == 200
    assert Client().get("/metrics").status_code == 200
    text = page.content.decode()
    assert (
        'kaigong_http_request_duration_seconds_count{method="GET",route="healthz",status="200"}'
        in text
    )
    lag = next(line for line in text.splitlines() if line.startswith("kaigong_relay_lag_seconds "))
    assert 119 <= float(lag.split()[1]) < 180
    assert 'kaigong_periodic_job_last_duration_seconds{job="outbox-relay"} 1.5' in text
    assert 'kaigong_periodic_job_runs{job="outbox-relay"} 3.0' in text


def test_the_json_logs_carry_the_request_id():
    stream = io.StringIO()
    config = json_logging("INFO")
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    try:
        answer = Client().get("/healthz", HTTP_X_REQUEST_ID="req-42.abc")
        fresh = Client().get("/healthz", HTTP_X_REQUEST_ID="not a token!")
        logging.getLogger("kaigong.test").warning("inside", extra={"case": "2026-1"})
    finally:
        logging.config.dictConfig(django_settings.LOGGING)
    assert answer["X-Request-ID"] == "req-42.abc"
    assert fresh["X-Request-ID"] != "not a token!" and len(fresh["X-Request-ID"]) == 32
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    request_lines = [line for line in lines if line["logger"] == "kaigong.request"]
    assert request_lines[0]["request_id"] == "req-42.abc"
    assert request_lines[0]["status"] == 200 and request_lines[0]["route"] == "healthz"
    assert request_lines[1]["request_id"] == fresh["X-Request-ID"]
    assert {"timestamp", "level", "event"} <= set(request_lines[0])
    other = next(line for line in lines if line["logger"] == "kaigong.test")
    assert other["case"] == "2026-1" and other["level"] == "warning"


def _sample(text: str, line_start: str) -> float:
    """The value of the metric line that starts with ``line_start`` (0 when absent)."""
    for line in text.splitlines():
        if line.startswith(line_start + " "):
            return float(line.split()[-1])
    return 0.0


def test_celery_task_durations_and_failures_are_metrics_by_task_name(monkeypatch):
    from kaigong.integrations import tasks

    name = "kaigong.integrations.elicence_expiry"
    count = f'kaigong_task_duration_seconds_count{{task="{name}"}}'
    failures = f'kaigong_task_failures_total{{task="{name}"}}'
    before = Client().get("/metrics").content.decode()

    assert tasks.elicence_expiry.apply().successful()  # a real task through Celery's tracer
    middle = Client().get("/metrics").content.decode()
    assert _sample(middle, count) == _sample(before, count) + 1
    assert _sample(middle, failures) == _sample(before, failures)

    def broken(**kwargs):
        raise RuntimeError("library unreachable")

    monkeypatch.setattr(tasks, "elicence_expiry_sweep", broken)
    assert tasks.elicence_expiry.apply(throw=False).failed()
    after = Client().get("/metrics").content.decode()
    # the failed run is timed too, and counted as a failure of that task
    assert _sample(after, count) == _sample(before, count) + 2
    assert _sample(after, failures) == _sample(before, failures) + 1
    assert f'kaigong_task_duration_seconds_bucket{{le="300.0",task="{name}"}}' in after
