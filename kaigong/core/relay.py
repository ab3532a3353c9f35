"""
The outbox relay: every ``OutboxMessage`` reaches the consumers of its topic.

* **Consumers** register per topic in their app's ``ready()`` (ADR 0002): an internal
  consumer is a function of the message (archive filing today); a source of consumers
  (``outbox_consumer_source_register``) can add one consumer per webhook subscription later.
  A consumer raises to fail; it must be idempotent, since delivery is at least once.
* **Dispatch** gives each new message one ``OutboxDelivery`` per consumer that wants it.
  A message no consumer wants is delivered at once (it stays as the integration log).
* **Delivery** is in order per (consumer, key): a later message of a key waits while an
  earlier one is pending, backing off or dead. A failure is retried after
  ``KAIGONG_RELAY_BACKOFF_SECONDS * 2**(attempts-1)`` (capped), and becomes a dead letter
  after ``KAIGONG_RELAY_MAX_ATTEMPTS``; an administrator replays it (admin action or
  ``manage.py outbox_replay``). Every attempt is logged (``OutboxAttempt``).
* An internal consumer runs in the same transaction as the delivery's mark, so its effect
  and "delivered" commit together.

The relay pass runs as the periodic job ``outbox-relay`` (embedded runner or Celery beat),
and, with Celery, also right after each commit that wrote a message (``outbox_emit``).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .leases import lease_acquire, lease_release
from .models import DeliveryStatus, OutboxAttempt, OutboxDelivery, OutboxMessage
from .services import audit_record

logger = logging.getLogger(__name__)

RELAY_LEASE = "outbox-relay"


@dataclass(frozen=True)
class OutboxConsumer:
    """Who receives which topics: ``"case.issued"``, ``"case.*"`` (a prefix) or ``"*"``."""

    name: str
    topics: tuple[str, ...]
    deliver: Callable[[OutboxMessage], Any]
    # Internal consumers write to this database: their effect commits with the delivery mark.
    transactional: bool = True

    def wants(self, topic: str) -> bool:
        for pattern in self.topics:
            if pattern == "*" or pattern == topic:
                return True
            if pattern.endswith(".*") and topic.startswith(pattern[:-1]):
                return True
        return False


_consumers: dict[str, OutboxConsumer] = {}
_sources: list[Callable[[], Iterable[OutboxConsumer]]] = []


def outbox_consumer_register(
    *,
    name: str,
    topics: Iterable[str],
    deliver: Callable[[OutboxMessage], Any],
    transactional: bool = True,
) -> OutboxConsumer:
    """Register (or replace) the consumer ``name``; call from ``AppConfig.ready()``."""
    consumer = OutboxConsumer(
        name=name, topics=tuple(topics), deliver=deliver, transactional=transactional
    )
    _consumers[name] = consumer
    return consumer


def outbox_consumer_unregister(name: str) -> None:
    _consumers.pop(name, None)


def outbox_consumer_source_register(source: Callable[[], Iterable[OutboxConsumer]]) -> None:
    """Register a function listing consumers that live in the database (webhooks, #15 §2)."""
    if source not in _sources:
        _sources.append(source)


def outbox_consumers() -> dict[str, OutboxConsumer]:
    consumers = dict(_consumers)
    for source in _sources:
        for consumer in source():
            consumers[consumer.name] = consumer
    return consumers


def relay_backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: base, 2×base, 4×base, … up to the cap."""
    base = settings.KAIGONG_RELAY_BACKOFF_SECONDS
    cap = settings.KAIGONG_RELAY_BACKOFF_MAX_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


@dataclass
class RelayResult:
    dispatched: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    busy: bool = False
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if self.busy:
            return "busy"
        return (
            f"dispatched={self.dispatched} delivered={self.delivered} "
            f"failed={self.failed} dead={self.dead}"
        )


def outbox_dispatch(*, limit: int = 1000) -> int:
    """Give each new message one delivery per consumer that wants it; return how many."""
    consumers = outbox_consumers().values()
    messages = list(OutboxMessage.objects.filter(dispatched_at__isnull=True).order_by("id")[:limit])
    now = timezone.now()
    for message in messages:
        wanted = [c for c in consumers if c.wants(message.topic)]
        with transaction.atomic():
            OutboxDelivery.objects.bulk_create(
                [
                    OutboxDelivery(
                        message=message, consumer=c.name, key=message.key, next_attempt_at=now
                    )
                    for c in wanted
                ],
                ignore_conflicts=True,
            )
            OutboxMessage.objects.filter(pk=message.pk).update(
                dispatched_at=now, delivered_at=None if wanted else now
            )
    return len(messages)


def outbox_relay_run(*, limit: int = 500) -> RelayResult:
    """One relay pass: dispatch new messages, then deliver what is due, in order per key."""
    holder = uuid.uuid4().hex
    ttl = timedelta(seconds=settings.KAIGONG_RELAY_LEASE_SECONDS)
    if not lease_acquire(name=RELAY_LEASE, holder=holder, ttl=ttl):
        return RelayResult(busy=True)
    try:
        return _relay_pass(limit)
    finally:
        lease_release(name=RELAY_LEASE, holder=holder)


def _relay_pass(limit: int) -> RelayResult:
    result = RelayResult(dispatched=outbox_dispatch())
    consumers = outbox_consumers()
    now = timezone.now()
    # A key waits behind its dead letter (until replayed) and behind a message backing off.
    blocked = set(
        OutboxDelivery.objects.filter(
            Q(status=DeliveryStatus.DEAD)
            | Q(status=DeliveryStatus.PENDING, next_attempt_at__gt=now)
        )
        .exclude(key="")
        .values_list("consumer", "key")
        .distinct()
    )
    pending = OutboxDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    if blocked:  # skip them in the query, so that held keys never starve the others
        held = Q()
        for consumer_name, key in blocked:
            held |= Q(consumer=consumer_name, key=key)
        pending = pending.exclude(held)
    pending = pending.select_related("message").order_by("message_id", "id")[:limit]
    touched = set()
    for delivery in pending:
        stream = (delivery.consumer, delivery.key) if delivery.key else None
        if stream in blocked:
            continue
        consumer = consumers.get(delivery.consumer)
        if consumer is None:  # its consumer is gone (unregistered): the key waits behind it
            if stream:
                blocked.add(stream)
            continue
        status = _attempt(delivery, consumer)
        touched.add(delivery.message_id)
        if status == DeliveryStatus.DELIVERED:
            result.delivered += 1
            continue
        result.failed += 1
        result.errors.append(delivery.last_error)
        if status == DeliveryStatus.DEAD:
            result.dead += 1
        if stream:
            blocked.add(stream)
    _mark_messages_delivered(touched)
    return result


def _attempt(delivery: OutboxDelivery, consumer: OutboxConsumer) -> str:
    """Deliver once; log the attempt; schedule the next one or declare a dead letter."""
    number = delivery.attempts + 1
    started = time.monotonic()
    error = ""
    try:
        if consumer.transactional:
            with transaction.atomic():
                consumer.deliver(delivery.message)
                _record(delivery, number, "", started)
        else:
            consumer.deliver(delivery.message)
    except Exception as exc:  # a consumer's failure is data: logged, retried, never raised
        error = f"{type(exc).__name__}: {exc}"[:2000] or type(exc).__name__
        logger.warning("outbox delivery %s failed: %s", delivery, error)
    if error or not consumer.transactional:
        _record(delivery, number, error, started)
    return delivery.status


def _record(delivery: OutboxDelivery, number: int, error: str, started: float) -> None:
    now = timezone.now()
    delivery.attempts = number
    delivery.last_error = error
    delivery.delivered_at = None if error else now
    if not error:
        delivery.status = DeliveryStatus.DELIVERED
    elif number >= settings.KAIGONG_RELAY_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.DEAD
    else:
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now + relay_backoff(number)
    delivery.save(
        update_fields=["attempts", "last_error", "status", "delivered_at", "next_attempt_at"]
    )
    OutboxAttempt.objects.create(
        delivery=delivery,
        attempted_at=now,
        number=number,
        succeeded=not error,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    OutboxMessage.objects.filter(pk=delivery.message_id).update(attempts=number, last_error=error)


def _mark_messages_delivered(message_ids: set[int]) -> None:
    if not message_ids:
        return
    open_ids = set(
        OutboxDelivery.objects.filter(message_id__in=message_ids)
        .exclude(status=DeliveryStatus.DELIVERED)
        .values_list("message_id", flat=True)
    )
    OutboxMessage.objects.filter(id__in=message_ids - open_ids, delivered_at__isnull=True).update(
        delivered_at=timezone.now()
    )


@transaction.atomic
def outbox_delivery_replay(*, deliveries: Iterable[OutboxDelivery], actor: Any) -> int:
    """An administrator's replay: deliver again now, with a fresh round of attempts."""
    ids = [d.pk for d in deliveries]
    if not ids:
        return 0
    now = timezone.now()
    count = OutboxDelivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, delivered_at=None
    )
    message_ids = set(
        OutboxDelivery.objects.filter(pk__in=ids).values_list("message_id", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=message_ids).update(delivered_at=None)
    audit_record(
        actor=actor,
        action="outbox_replay",
        object_type="core.outboxdelivery",
        summary=f"{count}",
        data={"deliveries": ids},
    )
    return count
