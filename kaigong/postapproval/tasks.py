"""Periodic jobs of post-approval supervision: thin, call one service."""

from celery import shared_task

from kaigong.postapproval.services import postapproval_daily


@shared_task(name="kaigong.postapproval.daily")
def daily() -> dict:
    """Overdue rectifications; 告知承诺 verification tasks a missed hook left out."""
    return postapproval_daily()
