"""
The periodic jobs: one list (CELERY_BEAT_SCHEDULE) that Celery beat and the embedded runner
both read, each job a registered task that runs its service.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management import call_command

import pytest
from celery.beat import Scheduler

from config.celery import app
from kaigong.cases.constants import CaseStatus
from kaigong.cases.tests.conftest import monday  # noqa: F401 - fixture
from kaigong.cases.tests.factories import lifecycle_world
from kaigong.cases.tests.services.test_decision import _deferred_case
from kaigong.core.leases import lease_acquire
from kaigong.core.models import PeriodicJobRun
from kaigong.core.scheduler import SCHEDULER_LEASE, periodic_jobs, scheduler_tick

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_every_scheduled_job_is_a_registered_task():
    app.loader.import_default_modules()

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {
        "kaigong.core.outbox_relay",
        "kaigong.cases.commitments_check",
        "kaigong.archives.archive_sweep",
        "kaigong.cases.chain_checkpoint",
        "kaigong.documents.documents_issue_missing",
        "kaigong.assistance.deadlines_warn",
        "kaigong.assistance.pre_reviews_warn",
        "kaigong.feedback.callback_lists_build",
        "kaigong.feedback.deadline_warnings",
        "kaigong.supervision.sweep",
        "kaigong.integrations.elicence_expiry",
        "kaigong.integrations.exchange_export",
        "kaigong.inspections.inspections_remind",
    } <= scheduled
    assert scheduled <= set(app.tasks)


def test_beat_and_the_embedded_runner_read_the_same_list():
    # given the entries celery beat builds from its configuration
    beat = Scheduler(app=app, lazy=True)
    beat.setup_schedule()

    # when the embedded runner lists its jobs
    embedded = {job.name: job for job in periodic_jobs()}

    # then every job of the one list is in both, with the same task and the same schedule
    assert set(embedded) == set(settings.CELERY_BEAT_SCHEDULE)
    for name, job in embedded.items():
        assert beat.schedule[name].task == job.task
        assert beat.schedule[name].schedule == job.schedule


@pytest.mark.django_db
def test_the_jobs_run_in_process_and_report_what_they_did():
    from kaigong.archives.tasks import archive_sweep
    from kaigong.assistance.tasks import pre_reviews_warn
    from kaigong.cases.tasks import chain_checkpoint, commitments_check
    from kaigong.core.tasks import outbox_relay
    from kaigong.documents.tasks import documents_issue_missing
    from kaigong.feedback.tasks import callback_lists_build, deadline_warnings
    from kaigong.inspections.tasks import inspections_remind
    from kaigong.integrations.tasks import elicence_expiry, exchange_export
    from kaigong.supervision.tasks import sweep as supervision_sweep

    # nothing to do in an empty database: each reports zero
    assert commitments_check.delay().get() == 0
    assert archive_sweep.delay().get() == 0
    assert chain_checkpoint.delay().get() == 0
    assert documents_issue_missing.delay().get() == 0
    assert callback_lists_build.delay().get() == 0
    assert pre_reviews_warn.delay().get() == 0
    assert deadline_warnings.delay().get() == 0
    assert inspections_remind.delay().get() == 0
    assert outbox_relay.delay().get() == "dispatched=0 delivered=0 failed=0 dead=0"
    assert supervision_sweep.delay().get() == {
        "advanced": 0,
        "metrics": 0,
        "signals": 0,
        "register_entries": 0,
    }
    assert elicence_expiry.delay().get() == "announced=0"
    assert exchange_export.delay().get() == "written=0 invalidated=0 statuses=0 held=0"


@pytest.mark.django_db
def test_the_embedded_runner_runs_the_daily_commitment_check_when_it_is_due(monday):  # noqa: F811
    # given a case accepted on Monday with 容缺 materials due on Friday 6 March, and a runner
    # started on Friday evening (a job seen for the first time waits for its next time, as
    # under beat)
    world = lifecycle_world()
    case = _deferred_case(world)
    monday.move_to(datetime(2026, 3, 6, 23, 0, tzinfo=SHANGHAI))
    assert scheduler_tick() == []
    assert PeriodicJobRun.objects.filter(runs=0).count() == len(settings.CELERY_BEAT_SCHEDULE)

    # when the runner ticks just before and just after 00:30 on Saturday
    monday.move_to(datetime(2026, 3, 7, 0, 29, 50, tzinfo=SHANGHAI))
    before = scheduler_tick()
    monday.move_to(datetime(2026, 3, 7, 0, 30, 5, tzinfo=SHANGHAI))
    after = scheduler_tick()
    again = scheduler_tick()

    # then the daily check ran once, after its time, and the lapsed commitment halted the case
    assert "commitments-check-daily" not in before
    assert "commitments-check-daily" in after
    assert "commitments-check-daily" not in again
    run = PeriodicJobRun.objects.get(name="commitments-check-daily")
    assert (run.runs, run.last_result, run.last_error) == (1, "1", "")
    case.refresh_from_db()
    assert case.status == CaseStatus.HALTED


@pytest.mark.django_db
def test_a_second_scheduler_waits_while_the_first_holds_the_lease(monday):  # noqa: F811
    # given a scheduler elsewhere holding the lease, and a relay job due
    assert lease_acquire(name=SCHEDULER_LEASE, holder="other:1", ttl=timedelta(minutes=5))
    PeriodicJobRun.objects.create(
        name="outbox-relay", last_run_at=datetime(2026, 3, 1, tzinfo=SHANGHAI)
    )

    # when this machine's runner checks once
    call_command("run_embedded", "--once")

    # then it ran nothing
    assert PeriodicJobRun.objects.get(name="outbox-relay").runs == 0

    # and once the other's lease has lapsed, it takes over and runs the due job
    monday.shift(timedelta(minutes=6))
    call_command("run_embedded", "--once")
    assert PeriodicJobRun.objects.get(name="outbox-relay").runs == 1
