"""Periodic jobs of the marketplace: thin, call one service."""

from celery import shared_task

from kaigong.marketplace.due_process import sanctions_expire
from kaigong.marketplace.services import requests_advance


@shared_task(name="kaigong.marketplace.requests_advance")
def requests_advance_task() -> dict:
    """Move requests at registration close and choice time; derive department ratings."""
    moved = requests_advance()
    moved["sanctions_expired"] = sanctions_expire()
    return moved
