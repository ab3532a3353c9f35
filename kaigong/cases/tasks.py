"""Background tasks of the lifecycle: thin, load nothing themselves, call one service."""

from celery import shared_task

from kaigong.cases.services.commitments import commitment_breach_check


@shared_task(name="kaigong.cases.commitments_check")
def commitments_check() -> int:
    """Halt cases whose 容缺 materials are overdue (idempotent: breached ones stay so)."""
    return len(commitment_breach_check())
