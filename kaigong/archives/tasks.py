"""Background tasks of the archive: thin, call one service."""

from __future__ import annotations

from celery import shared_task

from kaigong.archives.services import archive_sweep as archive_sweep_service
from kaigong.core.models import OutboxMessage
from kaigong.projects.models import Project

# The events after which a project has new documents to file (consumer of the relay).
ARCHIVE_TOPICS = ("case.*", "case_item.*", "certificates.released")


@shared_task(name="kaigong.archives.archive_sweep")
def archive_sweep() -> int:
    """File every new document of every project (idempotent: filed ones are skipped)."""
    return archive_sweep_service()


def archive_file_on_event(message: OutboxMessage) -> int:
    """
    Relay consumer: file the new documents an event concerns, minutes after the event
    rather than the next night (idempotent, as the sweep is): those of its case when it
    names one (perf: not every case of the project again), else those of its project.
    """
    project = _project_of(message.payload)
    if project is None:
        return 0
    case = message.payload.get("case") or None
    return archive_sweep_service(project=project, case_public_id=case)


def _project_of(payload: dict) -> Project | None:
    projects = Project.objects.all()
    if payload.get("case"):
        return projects.filter(cases__public_id=payload["case"]).first()
    certificate_ids = [c["id"] for c in payload.get("certificates", []) if c.get("id")]
    if certificate_ids:
        return projects.filter(certificates__public_id__in=certificate_ids).first()
    return None
