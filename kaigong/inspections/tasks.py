"""Background tasks of inspections: thin, call one service."""

from __future__ import annotations

from celery import shared_task

from kaigong.inspections.services import inspections_remind as inspections_remind_service


@shared_task(name="kaigong.inspections.inspections_remind")
def inspections_remind() -> int:
    """Remind the people of every video inspection whose slot starts within a day."""
    return inspections_remind_service()
