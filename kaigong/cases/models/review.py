"""
What departments record while reviewing an item: opinions, clock pauses, extensions,
and conditional results (pre-approval, consent letter).
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaigong.cases.constants import ConditionalKind, PauseKind, Recommendation
from kaigong.core.models import BaseModel


class Opinion(BaseModel):
    """The reviewer's opinion (审查意见); the approver then decides."""

    item = models.ForeignKey(
        "cases.CaseItem",
        verbose_name=_("case item"),
        on_delete=models.CASCADE,
        related_name="opinions",
    )
    author = models.ForeignKey(
        "accounts.User", verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("opinion"))
    recommendation = models.CharField(
        _("recommendation"), max_length=12, choices=Recommendation.choices
    )

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["item_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_recommendation_display()}"


class ClockPause(BaseModel):
    """
    Days the item's clock does not run, from ``started_on`` to the day before ``resumed_on``.

    # rule: time for special procedures is not counted; the applicant is told in writing
    # (行政许可法 art. 45)
    """

    item = models.ForeignKey(
        "cases.CaseItem",
        verbose_name=_("case item"),
        on_delete=models.CASCADE,
        related_name="pauses",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PauseKind.choices)
    reason = models.TextField(_("reason"))
    evidence = models.TextField(
        _("evidence"), help_text=_("What shows the procedure: notice, test order, expert list …")
    )
    started_on = models.DateField(_("paused from"))
    planned_working_days = models.PositiveSmallIntegerField(
        _("planned working days"),
        null=True,
        blank=True,
        help_text=_("How long the procedure is planned to take, told to the applicant."),
    )
    planned_end_on = models.DateField(
        _("planned end"),
        null=True,
        blank=True,
        help_text=_("The last planned day of the procedure on the working-day calendar."),
    )
    resumed_on = models.DateField(_("resumed on"), null=True, blank=True)
    started_by = models.ForeignKey(
        "accounts.User", verbose_name=_("paused by"), on_delete=models.PROTECT, related_name="+"
    )
    resumed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("resumed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        ordering = ["item_id", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(resumed_on__isnull=True),
                name="pause_one_open_per_item",
            ),
            models.CheckConstraint(
                name="pause_resumes_after_start",
                condition=Q(resumed_on__isnull=True) | Q(resumed_on__gte=F("started_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.started_on}"


class Extension(BaseModel):
    """
    An extension of the item's limit by N working days, with the approver's consent.

    # rule: +10 days with the head's approval, reasons told to the applicant; joint handling
    # +15 days (行政许可法 art. 42)
    """

    item = models.ForeignKey(
        "cases.CaseItem",
        verbose_name=_("case item"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    working_days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("rejected by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    decision_reason = models.TextField(
        _("approver's reason"),
        blank=True,
        help_text=_("Why the approver granted or refused the extension."),
    )
    notice_sent_at = models.DateTimeField(
        _("applicant notified at"), null=True, blank=True, help_text=_("Art. 42: reasons told.")
    )

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["item_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="extension_days_positive", condition=Q(working_days__gte=1)
            ),
            models.CheckConstraint(
                name="extension_approved_together",
                condition=Q(approved_by__isnull=True, approved_at__isnull=True)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
            ),
            models.CheckConstraint(
                name="extension_rejected_together",
                condition=Q(rejected_by__isnull=True, rejected_at__isnull=True)
                | Q(rejected_by__isnull=False, rejected_at__isnull=False),
            ),
            models.CheckConstraint(
                name="extension_approved_or_rejected",
                condition=Q(approved_at__isnull=True) | Q(rejected_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} +{self.working_days}"


class ConditionalResult(BaseModel):
    """A pre-approval (预审批) or consent letter (同意函) that lets dependants start early."""

    item = models.ForeignKey(
        "cases.CaseItem",
        verbose_name=_("case item"),
        on_delete=models.CASCADE,
        related_name="conditional_results",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ConditionalKind.choices)
    conditions = models.TextField(_("conditions"), blank=True)
    issued_by = models.ForeignKey(
        "accounts.User", verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    became_final_at = models.DateTimeField(_("became final at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conditional result")
        verbose_name_plural = _("conditional results")
        ordering = ["item_id", "issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_kind_display()}"
