"""Columns shared by every domain table (STYLE.md 3.4)."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Integer key inside, a UUID outside, and when the row was made and last changed."""

    public_id = models.UUIDField(
        _("public id"),
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("Identifier used in URLs and the API; internal keys are never exposed."),
    )
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, editable=False, db_index=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditRecord(models.Model):
    """
    Who changed what, outside the case history (catalogue, accounts, admin, imports).

    Append-only: written by ``core.services.audit_record`` and never updated.
    """

    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}"


class Notification(BaseModel):
    """A message in a user's or an enterprise's inbox (动态告知)."""

    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="notification_has_recipient",
                condition=models.Q(user__isnull=False)
                | models.Q(enterprise__isnull=False)
                | models.Q(department__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.title


class OutboxMessage(models.Model):
    """
    An integration event written in the same transaction as the change it reports.

    A relay delivers pending rows with retries, so a crash between commit and delivery
    loses nothing (STYLE.md 3.9).
    """

    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    topic = models.CharField(_("topic"), max_length=100, db_index=True)
    key = models.CharField(_("key"), max_length=100, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["delivered_at", "created_at"], name="outbox_pending_idx")]

    def __str__(self) -> str:
        return f"{self.topic} {self.key}"
