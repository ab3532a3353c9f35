"""
Integrations (#15): webhook subscriptions, the e-licence push log, the SPGL exchange.

Deliveries themselves are the relay's (``core.OutboxDelivery`` and its attempts): one relay
consumer per subscription, named ``webhooks.<public_id>``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

WEBHOOK_CONSUMER_PREFIX = "webhooks."


class WebhookSubscription(models.Model):
    """An external system's subscription to outbox topics, signed per Standard Webhooks."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("endpoint URL"), max_length=500)
    # "case.*", "certificates.released", … (the relay's topic patterns)
    topics = models.JSONField(_("topics"), default=list)
    # whsec_<base64>: the secret signs; during a rotation the previous one also signs
    secret = models.CharField(_("signing secret"), max_length=200)
    previous_secret = models.CharField(_("previous secret"), max_length=200, blank=True)
    previous_secret_until = models.DateTimeField(
        _("previous secret valid until"), null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def consumer_name(self) -> str:
        return f"{WEBHOOK_CONSUMER_PREFIX}{self.public_id}"

    def secrets_now(self, now=None) -> list[str]:
        """The secrets that sign now: the current one, and the previous one in the overlap."""
        now = now or timezone.now()
        secrets = [self.secret]
        if self.previous_secret and self.previous_secret_until and now < self.previous_secret_until:
            secrets.append(self.previous_secret)
        return secrets


class LicenceStatus(models.TextChoices):
    """The e-licence library's statuses (电子证照库)."""

    REGISTERED = "REGISTERED", _("Registered (made, not issued)")
    ISSUED = "ISSUED", _("Issued")
    ABOLISHED = "ABOLISHED", _("Abolished")


class ElicencePush(models.Model):
    """The last state of a certificate the e-licence library acknowledged (by identifier)."""

    identifier = models.CharField(_("identifier"), max_length=120, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=LicenceStatus.choices)
    abolish_reason = models.CharField(_("abolish reason"), max_length=200, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    pushes = models.PositiveIntegerField(_("pushes"), default=0)
    pushed_at = models.DateTimeField(_("pushed at"), default=timezone.now)

    class Meta:
        verbose_name = _("e-licence push")
        verbose_name_plural = _("e-licence pushes")
        ordering = ["-pushed_at", "id"]

    def __str__(self) -> str:
        return f"{self.identifier} {self.status}"


class ExchangeRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExchangeRun(models.Model):
    """One export pass to the provincial front database (SPGL), and its read-back."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ExchangeRunStatus.choices,
        default=ExchangeRunStatus.RUNNING,
    )
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    rows_invalidated = models.PositiveIntegerField(_("rows invalidated"), default=0)
    statuses_read = models.PositiveIntegerField(_("upload statuses read"), default=0)
    # valid child rows still waiting, after the run, for their parent row's acceptance
    rows_held = models.PositiveIntegerField(_("rows held for their parent"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("exchange run")
        verbose_name_plural = _("exchange runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"


class UploadStatus(models.TextChoices):
    """SJSCZT as the provinces use it: 0 pending, 3 accepted, 2 / -1 refused."""

    PENDING = "0", pgettext_lazy("upload", "Pending")
    ACCEPTED = "3", pgettext_lazy("upload", "Accepted")
    FAILED = "2", pgettext_lazy("upload", "Refused")
    ERROR = "-1", pgettext_lazy("upload", "Error")


class ExchangeRow(models.Model):
    """
    One row sent to an SPGL front table (our copy, with the control columns).

    ``dfsjzj`` (地方数据主键) is the local key of the business row; a correction sends an
    invalidated copy of the current row (``sjyxbs`` 0 with ``sjwxyy``) and then a new
    valid row with the same key, which ``supersedes`` the old one. A row of a child table
    names its parent's key (``parent_table``, ``parent_key``).
    """

    table = models.CharField(_("table"), max_length=40, db_index=True)
    lsh = models.CharField(_("serial number (LSH)"), max_length=40, unique=True)
    dfsjzj = models.CharField(_("local key (DFSJZJ)"), max_length=120, db_index=True)
    xzqhdm = models.CharField(_("region code (XZQHDM)"), max_length=12)
    sjyxbs = models.PositiveSmallIntegerField(_("valid flag (SJYXBS)"), default=1)
    sjwxyy = models.CharField(_("why invalid (SJWXYY)"), max_length=200, blank=True)
    sjsczt = models.CharField(
        _("upload status (SJSCZT)"),
        max_length=4,
        choices=UploadStatus.choices,
        default=UploadStatus.PENDING,
    )
    sbyy = models.CharField(_("failure reason (SBYY)"), max_length=500, blank=True)
    data = models.JSONField(_("data"), default=dict)
    digest = models.CharField(_("data digest"), max_length=64)
    current = models.BooleanField(_("current"), default=True)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("supersedes"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # the row this one belongs to (a matter's project, a step's matter): with
    # KAIGONG_EXCHANGE_HOLD_CHILDREN a valid row is sent only once the parent key's current
    # row is accepted (SJSCZT 3)
    parent_table = models.CharField(_("parent table"), max_length=40, blank=True)
    parent_key = models.CharField(_("parent local key"), max_length=120, blank=True)
    # superseded while held, before it was ever sent: never sent (nothing to void)
    dropped = models.BooleanField(_("dropped unsent"), default=False)
    run = models.ForeignKey(
        ExchangeRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="rows"
    )
    sent_at = models.DateTimeField(_("sent to the front database at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("exchange row")
        verbose_name_plural = _("exchange rows")
        ordering = ["id"]
        indexes = [models.Index(fields=["table", "dfsjzj", "current"], name="exchange_row_key_idx")]

    def __str__(self) -> str:
        return f"{self.table} {self.lsh}"


class IdentityKind(models.TextChoices):
    LEGAL_PERSON = "legal_person", _("Legal person (enterprise)")
    STAFF = "staff", _("Staff")


class OidcIdentity(models.Model):
    """A provincial SSO identity (issuer + subject) and the account it logs in as."""

    issuer = models.CharField(_("issuer"), max_length=300)
    subject = models.CharField(pgettext_lazy("certificate holder", "subject"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=IdentityKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="oidc_identities",
    )
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    claims = models.JSONField(_("last claims"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_login_at = models.DateTimeField(_("last login at"), default=timezone.now)

    class Meta:
        verbose_name = _("SSO identity")
        verbose_name_plural = _("SSO identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"
