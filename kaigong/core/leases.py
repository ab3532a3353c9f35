"""
Named leases in the database: exactly one holder at a time, across processes and machines.

The embedded scheduler holds ``embedded-scheduler`` while it runs (so a second
``run_embedded`` waits); each relay pass holds ``outbox-relay`` (so two Celery workers never
deliver the same key out of order). A lease lapses by itself when its holder dies.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import JobLease


def lease_acquire(*, name: str, holder: str, ttl: timedelta) -> bool:
    """Take or renew the lease ``name`` for ``ttl``; False while someone else holds it."""
    now = timezone.now()
    renewed = (
        JobLease.objects.filter(name=name)
        .filter(Q(expires_at__lt=now) | Q(holder=holder))
        .update(holder=holder, expires_at=now + ttl)
    )
    if renewed:
        return True
    try:
        with transaction.atomic():
            JobLease.objects.create(name=name, holder=holder, expires_at=now + ttl)
    except IntegrityError:
        return False
    return True


def lease_release(*, name: str, holder: str) -> None:
    JobLease.objects.filter(name=name, holder=holder).delete()
