"""Columns shared by every domain table (STYLE.md 3.4)."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    # When the relay gave the message to its consumers (one delivery row each).
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["delivered_at", "created_at"], name="outbox_pending_idx"),
            models.Index(fields=["dispatched_at", "id"], name="outbox_undispatched_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.key}"


# --- The outbox relay and the embedded scheduler (docs/deploy.md) ----------------------------


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("delivery", "Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead letter")


class OutboxDelivery(models.Model):
    """
    One outbox message for one consumer (an internal consumer now, a webhook subscription
    later): delivered at least once, in order per (consumer, key), retried with exponential
    backoff, a dead letter after the last attempt until an administrator replays it.
    """

    message = models.ForeignKey(
        OutboxMessage,
        verbose_name=_("outbox message"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    consumer = models.CharField(_("consumer"), max_length=100)
    # Copied from the message: the relay orders by (consumer, key) without a join.
    key = models.CharField(_("key"), max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox delivery")
        verbose_name_plural = _("outbox deliveries")
        ordering = ["message_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "consumer"], name="outbox_delivery_one_per_consumer"
            )
        ]
        indexes = [models.Index(fields=["status", "message"], name="outbox_delivery_open_idx")]

    def __str__(self) -> str:
        return f"{self.consumer} #{self.message_id}"


class OutboxAttempt(models.Model):
    """The delivery log: one row per attempt, success or failure (append-only)."""

    delivery = models.ForeignKey(
        OutboxDelivery,
        verbose_name=_("outbox delivery"),
        on_delete=models.CASCADE,
        related_name="log",
    )
    attempted_at = models.DateTimeField(_("attempted at"), default=timezone.now)
    number = models.PositiveIntegerField(_("attempt number"))
    succeeded = models.BooleanField(_("succeeded"), default=False)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery_id", "id"]

    def __str__(self) -> str:
        return f"{self.delivery} {self.number}"


class JobLease(models.Model):
    """A named lease held by one process until it expires: one scheduler, one relay pass."""

    name = models.CharField(_("name"), max_length=100, primary_key=True)
    holder = models.CharField(_("holder"), max_length=200)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("job lease")
        verbose_name_plural = _("job leases")

    def __str__(self) -> str:
        return self.name


class PeriodicJobRun(models.Model):
    """When the embedded scheduler last ran a periodic job, and how it went."""

    name = models.CharField(_("name"), max_length=100, primary_key=True)
    last_run_at = models.DateTimeField(_("last run at"))
    last_finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    last_result = models.CharField(_("last result"), max_length=200, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Draw(BaseModel):
    """
    One verifiable draw (kaigong/core/draws.py): the frozen candidate list and its hash, the
    commitment to a seed published before, the seed revealed after, before witnesses, and
    the result. Apps that draw (expert panels, intermediaries, post-approval targets) point
    at it by ``subject_type`` / ``subject_id``; the seed stays hidden until it is revealed.
    """

    purpose = models.CharField(_("purpose"), max_length=200)
    subject_type = models.CharField(_("subject type"), max_length=100, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True, db_index=True)
    algorithm = models.CharField(_("algorithm"), max_length=40)
    candidates = models.JSONField(_("candidates"))
    candidates_hash = models.CharField(_("candidate list hash"), max_length=64)
    count = models.PositiveIntegerField(_("number drawn"))
    seed_commitment = models.CharField(_("seed commitment"), max_length=64)
    seed = models.CharField(_("seed"), max_length=64, editable=False)
    revealed_at = models.DateTimeField(_("revealed at"), null=True, blank=True)
    witnesses = models.JSONField(_("witnesses"), default=list, blank=True)
    result = models.JSONField(pgettext_lazy("draw", "result"), default=list, blank=True)
    prepared_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    revealed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("revealed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.purpose} ({self.candidates_hash[:12]})"

    @property
    def is_revealed(self) -> bool:
        return self.revealed_at is not None
