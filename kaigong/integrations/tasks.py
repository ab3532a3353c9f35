"""Background tasks of integrations: thin, call one service."""

from celery import shared_task

from .elicence import elicence_expiry_sweep


@shared_task(name="kaigong.integrations.elicence_expiry")
def elicence_expiry() -> str:
    """Announce released certificates past their validity to the e-licence library."""
    return f"announced={elicence_expiry_sweep()}"


@shared_task(name="kaigong.integrations.exchange_export")
def exchange_export() -> str:
    """Write the SPGL tables to the front database and read back upload statuses."""
    from .exchange import exchange_run

    return str(exchange_run())
