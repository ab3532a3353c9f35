"""
What the window records: correction notices, commitments and denials.

Every 补正, 不予受理, 退件 and 不予许可 is a ``Denial`` row with reason, basis, person and
time: the weekly audit (否定事项监审) reads these rows.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaigong.cases.constants import CommitmentKind, CommitmentStatus, DenialKind
from kaigong.core.models import BaseModel


class Correction(BaseModel):
    """
    The one-time correction notice (一次性告知): everything missing or defective at once.

    # rule: notify once, within 5 working days of receipt (行政许可法 art. 32)
    """

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="corrections"
    )
    items = models.JSONField(
        _("items"),
        default=list,
        help_text=_('[{"kind": "material"|"field", "code": …, "problem": …, "note": …}]'),
    )
    note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    received_on = models.DateField(_("materials received on"))
    notice_due_on = models.DateField(_("notice due on"), help_text=_("5 working days (art. 32)."))
    on_time = models.BooleanField(_("notified in time"), default=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("correction notice")
        verbose_name_plural = _("correction notices")
        ordering = ["case_id", "requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.requested_at:%Y-%m-%d}"


class Commitment(BaseModel):
    """
    A signed commitment: 容缺受理 (materials follow by ``due_on``) or 告知承诺 (the
    commitment replaces proofs, verified by ``verification_due_on``). docs/legal.md#gaocheng-commitment.
    """

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="commitments"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CommitmentKind.choices)
    text = models.TextField(_("text"))
    text_hash = models.CharField(_("text hash (SM3)"), max_length=64)
    signer_name = models.CharField(_("signed by"), max_length=100)
    signed_at = models.DateTimeField(_("signed at"))
    material_codes = models.JSONField(
        _("materials"),
        default=list,
        help_text=_("Deferred materials (容缺) or the proofs the commitment replaces (告知承诺)."),
    )
    due_on = models.DateField(_("materials due on"), null=True, blank=True)
    verification_due_on = models.DateField(_("verification due on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.PENDING,
    )
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    settled_at = models.DateTimeField(_("fulfilled or breached at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["case_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="commitment_dates_fit_kind",
                condition=Q(kind=CommitmentKind.DEFERRAL, due_on__isnull=False)
                | Q(kind=CommitmentKind.UNDERTAKING, verification_due_on__isnull=False),
            ),
            models.CheckConstraint(
                name="commitment_settled_has_time",
                condition=Q(status=CommitmentStatus.PENDING, settled_at__isnull=True)
                | (~Q(status=CommitmentStatus.PENDING) & Q(settled_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"


class Denial(BaseModel):
    """One negative outcome with its reason, legal basis, person and time."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="denials"
    )
    item = models.ForeignKey(
        "cases.CaseItem",
        verbose_name=_("case item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="denials",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=DenialKind.choices)
    reason = models.TextField(_("reason"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    applicant_rights = models.TextField(
        _("applicant's rights"),
        blank=True,
        help_text=_("行政复议 / 行政诉讼: where and within how long (行政许可法 art. 38)."),
    )
    by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the system recorded it (a lapsed commitment)."),
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("denial")
        verbose_name_plural = _("denials")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="denial_permit_complete",
                condition=~Q(kind=DenialKind.DENIAL)
                | Q(item__isnull=False) & ~Q(legal_basis="") & ~Q(applicant_rights=""),
            ),
            models.CheckConstraint(
                name="denial_refusal_has_basis",
                condition=~Q(kind=DenialKind.REFUSAL) | ~Q(legal_basis=""),
            ),
            models.CheckConstraint(name="denial_has_reason", condition=~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.case}"
