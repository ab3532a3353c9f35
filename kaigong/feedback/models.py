"""
Feedback around the enterprise (issue #12 parts 5–7): 好差评 evaluations per GB/T 39734,
rectification tickets (核实—交办—整改—反馈), appeals, the morning callback lists (回访) and
the 办不成事 / 12345 complaints.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaigong.core.models import BaseModel

from .constants import (
    AppealGround,
    AppealStatus,
    CallbackMode,
    CallbackOutcome,
    CallbackReason,
    Channel,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    EvaluationStatus,
    Level,
    Occasion,
    SetKind,
    TicketSource,
    TicketStatus,
)

USER = settings.AUTH_USER_MODEL


class FeedbackRule(BaseModel):
    """
    The configurable numbers of one service centre (or, without one, the platform default):
    rectification days, invitation validity, callback rule and complaint deadlines.
    """

    service_center = models.OneToOneField(
        "accounts.ServiceCenter",
        verbose_name=_("service centre"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="feedback_rule",
    )
    rectify_days = models.PositiveSmallIntegerField(_("rectification working days"), default=15)
    invitation_days = models.PositiveSmallIntegerField(_("invitation valid (days)"), default=30)
    callback_mode = models.CharField(
        _("callback rule"),
        max_length=20,
        choices=CallbackMode.choices,
        default=CallbackMode.ALL_PREVIOUS_DAY,
    )
    sample_percent = models.PositiveSmallIntegerField(_("random sample (%)"), default=10)
    complaint_days_simple = models.PositiveSmallIntegerField(_("simple complaint days"), default=5)
    complaint_days_complex = models.PositiveSmallIntegerField(
        _("complex complaint days"), default=10
    )
    complaint_days_hard = models.PositiveSmallIntegerField(_("hard complaint days"), default=15)
    warn_days = models.PositiveSmallIntegerField(
        _("warn this many working days before a deadline"), default=2
    )

    class Meta:
        verbose_name = _("feedback rule")
        verbose_name_plural = _("feedback rules")
        constraints = [
            models.UniqueConstraint(
                fields=["service_center"],
                condition=Q(service_center__isnull=True),
                name="feedback_rule_one_default",
            )
        ]

    def __str__(self) -> str:
        return str(self.service_center or _("platform default"))


class IndicatorSet(BaseModel):
    """
    One version of the second-level indicators of a channel. The national sets are fixed
    (GB/T 39734; never edited, a new version is a new row); local extras are kept apart.
    """

    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=SetKind.choices)
    name = models.CharField(_("name"), max_length=100)
    indicators = models.JSONField(_("indicators"), help_text=_('[{"code": …, "label": …}]'))
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("indicator set")
        verbose_name_plural = _("indicator sets")
        ordering = ["kind", "channel", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="indicator_set_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def codes(self) -> set[str]:
        return {i["code"] for i in self.indicators}


class Invitation(BaseModel):
    """A single-use, signed, expiring invitation to rate one service occasion of a case."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(
        "cases.CaseItem",
        verbose_name=_("case item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    occasion = models.CharField(_("occasion"), max_length=12, choices=Occasion.choices)
    # "" for the case's acceptance and issuance, the item's public id for each decision
    occasion_key = models.CharField(_("occasion key"), max_length=40, blank=True)
    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    service_center = models.ForeignKey(
        "accounts.ServiceCenter",
        verbose_name=_("service centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    matter_version = models.ForeignKey(
        "catalog.MatterVersion",
        verbose_name=_("matter version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    staff = models.ForeignKey(
        USER,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation invitation")
        verbose_name_plural = _("evaluation invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "occasion", "occasion_key"], name="invitation_once_per_occasion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_occasion_display()}"


class Evaluation(BaseModel):
    """One rating (一次一评): five levels, the indicators of its set, text; tied to its occasion."""

    invitation = models.OneToOneField(
        Invitation,
        verbose_name=_("invitation"),
        on_delete=models.PROTECT,
        related_name="evaluation",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+"
    )
    occasion = models.CharField(_("occasion"), max_length=12, choices=Occasion.choices)
    occasion_key = models.CharField(_("occasion key"), max_length=40, blank=True)
    matter_version = models.ForeignKey(
        "catalog.MatterVersion",
        verbose_name=_("matter version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    service_center = models.ForeignKey(
        "accounts.ServiceCenter",
        verbose_name=_("service centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    staff = models.ForeignKey(
        USER,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE
    )
    rater = models.ForeignKey(
        USER, verbose_name=_("rater"), null=True, blank=True, on_delete=models.SET_NULL
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("indicator set"), on_delete=models.PROTECT, related_name="+"
    )
    indicators = models.JSONField(_("indicators chosen"), default=list)
    local_set = models.ForeignKey(
        IndicatorSet,
        verbose_name=_("local extras"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    local_indicators = models.JSONField(_("local extras chosen"), default=list)
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.VALID
    )
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-rated_at"]
        constraints = [
            # rule: one evaluation per case per occasion (docs/legal.md#gbt-39734)
            models.UniqueConstraint(
                fields=["case", "occasion", "occasion_key"], name="evaluation_once_per_occasion"
            ),
            models.CheckConstraint(name="evaluation_level_1_5", condition=Q(level__range=(1, 5))),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_occasion_display()} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level <= Level.DISSATISFIED

    def indicator_labels(self) -> list[str]:
        """The chosen indicators by their labels in the set they were chosen from."""
        labels = {i["code"]: i["label"] for i in self.indicator_set.indicators}
        return [labels.get(code, code) for code in self.indicators]

    def local_indicator_labels(self) -> list[str]:
        labels = {
            i["code"]: i["label"] for i in (self.local_set.indicators if self.local_set else [])
        }
        return [labels.get(code, code) for code in self.local_indicators]


class Ticket(BaseModel):
    """A 核实—交办—整改—反馈 ticket, from a bad review or a callback problem."""

    number = models.CharField(_("ticket number"), max_length=24, unique=True)
    source = models.CharField(_("source"), max_length=12, choices=TicketSource.choices)
    evaluation = models.OneToOneField(
        Evaluation,
        verbose_name=_("evaluation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ticket",
    )
    callback = models.OneToOneField(
        "feedback.CallbackTask",
        verbose_name=_("callback"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_ticket",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+"
    )
    service_center = models.ForeignKey(
        "accounts.ServiceCenter", verbose_name=_("service centre"), on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    problem = models.TextField(_("problem"))
    status = models.CharField(
        _("status"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.VERIFYING
    )
    opened_on = models.DateField(_("opened on"))
    verified_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification = models.TextField(_("verification"), blank=True)
    assigned_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    due_on = models.DateField(_("rectify by"), null=True, blank=True)
    rectified_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    measures = models.TextField(_("measures"), blank=True)
    fed_back_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fed_back_at = models.DateTimeField(_("fed back at"), null=True, blank=True)
    feedback = models.TextField(_("feedback to the enterprise"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    warned_on = models.DateField(_("deadline warning sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification ticket")
        verbose_name_plural = _("rectification tickets")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


class Appeal(BaseModel):
    """申诉复核: the rated side contests a rating; a second person decides, on evidence."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="appeals"
    )
    ground = models.CharField(_("ground"), max_length=14, choices=AppealGround.choices)
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence"), help_text=_("What shows the rating is mistaken."))
    evidence_file = models.FileField(
        _("evidence file"), upload_to="feedback/appeals/%Y/", blank=True
    )
    filed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=Q(status="pending"),
                name="appeal_one_pending",
            )
        ]


class CallbackList(BaseModel):
    """The callback list of one centre for one working morning, with its rule and seed."""

    service_center = models.ForeignKey(
        "accounts.ServiceCenter",
        verbose_name=_("service centre"),
        on_delete=models.CASCADE,
        related_name="callback_lists",
    )
    on = models.DateField(_("working day"))
    covers = models.DateField(_("cases of the working day"))
    mode = models.CharField(_("rule"), max_length=20, choices=CallbackMode.choices)
    rule = models.JSONField(_("rule as recorded"), default=dict)
    seed = models.CharField(_("sampling seed"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("callback list")
        verbose_name_plural = _("callback lists")
        ordering = ["-on"]
        constraints = [
            models.UniqueConstraint(fields=["service_center", "on"], name="callback_list_daily")
        ]

    def __str__(self) -> str:
        return f"{self.service_center} {self.on}"


class CallbackTask(BaseModel):
    """One call to make: a case of the list, or the follow-up of a ticket."""

    callback_list = models.ForeignKey(
        CallbackList,
        verbose_name=_("callback list"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    service_center = models.ForeignKey(
        "accounts.ServiceCenter", verbose_name=_("service centre"), on_delete=models.CASCADE
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+"
    )
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket followed up"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followups",
    )
    reason = models.CharField(_("reason"), max_length=12, choices=CallbackReason.choices)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=CallbackOutcome.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    agent = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["callback_list", "case"],
                condition=Q(callback_list__isnull=False),
                name="callback_once_per_list",
            )
        ]

    @property
    def is_done(self) -> bool:
        return self.outcome not in ("", CallbackOutcome.NOT_REACHED)


class HotlineClient(BaseModel):
    """A caller system (the 12345 hotline) with its shared HMAC secret."""

    name = models.CharField(_("name"), max_length=100)
    key_id = models.CharField(_("key id"), max_length=40, unique=True)
    secret = models.CharField(_("shared secret"), max_length=128)
    service_center = models.ForeignKey(
        "accounts.ServiceCenter",
        verbose_name=_("service centre receiving its complaints"),
        on_delete=models.PROTECT,
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hotline client")
        verbose_name_plural = _("hotline clients")

    def __str__(self) -> str:
        return self.name


class Complaint(BaseModel):
    """A 办不成事 complaint, from the window, online or the 12345 hotline."""

    number = models.CharField(_("complaint number"), max_length=24, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=ComplaintChannel.choices)
    hotline_client = models.ForeignKey(
        HotlineClient, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hotline_ticket = models.CharField(_("12345 ticket number"), max_length=64, blank=True)
    hotline_fingerprint = models.CharField(max_length=64, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=ComplaintCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    complainant_name = models.CharField(_("complainant"), max_length=100)
    complainant_phone = models.CharField(_("phone"), max_length=30, blank=True)
    complainant = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise", null=True, blank=True, on_delete=models.SET_NULL
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    service_center = models.ForeignKey(
        "accounts.ServiceCenter", verbose_name=_("service centre"), on_delete=models.PROTECT
    )
    received_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer due on"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    closing_note = models.TextField(_("confirmation or escalation"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    warned_on = models.DateField(_("deadline warning sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["hotline_client", "hotline_ticket"],
                condition=~Q(hotline_ticket=""),
                name="complaint_hotline_ticket_once",
            )
        ]

    def __str__(self) -> str:
        return self.number


class NumberCounter(models.Model):
    """
    The last number handed out per prefix and year (ZG 整改工单, BBCS 办不成事): one row,
    locked with ``SELECT … FOR UPDATE`` while the next number is taken, so that concurrent
    creators — the year's first included — never draw the same number.
    """

    prefix = models.CharField(_("prefix"), max_length=10)
    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="feedback_number_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
