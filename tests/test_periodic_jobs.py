"""The periodic jobs are registered tasks that run their service."""

from django.conf import settings

import pytest

from config.celery import app


def test_every_scheduled_job_is_a_registered_task():
    app.loader.import_default_modules()

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled == {
        "kaigong.cases.commitments_check",
        "kaigong.archives.archive_sweep",
        "kaigong.cases.chain_checkpoint",
    }
    assert scheduled <= set(app.tasks)


@pytest.mark.django_db
def test_the_jobs_run_in_process_and_report_what_they_did():
    from kaigong.archives.tasks import archive_sweep
    from kaigong.cases.tasks import chain_checkpoint, commitments_check

    # nothing to do in an empty database: every job reports zero
    assert commitments_check.delay().get() == 0
    assert archive_sweep.delay().get() == 0
    assert chain_checkpoint.delay().get() == 0
