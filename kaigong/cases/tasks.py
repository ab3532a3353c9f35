"""Background tasks of the lifecycle: thin, load nothing themselves, call one service."""

from celery import shared_task

from kaigong.cases.services.checkpoints import chain_checkpoint_take
from kaigong.cases.services.commitments import commitment_breach_check


@shared_task(name="kaigong.cases.commitments_check")
def commitments_check() -> int:
    """Halt cases whose 容缺 materials are overdue (idempotent: breached ones stay so)."""
    return len(commitment_breach_check())


@shared_task(name="kaigong.cases.chain_checkpoint")
def chain_checkpoint() -> int:
    """Sign a checkpoint of every case's chain head; return how many cases it covers."""
    return chain_checkpoint_take().checkpoint.case_count
