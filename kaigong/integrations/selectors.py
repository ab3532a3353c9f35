"""Integrations selectors: what the platform administrator sees."""

from __future__ import annotations

from django.db.models import QuerySet

from kaigong.core.exceptions import NotFound
from kaigong.core.models import OutboxDelivery

from .models import ExchangeRow, ExchangeRun, WebhookSubscription
from .permissions import ensure_platform_admin


def webhook_subscription_list_for(user) -> QuerySet[WebhookSubscription]:
    ensure_platform_admin(user)
    return WebhookSubscription.objects.all()


def webhook_subscription_get_for(user, public_id) -> WebhookSubscription:
    subscription = webhook_subscription_list_for(user).filter(public_id=public_id).first()
    if subscription is None:
        raise NotFound()
    return subscription


def webhook_delivery_list_for(
    user, *, subscription: WebhookSubscription | None = None, status: str = ""
) -> QuerySet[OutboxDelivery]:
    """Deliveries of webhook subscriptions (all, or one's), newest first, with attempts."""
    ensure_platform_admin(user)
    deliveries = OutboxDelivery.objects.filter(consumer__startswith="webhooks.")
    if subscription is not None:
        deliveries = deliveries.filter(consumer=subscription.consumer_name)
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.select_related("message").prefetch_related("log").order_by("-id")


def webhook_delivery_get_for(
    user, delivery_id: int, *, subscription: WebhookSubscription
) -> OutboxDelivery:
    delivery = (
        webhook_delivery_list_for(user, subscription=subscription).filter(pk=delivery_id).first()
    )
    if delivery is None:
        raise NotFound()
    return delivery


def exchange_run_list_for(user) -> QuerySet[ExchangeRun]:
    ensure_platform_admin(user)
    return ExchangeRun.objects.all()


def exchange_row_list_for(user, *, table: str = "", errors_only: bool = False):
    ensure_platform_admin(user)
    rows = ExchangeRow.objects.select_related("run")
    if table:
        rows = rows.filter(table=table)
    if errors_only:
        rows = rows.filter(sjsczt__in=["2", "-1"])
    return rows.order_by("-id")
