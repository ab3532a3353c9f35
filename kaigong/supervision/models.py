"""
Supervision's own rows. It never writes into cases or archives: ``ItemMetric`` is a derived
copy of each item's figures (recomputed by the periodic job from the state log), the rest
are supervision's own records (signals, 督办 orders, the weekly denial audit, circulars,
signed period snapshots).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaigong.core.models import BaseModel

from .constants import (
    DEFAULT_ADVICE_AFTER_DAYS,
    DEFAULT_PROMPT_PERCENT,
    DEFAULT_YELLOW_PERCENT,
    DenialReason,
    Finding,
    OrderStatus,
    OrderStepKind,
    PeriodKind,
    SignalLevel,
    Step,
)


class ItemMetric(models.Model):
    """The province's figures of one case item as of ``computed_on`` (the dashboard sums these)."""

    item = models.OneToOneField(
        "cases.CaseItem", verbose_name=_("case item"), on_delete=models.CASCADE,
        related_name="supervision_metric",
    )  # fmt: skip
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    matter = models.ForeignKey(
        "catalog.Matter", verbose_name=_("matter"), on_delete=models.CASCADE, related_name="+"
    )
    bundle = models.ForeignKey(
        "catalog.Bundle", verbose_name=_("bundle"), on_delete=models.CASCADE, related_name="+"
    )
    service_center = models.ForeignKey(
        "accounts.ServiceCenter", verbose_name=_("service centre"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    region_code = models.CharField(_("region code"), max_length=12, blank=True)
    status = models.CharField(_("status"), max_length=20)
    received_on = models.DateField(_("received on (接件)"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on (受理)"), null=True, blank=True)
    finished_on = models.DateField(_("concluded on (办结)"), null=True, blank=True)
    limit_days = models.PositiveIntegerField(_("limit (working days)"), default=0)
    promised_on = models.DateField(_("promised conclusion (承诺办结时间)"), null=True, blank=True)
    approval_days = models.IntegerField(_("approval time (审批用时)"), default=0)
    correction_days = models.IntegerField(_("correction time (补正用时)"), default=0)
    special_days = models.IntegerField(_("special procedure time (特别程序用时)"), default=0)
    intermediary_days = models.IntegerField(
        _("intermediary service time (中介服务用时)"), default=0
    )
    span_days = models.IntegerField(_("span (跨度用时, natural days)"), default=0)
    government_days = models.IntegerField(_("government's days"), default=0)
    applicant_days = models.IntegerField(_("applicant's days"), default=0)
    prerequisite_days = models.IntegerField(_("days waiting on a prerequisite"), default=0)
    overdue = models.BooleanField(_("overdue (是否超期)"), default=False)
    open = models.BooleanField(_("still open"), default=True)
    # the step (环节) the item is in, its days used and allowed (moved forward with the
    # item's clock by metrics_advance), and the steps that had overrun when computed
    step = models.CharField(_("current step"), max_length=12, blank=True, choices=Step.choices)
    step_used_days = models.IntegerField(_("days used in the current step"), default=0)
    step_allowed_days = models.IntegerField(_("days allowed in the current step"), default=0)
    overrun_steps = models.CharField(_("steps overrun"), max_length=40, blank=True)
    computed_on = models.DateField(_("computed on"))
    computed_at = models.DateTimeField(
        _("computed at"), help_text=_("Item or case changed after this: computed again.")
    )

    class Meta:
        verbose_name = _("item metric")
        verbose_name_plural = _("item metrics")
        ordering = ["item_id"]
        indexes = [
            models.Index(fields=["department", "received_on"], name="sup_metric_dept_idx"),
            models.Index(fields=["received_on"], name="sup_metric_received_idx"),
            models.Index(fields=["open", "overdue"], name="sup_metric_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.approval_days}/{self.limit_days}"


class SignalRule(BaseModel):
    """The signal ladder's thresholds for one matter or one department (defaults otherwise)."""

    matter = models.ForeignKey(
        "catalog.Matter", verbose_name=_("matter"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )  # fmt: skip
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )  # fmt: skip
    prompt_percent = models.PositiveSmallIntegerField(
        _("early warning at % of the limit"), default=DEFAULT_PROMPT_PERCENT
    )
    prompt_days_before = models.PositiveSmallIntegerField(
        _("or N working days before the limit"), null=True, blank=True
    )
    yellow_percent = models.PositiveSmallIntegerField(
        _("yellow card at % of the limit"), default=DEFAULT_YELLOW_PERCENT
    )
    advice_after_days = models.PositiveSmallIntegerField(
        _("supervision advice after N working days overdue"), default=DEFAULT_ADVICE_AFTER_DAYS
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("signal rule")
        verbose_name_plural = _("signal rules")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="sup_rule_one_scope",
                condition=Q(matter__isnull=False, department__isnull=True)
                | Q(matter__isnull=True, department__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return str(self.matter or self.department)


class StepLimit(BaseModel):
    """A matter's own duration of one step (环节), in working days (defaults otherwise)."""

    matter = models.ForeignKey(
        "catalog.Matter", verbose_name=_("matter"), on_delete=models.CASCADE, related_name="+"
    )
    step = models.CharField(_("step"), max_length=12, choices=Step.choices)
    working_days = models.PositiveSmallIntegerField(_("duration (working days)"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("step duration")
        verbose_name_plural = _("step durations")
        ordering = ["matter_id", "step"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "step"], name="sup_step_limit_once")
        ]

    def __str__(self) -> str:
        return f"{self.matter} {self.step}: {self.working_days}"


class Signal(BaseModel):
    """One rung of the ladder raised for one item (raised once: unique per item and level)."""

    item = models.ForeignKey(
        "cases.CaseItem", verbose_name=_("case item"), on_delete=models.CASCADE,
        related_name="supervision_signals",
    )  # fmt: skip
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    level = models.CharField(
        pgettext_lazy("grade", "level"), max_length=10, choices=SignalLevel.choices
    )
    raised_on = models.DateField(_("raised on"))
    approval_days = models.IntegerField(_("approval time when raised"), default=0)
    limit_days = models.IntegerField(_("limit when raised"), default=0)
    rule = models.JSONField(_("thresholds applied"), default=dict, blank=True)
    step = models.CharField(
        _("step"), max_length=12, blank=True, choices=Step.choices,
        help_text=_("For a step overrun: the step (环节) that overran."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "level", "step"], name="sup_signal_once")
        ]
        # perf: the 环节超时 queue's first page and count (level = step, newest first)
        indexes = [models.Index(fields=["level", "-raised_on", "-id"], name="sup_signal_level_idx")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.level}"


class SupervisionOrder(BaseModel):
    """A 督办 order to a department, with its 回告 deadline; every step is an ``OrderStep``."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    item = models.ForeignKey(
        "cases.CaseItem", verbose_name=_("case item"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    signal = models.ForeignKey(
        Signal, verbose_name=_("signal"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="orders",
    )  # fmt: skip
    subject = models.CharField(_("subject"), max_length=200)
    instruction = models.TextField(_("instruction"))
    level = models.PositiveSmallIntegerField(_("escalation level"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN
    )
    issued_by = models.ForeignKey(
        "accounts.User", verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    reply_days = models.PositiveSmallIntegerField(_("reply within (working days)"))
    reply_due_on = models.DateField(_("reply due on"))
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["status", "reply_due_on"], name="sup_order_due_idx")]

    def __str__(self) -> str:
        return self.number


class OrderStep(BaseModel):
    order = models.ForeignKey(
        SupervisionOrder,
        verbose_name=pgettext_lazy("supervision order", "order"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=OrderStepKind.choices)
    actor = models.ForeignKey(
        "accounts.User", verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    text = models.TextField(_("text"), blank=True)
    working_days = models.IntegerField(_("working days since the previous step"), default=0)

    class Meta:
        verbose_name = _("order step")
        verbose_name_plural = _("order steps")
        ordering = ["order", "at", "id"]

    def __str__(self) -> str:
        return f"{self.order} {self.kind}"


class AuditBatch(BaseModel):
    """One unit's denials of one week, compiled on the week's last working day (周五)."""

    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("unit"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    week_start = models.DateField(_("week from (Monday)"))
    compiled_on = models.DateField(_("compiled on"))
    confirm_due_on = models.DateField(_("confirm by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("confirmed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    annotation = models.TextField(_("unit's annotation"), blank=True)

    # Not columns: set on the instances selectors hand out (``batch_list`` annotates
    # ``entry_count``, ``batch_list_for`` sets ``late``). Annotated only, so no field.
    late: bool
    entry_count: int

    class Meta:
        verbose_name = _("weekly denial register")
        verbose_name_plural = _("weekly denial registers")
        ordering = ["-week_start", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "week_start"], name="sup_batch_once")
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.week_start}"


class AuditEntry(BaseModel):
    """One denial in a weekly register, with the 监审办's finding."""

    batch = models.ForeignKey(
        AuditBatch, verbose_name=_("register"), on_delete=models.CASCADE, related_name="entries"
    )
    denial = models.OneToOneField(
        "cases.Denial", verbose_name=_("denial"), on_delete=models.PROTECT,
        related_name="supervision_entry",
    )  # fmt: skip
    reason_code = models.CharField(
        _("reason (taxonomy)"), max_length=24, choices=DenialReason.choices
    )
    unit_note = models.TextField(_("unit's note"), blank=True)
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)
    finding_note = models.TextField(_("finding note"), blank=True)
    reviewer = models.ForeignKey(
        "accounts.User", verbose_name=_("reviewer"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    second_reviewer = models.ForeignKey(
        "accounts.User", verbose_name=_("second reviewer"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    second_reviewed_at = models.DateTimeField(_("second review at"), null=True, blank=True)

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        ordering = ["batch", "id"]
        constraints = [
            models.CheckConstraint(
                name="sup_entry_second_is_other",
                condition=Q(second_reviewer__isnull=True)
                | ~Q(second_reviewer=models.F("reviewer")),
            )
        ]

    @property
    def finding_final(self) -> bool:
        if not self.finding:
            return False
        return self.finding != Finding.IMPROPER or self.second_reviewer_id is not None

    def __str__(self) -> str:
        return f"{self.batch} · {self.denial_id}"


class Circular(BaseModel):
    """抽查通报: improper findings notified to a unit with a rectification deadline."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("unit"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    entries = models.ManyToManyField(
        AuditEntry, verbose_name=_("entries"), related_name="circulars"
    )
    text = models.TextField(_("text"))
    issued_by = models.ForeignKey(
        "accounts.User", verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    rectify_due_on = models.DateField(_("rectify by"))
    rectification = models.TextField(_("rectification report"), blank=True)
    rectified_at = models.DateTimeField(_("rectification reported at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("closed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("spot-check circular")
        verbose_name_plural = _("spot-check circulars")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number


class ReportSnapshot(BaseModel):
    """A month's or quarter's statistics frozen and signed (SM2); a correction is a revision."""

    kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    supersedes = models.ForeignKey(
        "self", verbose_name=_("supersedes"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="revisions",
    )  # fmt: skip
    reason = models.TextField(_("reason for the revision"), blank=True)
    figures = models.JSONField(_("figures"), default=dict)
    digest = models.CharField(_("digest (SM3)"), max_length=64)
    key_id = models.CharField(_("key id"), max_length=64)
    public_key_hex = models.CharField(_("public key"), max_length=130)
    signature = models.TextField(_("signature (SM2, DER hex)"))
    signed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("frozen by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip

    # Not a column: ``snapshots_for`` sets it from ``snapshot_verify``. Annotated only.
    verified: bool

    class Meta:
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        ordering = ["-period_start", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_start", "revision"], name="sup_snapshot_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_start} r{self.revision}"
