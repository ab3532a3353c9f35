"""Writes owned by core: audit records, notifications, outbox messages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction

from .models import AuditRecord, Notification, OutboxMessage


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one audit record. ``obj`` fills the type and id when given."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", None) or obj.pk)
    return AuditRecord.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:300],
        data=data or {},
    )


def notification_send(
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    user: Any = None,
    enterprise: Any = None,
    department: Any = None,
) -> Notification:
    """
    Write one inbox message. Call it inside the transaction of the change it reports (never
    from ``transaction.on_commit``): the notice then commits, or rolls back, with its change.
    """
    return Notification.objects.create(
        kind=kind,
        title=title,
        body=body,
        link=link,
        user=user,
        enterprise=enterprise,
        department=department,
    )


def outbox_emit(*, topic: str, key: str = "", payload: dict[str, Any]) -> OutboxMessage:
    """
    Record an integration event; call inside the transaction of the change it reports.
    The relay delivers it (core/relay.py): within seconds from the embedded runner, or,
    with Celery workers, from a relay task sent when the transaction commits.
    """
    message = OutboxMessage.objects.create(topic=topic, key=key, payload=payload)
    if settings.KAIGONG_WORKER == "celery":
        # robust: a broker that is down must not turn a committed change into a 500; the
        # message is already stored and the periodic relay pass delivers it anyway.
        transaction.on_commit(_relay_kick, robust=True)
    return message


def _relay_kick() -> None:
    from celery import current_app

    current_app.send_task("kaigong.core.outbox_relay")


def notification_mark_read(*, notification: Notification, actor: Any, read: bool = True):
    """Mark one inbox message read (or unread again). Idempotent."""
    from django.utils import timezone

    wanted = timezone.now() if read else None
    if (notification.read_at is None) == (wanted is None):
        return notification
    notification.read_at = wanted
    notification.save(update_fields=["read_at", "updated_at"])
    audit_record(
        actor=actor,
        action="notification_read" if read else "notification_unread",
        obj=notification,
    )
    return notification


def notification_mark_all_read(*, notifications: Any, actor: Any) -> int:
    """Mark every unread message of a queryset (an inbox) read; return how many changed."""
    from django.utils import timezone

    count = notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    if count:
        audit_record(
            actor=actor,
            action="notifications_read_all",
            object_type="core.notification",
            data={"count": count},
        )
    return count
