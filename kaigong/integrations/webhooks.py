"""
Signed webhooks: one relay consumer per active subscription (core/relay.py).

Each delivery is an HTTP POST of ``{"type": topic, "timestamp": …, "data": payload}``
signed per the Standard Webhooks spec with the ``standardwebhooks`` package:

* ``webhook-id``: ``msg_<outbox id>`` — the same on every retry, so a receiver drops a
  message it has already processed (docs/integrations.md#replay);
* ``webhook-timestamp``: seconds since the epoch of this attempt;
* ``webhook-signature``: ``v1,<base64 HMAC-SHA256 of id.timestamp.body>``, one per secret
  that signs now — the current one and, during a rotation's overlap, the previous one,
  separated by a space.

A 2xx answer delivers; anything else, a timeout or a refused connection raises, and the
relay retries with backoff, in order per key, until its dead letter (at least once).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

import httpx
from standardwebhooks import Webhook

from kaigong.core.models import OutboxMessage
from kaigong.core.relay import OutboxConsumer

from .models import WebhookSubscription


class WebhookRefused(Exception):
    """The receiver answered, but not with a 2xx."""


def webhook_message_id(message: OutboxMessage) -> str:
    return f"msg_{message.pk}"


def webhook_body(message: OutboxMessage) -> str:
    return json.dumps(
        {
            "type": message.topic,
            "timestamp": message.created_at.astimezone(UTC).isoformat(),
            "data": message.payload,
        },
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def webhook_headers(
    *, secrets: Iterable[str], msg_id: str, body: str, now: datetime | None = None
) -> dict[str, str]:
    """The three Standard Webhooks headers, one ``v1`` signature per secret."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    signatures = [Webhook(secret).sign(msg_id, now, body) for secret in secrets]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
    }


def webhook_post(subscription: WebhookSubscription, message: OutboxMessage) -> int:
    """One attempt: sign now and POST; raise unless the receiver answers 2xx."""
    body = webhook_body(message)
    headers = webhook_headers(
        secrets=subscription.secrets_now(), msg_id=webhook_message_id(message), body=body
    )
    response = httpx.post(
        subscription.url,
        content=body.encode(),
        headers={**headers, "user-agent": "Kaigong-Webhooks/1"},
        timeout=settings.KAIGONG_WEBHOOK_TIMEOUT_SECONDS,
        follow_redirects=False,
    )
    if not 200 <= response.status_code < 300:
        raise WebhookRefused(f"HTTP {response.status_code}: {response.text[:200]}")
    return response.status_code


def _consumer(subscription: WebhookSubscription) -> OutboxConsumer:
    def deliver(message: OutboxMessage) -> None:
        # read again: a rotation or a new URL applies to the next attempt
        current = WebhookSubscription.objects.get(pk=subscription.pk)
        webhook_post(current, message)

    return OutboxConsumer(
        name=subscription.consumer_name,
        topics=tuple(subscription.topics),
        deliver=deliver,
        transactional=False,  # an HTTP call cannot roll back: at least once
    )


def webhook_consumers() -> list[OutboxConsumer]:
    """The relay's consumer source: one consumer per active subscription."""
    return [_consumer(s) for s in WebhookSubscription.objects.filter(active=True)]
