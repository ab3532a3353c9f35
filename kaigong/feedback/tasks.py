"""Periodic jobs of the feedback app (CELERY_BEAT_SCHEDULE): the morning callback lists and
the deadline warnings of tickets and complaints."""

from celery import shared_task

from .services.callbacks import callback_lists_build_all
from .services.warnings import deadline_warnings_send


@shared_task(name="kaigong.feedback.callback_lists_build")
def callback_lists_build() -> int:
    """Each working morning, every centre's callback list (idempotent)."""
    return callback_lists_build_all()


@shared_task(name="kaigong.feedback.deadline_warnings")
def deadline_warnings() -> int:
    """Warn the units of tickets and complaints close to or past their deadline (once each)."""
    return deadline_warnings_send()
