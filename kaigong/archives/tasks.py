"""Background tasks of the archive: thin, call one service."""

from celery import shared_task

from kaigong.archives.services import archive_sweep as archive_sweep_service


@shared_task(name="kaigong.archives.archive_sweep")
def archive_sweep() -> int:
    """File every new document of every project (idempotent: filed ones are skipped)."""
    return archive_sweep_service()
