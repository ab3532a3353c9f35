"""
The bundled application (``Case``) and its items (``CaseItem``), one per matter.

Both carry a ``version`` integer: every change goes through the one transition helper of
its aggregate (services/_transition.py), which updates ``WHERE version = <read version>``
so that two people acting at once can never both win, on SQLite as on PostgreSQL.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaigong.cases.constants import (
    ITEM_CLOCK_STATUSES,
    CaseStatus,
    Decision,
    ItemStatus,
)
from kaigong.core.models import BaseModel

# The previous hash of a case's first event (and the head of a case without events).
GENESIS_HASH = "0" * 64

_ACCEPTED_CASE = [
    CaseStatus.ACCEPTED,
    CaseStatus.CONCLUDED,
    CaseStatus.ISSUED,
    CaseStatus.HALTED,
]
_DECIDED_ITEM = [ItemStatus.APPROVED, ItemStatus.APPROVED_DEFERRED, ItemStatus.DENIED]
_UNDECIDED_ITEM = [
    ItemStatus.WAITING,
    ItemStatus.IN_REVIEW,
    ItemStatus.PAUSED,
    ItemStatus.PROPOSED,
    ItemStatus.PRE_APPROVED,
]


class Case(BaseModel):
    """One bundled application (一件事) of one project, from draft to issued certificates."""

    number = models.CharField(
        _("case number"),
        max_length=32,
        blank=True,
        help_text=_("Given at submission, e.g. KG-2026-000123."),
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    bundle = models.ForeignKey(
        "catalog.Bundle", verbose_name=_("bundle"), on_delete=models.PROTECT, related_name="cases"
    )
    matters = models.ManyToManyField(
        "catalog.Matter",
        verbose_name=_("chosen matters"),
        related_name="cases",
        help_text=_("The bundle's mandatory matters and the optional ones the applicant chose."),
    )
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised by every change (optimistic locking).")
    )
    service_center = models.ForeignKey(
        "accounts.ServiceCenter",
        verbose_name=_("service centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("The centre whose windows accept the bundle's lead department's matters."),
    )
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(
        _("received at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Last submission or resubmission: the window's queue follows it."),
    )
    correction_notice_due_on = models.DateField(
        _("correction notice due on"),
        null=True,
        blank=True,
        help_text=_("Last day to notify missing materials once (行政许可法 art. 32)."),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_on = models.DateField(
        _("clock reference day"),
        null=True,
        blank=True,
        help_text=_("Day 0 of the items' clocks: the acceptance day, or the day of receipt."),
    )
    deemed_accepted = models.BooleanField(
        _("deemed accepted on receipt"),
        default=False,
        help_text=_("No correction notice within 5 working days: accepted from receipt."),
    )
    accepted_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_window = models.ForeignKey(
        "accounts.Window",
        verbose_name=_("accepting window"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The comprehensive window (综合窗口) of the centre that accepted the case."),
    )
    promised_due_on = models.DateField(_("promised due on"), null=True, blank=True)
    statutory_due_on = models.DateField(_("statutory due on"), null=True, blank=True)
    due_provisional = models.BooleanField(
        _("due date provisional"),
        default=False,
        help_text=_("A due date reaches a year whose calendar is not published yet."),
    )
    plan_snapshot = models.JSONField(
        _("plan at acceptance"),
        default=dict,
        blank=True,
        help_text=_("The timeline of the case's matters as planned on the acceptance day."),
    )
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    event_count = models.PositiveIntegerField(
        _("events"),
        default=0,
        help_text=_("How many events the case's history holds (set with each event)."),
    )
    chain_head = models.CharField(
        _("chain head (SM3)"),
        max_length=64,
        default=GENESIS_HASH,
        help_text=_("The hash of the case's last event (set with each event)."),
    )
    closed_at = models.DateTimeField(
        _("closed at"), null=True, blank=True, help_text=_("Refused, withdrawn, issued or halted.")
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"], name="case_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="case_number_unique"
            ),
            models.CheckConstraint(
                # a draft withdrawn before submission never got a number (no gaps)
                name="case_numbered_once_submitted",
                condition=Q(status__in=[CaseStatus.DRAFT, CaseStatus.WITHDRAWN]) | ~Q(number=""),
            ),
            models.CheckConstraint(
                name="case_accepted_has_acceptance",
                condition=~Q(status__in=_ACCEPTED_CASE)
                | Q(accepted_at__isnull=False, accepted_on__isnull=False),
            ),
            models.CheckConstraint(name="case_version_positive", condition=Q(version__gte=1)),
        ]

    def __str__(self) -> str:
        return self.number or str(self.public_id)

    @property
    def has_items(self) -> bool:
        """Whether the case can have items: they are made at acceptance only (with
        ``accepted_at``, services/acceptance.py), so a case never accepted has none to read."""
        return self.accepted_at is not None


class CaseItem(BaseModel):
    """One matter of a case, reviewed and decided by its department, with its own clock."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="items"
    )
    matter_version = models.ForeignKey(
        "catalog.MatterVersion",
        verbose_name=_("matter version"),
        on_delete=models.PROTECT,
        related_name="case_items",
        help_text=_("Pinned at acceptance: the version in force on that day."),
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="case_items",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.WAITING
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    reviewer = models.ForeignKey(
        "accounts.User",
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver = models.ForeignKey(
        "accounts.User",
        verbose_name=_("approver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    clock_started_on = models.DateField(
        _("clock reference day"),
        null=True,
        blank=True,
        help_text=_("Day 0: acceptance, or the day the prerequisite was met."),
    )
    count_start_day = models.BooleanField(
        _("reference day counts"),
        default=False,
        help_text=_("The matter counts the acceptance day itself (docs/legal.md#counting)."),
    )
    extension_days = models.PositiveSmallIntegerField(
        _("extension (working days)"), default=0, help_text=_("Approved extensions, in total.")
    )
    promised_due_on = models.DateField(_("promised due on"), null=True, blank=True)
    statutory_due_on = models.DateField(_("statutory due on"), null=True, blank=True)
    # perf: the warning colour as a plain column (issue #16, part 4): yellow from this day
    # (at most N working days left), red after the promised due date, green before
    yellow_from_on = models.DateField(_("yellow from"), null=True, blank=True)
    provisional = models.BooleanField(_("due date provisional"), default=False)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("case item")
        verbose_name_plural = _("case items")
        ordering = ["case_id", "order", "id"]
        indexes = [
            models.Index(fields=["department", "status", "promised_due_on"], name="item_work_idx"),
            # perf: the worklist's order (promised due date, nulls last, then id)
            models.Index(fields=["department", "promised_due_on", "id"], name="item_worklist_idx"),
            # perf: the same order across every department (a supervisor's worklist)
            models.Index(fields=["promised_due_on", "id"], name="item_due_idx"),
            # perf: the supervision dashboard's live red/yellow/green/paused counts
            # (warning_colours.warning_counts reads only these columns), one index-only
            # scan of the running clocks instead of the table (issue #11: at 200,000
            # items 28.6 → 17.8 ms; docs/benchmarks.md)
            models.Index(
                fields=["promised_due_on", "yellow_from_on", "status", "department"],
                name="item_clock_colour_idx",
                condition=Q(status__in=sorted(ITEM_CLOCK_STATUSES)),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "matter_version"], name="case_item_unique_matter"
            ),
            models.CheckConstraint(
                name="case_item_decided_has_time",
                condition=~Q(status__in=_DECIDED_ITEM)
                | Q(decided_at__isnull=False, decision__in=[Decision.APPROVE, Decision.DENY]),
            ),
            models.CheckConstraint(
                name="case_item_undecided_has_no_decision",
                condition=~Q(status__in=_UNDECIDED_ITEM) | Q(decided_at__isnull=True, decision=""),
            ),
            models.CheckConstraint(
                name="case_item_clock_running_has_due_dates",
                condition=~Q(status__in=sorted(ITEM_CLOCK_STATUSES))
                | Q(
                    clock_started_on__isnull=False,
                    promised_due_on__isnull=False,
                    statutory_due_on__isnull=False,
                ),
            ),
            models.CheckConstraint(
                name="case_item_waiting_has_no_clock",
                condition=~Q(status=ItemStatus.WAITING) | Q(clock_started_on__isnull=True),
            ),
            models.CheckConstraint(name="case_item_version_positive", condition=Q(version__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.matter_version.name}"


class CaseNumberCounter(models.Model):
    """The last case number given per prefix and year (locked while a number is taken)."""

    prefix = models.CharField(_("prefix"), max_length=8)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")
        ordering = ["prefix", "year"]
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="case_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class IdempotencyRecord(models.Model):
    """
    The first result of a request sent with an ``Idempotency-Key``.

    Unique per enterprise, operation and key: a hundred replays at once insert one row;
    the others read it and return the same case. A replay whose body differs (another
    ``fingerprint``) is refused.
    """

    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    operation = models.CharField(_("operation"), max_length=20)
    key = models.CharField(_("idempotency key"), max_length=100)
    fingerprint = models.CharField(
        _("request fingerprint"), max_length=64, help_text=_("SHA-256 of the canonical body.")
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="idempotency_records"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "operation", "key"], name="idempotency_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"
