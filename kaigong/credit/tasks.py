"""Periodic jobs of credit: thin, call one service."""

from celery import shared_task

from kaigong.credit.services import credit_records_expire


@shared_task(name="kaigong.credit.records_expire")
def records_expire() -> int:
    """End the credit records whose end date has passed."""
    return len(credit_records_expire())
