"""Background tasks of supervision: thin, call one service."""

from __future__ import annotations

from celery import shared_task

from kaigong.supervision.services import supervision_sweep


@shared_task(name="kaigong.supervision.sweep")
def sweep() -> dict:
    """Refresh the figures, raise the ladder's signals (once each), compile Friday's registers."""
    return supervision_sweep()
