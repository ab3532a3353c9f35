"""
The case history (``CaseEvent``) and its signed checkpoints. (Credit records are
kaigong.credit's ``CreditRecord``.)

``CaseEvent`` is append-only and chained per case: each row's ``hash`` is SM3 over the
canonical JSON of (case public id, seq, kind, actor, occurred at, data, previous hash).
Only ``services.events.case_event_record`` creates rows; ``verify_event_chains`` checks
every chain and names any break.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaigong.cases.constants import EventKind


class CaseEvent(models.Model):
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    seq = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    item = models.ForeignKey(
        "cases.CaseItem",
        verbose_name=_("case item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash (SM3)"), max_length=64)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="case_event_unique_seq")
        ]
        # perf: "events since" (the archive sweep's news, the supervision and exchange reads)
        indexes = [models.Index(fields=["occurred_at"], name="case_event_occurred_idx")]

    def __str__(self) -> str:
        return f"{self.case} #{self.seq} {self.kind}"


class ChainCheckpoint(models.Model):
    """
    A signed snapshot of every case's chain head (``services.checkpoints``).

    ``entries`` lists ``[case public id, event count, head]`` for every case, sorted by
    public id; the signature is SM2 by the platform integrity key (a file outside the
    database, ``KAIGONG_INTEGRITY_KEY_ID`` in ``KAIGONG_KEY_DIR``) over SM3 of the canonical
    JSON of (seq, taken at, SM3 of the entries, previous checkpoint's digest). A history
    recomputed behind the services' back no longer reaches the signed head.
    """

    seq = models.PositiveIntegerField(_("sequence"), unique=True)
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    case_count = models.PositiveIntegerField(_("cases covered"), default=0)
    entries = models.JSONField(_("entries"), default=list, blank=True)
    entries_sm3 = models.CharField(_("entries digest (SM3)"), max_length=64)
    prev_digest = models.CharField(_("previous checkpoint's digest"), max_length=64)
    digest = models.CharField(_("digest (SM3)"), max_length=64)
    key_id = models.CharField(_("key id"), max_length=64)
    public_key_hex = models.CharField(_("public key"), max_length=130)
    signature = models.TextField(_("signature (SM2, DER hex)"))

    class Meta:
        verbose_name = _("chain checkpoint")
        verbose_name_plural = _("chain checkpoints")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.taken_at:%Y-%m-%d %H:%M} ({self.case_count})"
