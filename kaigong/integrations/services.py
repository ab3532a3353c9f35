"""Integrations services: webhook subscriptions and their deliveries (writes, audited)."""

from __future__ import annotations

import base64
import secrets as pysecrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaigong.core.exceptions import InvalidInput
from kaigong.core.models import OutboxDelivery
from kaigong.core.relay import outbox_delivery_replay
from kaigong.core.services import audit_record

from .models import WebhookSubscription
from .permissions import ensure_platform_admin

TOPIC_CHOICES = (
    "case.*",
    "case_item.*",
    "certificates.*",
    "certificates.released",
    "certificates.revoked",
    "commitment.*",
    "integrations.*",
)


def webhook_secret_new() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(pysecrets.token_bytes(32)).decode()


def _clean(name: str, url: str, topics: list[str]) -> tuple[str, str, list[str]]:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("Give the subscription a name (at most 100 characters)."))
    parsed = urlparse(url or "")
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(url) > 500:
        raise InvalidInput(_("The endpoint must be an http or https URL."), code="invalid_url")
    if parsed.scheme == "http" and not settings.KAIGONG_WEBHOOK_ALLOW_HTTP:
        raise InvalidInput(_("The endpoint must use https."), code="invalid_url")
    cleaned = []
    for topic in topics or []:
        if not isinstance(topic, str) or topic not in TOPIC_CHOICES:
            raise InvalidInput(
                _("Unknown topic: %(topic)s.") % {"topic": str(topic)[:50]}, code="invalid_topic"
            )
        if topic not in cleaned:
            cleaned.append(topic)
    if not cleaned:
        raise InvalidInput(_("Choose at least one topic."), code="invalid_topic")
    return name, url, cleaned


@transaction.atomic
def webhook_subscription_create(
    *, actor: Any, name: str, url: str, topics: list[str]
) -> WebhookSubscription:
    """Subscribe an external endpoint; it receives the messages written from now on."""
    ensure_platform_admin(actor)
    name, url, topics = _clean(name, url, topics)
    subscription = WebhookSubscription.objects.create(
        name=name, url=url, topics=topics, secret=webhook_secret_new(), created_by=actor
    )
    audit_record(
        actor=actor,
        action="webhook_subscription_create",
        obj=subscription,
        summary=name,
        data={"url": url, "topics": topics},
    )
    return subscription


@transaction.atomic
def webhook_subscription_update(
    *,
    actor: Any,
    subscription: WebhookSubscription,
    name: str | None = None,
    url: str | None = None,
    topics: list[str] | None = None,
    active: bool | None = None,
) -> WebhookSubscription:
    """Change name, endpoint, topics, or pause (inactive: its deliveries wait) and resume."""
    ensure_platform_admin(actor)
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    new_name, new_url, new_topics = _clean(
        locked.name if name is None else name,
        locked.url if url is None else url,
        locked.topics if topics is None else topics,
    )
    locked.name, locked.url, locked.topics = new_name, new_url, new_topics
    if active is not None:
        locked.active = bool(active)
    locked.save()
    audit_record(
        actor=actor,
        action="webhook_subscription_update",
        obj=locked,
        summary=locked.name,
        data={"url": locked.url, "topics": locked.topics, "active": locked.active},
    )
    return locked


@transaction.atomic
def webhook_secret_rotate(
    *, actor: Any, subscription: WebhookSubscription, overlap_hours: int | None = None
) -> WebhookSubscription:
    """
    A new signing secret; the old one keeps signing beside it for the overlap window
    (both signatures in ``webhook-signature``), so the receiver can switch at leisure.
    """
    ensure_platform_admin(actor)
    hours = (
        settings.KAIGONG_WEBHOOK_ROTATION_OVERLAP_HOURS if overlap_hours is None else overlap_hours
    )
    if not isinstance(hours, int) or not 0 <= hours <= 24 * 30:
        raise InvalidInput(_("The overlap is 0 to 720 hours."), code="invalid_overlap")
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    locked.previous_secret = locked.secret
    locked.previous_secret_until = timezone.now() + timedelta(hours=hours)
    locked.secret = webhook_secret_new()
    locked.save()
    audit_record(
        actor=actor,
        action="webhook_secret_rotate",
        obj=locked,
        summary=locked.name,
        data={"overlap_hours": hours},
    )
    return locked


def webhook_deliveries_replay(
    *, actor: Any, subscription: WebhookSubscription, deliveries: list[OutboxDelivery]
) -> int:
    """Replay deliveries of this subscription (dead letters or delivered ones) now."""
    ensure_platform_admin(actor)
    own = [d for d in deliveries if d.consumer == subscription.consumer_name]
    if not own:
        raise InvalidInput(_("No delivery of this subscription was chosen."), code="no_delivery")
    return outbox_delivery_replay(deliveries=own, actor=actor)
