"""Periodic jobs of the assistance app: thin, call one service."""

from __future__ import annotations

from celery import shared_task

from kaigong.assistance.services import deadlines_warn as deadlines_warn_service
from kaigong.assistance.services import pre_reviews_warn as pre_reviews_warn_service


@shared_task(name="kaigong.assistance.deadlines_warn")
def deadlines_warn() -> int:
    """Warn experts of consultations about to lapse (working days, calendars clock)."""
    return deadlines_warn_service()


@shared_task(name="kaigong.assistance.pre_reviews_warn")
def pre_reviews_warn() -> int:
    """Warn the window and the helpers of pre-reviews about to pass their soft deadline."""
    return pre_reviews_warn_service()
