"""Background tasks of core: thin, call one service."""

from celery import shared_task

from kaigong.core.relay import outbox_relay_run


@shared_task(name="kaigong.core.outbox_relay")
def outbox_relay() -> str:
    """Deliver due outbox messages to their consumers (idempotent; one pass at a time)."""
    return str(outbox_relay_run())
