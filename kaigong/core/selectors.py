"""Reads owned by core: the inbox (动态告知)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .exceptions import NotFound
from .models import Notification

# The applicant role's stable value (accounts.roles.Role.APPLICANT); core may not import it.
_APPLICANT = "applicant"


def notification_list_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """
    The inbox of ``user``: messages to the user, to the enterprises it applies for, and to
    the departments it works in. Newest first.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Notification.objects.none()
    memberships = user.memberships.all()
    qs = Notification.objects.filter(
        Q(user=user)
        | Q(
            enterprise__in=memberships.filter(role=_APPLICANT, enterprise__isnull=False).values(
                "enterprise"
            )
        )
        | Q(department__in=memberships.filter(department__isnull=False).values("department"))
    )
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def notification_get_for(user: Any, public_id: UUID | str) -> Notification:
    try:
        return notification_list_for(user).get(public_id=public_id)
    except (Notification.DoesNotExist, ValidationError, ValueError):
        raise NotFound(_("There is no such message."), code="notification_not_found") from None


def notification_unread_count(user: Any) -> int:
    return notification_list_for(user, unread_only=True).count()


def outbox_relay_status() -> dict[str, Any]:
    """
    The relay's health: lag (age in seconds of the oldest message not yet delivered to all
    its consumers; 0 when none waits), counts by state, and per consumer.
    """
    from django.db.models import Count, Min
    from django.utils import timezone

    from .models import DeliveryStatus, OutboxDelivery, OutboxMessage

    now = timezone.now()
    waiting = OutboxMessage.objects.filter(delivered_at__isnull=True)
    oldest = waiting.aggregate(oldest=Min("created_at"))["oldest"]
    consumers: dict[str, dict[str, int]] = {}
    for row in OutboxDelivery.objects.values("consumer", "status").annotate(n=Count("id")):
        consumers.setdefault(row["consumer"], {s: 0 for s in DeliveryStatus.values})
        consumers[row["consumer"]][row["status"]] = row["n"]
    return {
        "lag_seconds": max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
        "oldest_waiting_at": oldest,
        "waiting": waiting.count(),
        "undispatched": OutboxMessage.objects.filter(dispatched_at__isnull=True).count(),
        "pending": OutboxDelivery.objects.filter(status=DeliveryStatus.PENDING).count(),
        "dead": OutboxDelivery.objects.filter(status=DeliveryStatus.DEAD).count(),
        "consumers": consumers,
    }
