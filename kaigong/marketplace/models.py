"""
中介超市 (the intermediary marketplace): agencies and their qualifications, service requests
with their selection method and state log, bids, the verifiable selection, the published
winner (公示), contract and deliverable, ratings from outcomes, and sanctions with due process.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaigong.core.models import BaseModel

from .constants import (
    AgencyStatus,
    FundsType,
    Method,
    ObjectionStatus,
    RaiserKind,
    RaterKind,
    RequestStatus,
    SanctionKind,
    SanctionStatus,
)

USER = settings.AUTH_USER_MODEL


class Agency(BaseModel):
    """An intermediary agency (中介机构): an enterprise, listed per province once reviewed."""

    enterprise = models.OneToOneField(
        "accounts.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="agency",
    )
    province_code = models.CharField(_("province listed in"), max_length=2)
    status = models.CharField(
        _("status"), max_length=12, choices=AgencyStatus.choices, default=AgencyStatus.PENDING
    )
    service_types = models.JSONField(_("service types"), default=list)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    staff = models.JSONField(
        _("staff"), default=list, help_text=_("[{name, certificate_no, phone}]")
    )
    introduction = models.TextField(_("introduction"), blank=True)
    reviewed_by = models.ForeignKey(
        USER,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("intermediary agency")
        verbose_name_plural = _("intermediary agencies")
        ordering = ("enterprise__name",)

    def __str__(self) -> str:
        return self.enterprise.name


class Qualification(BaseModel):
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField(_("qualification type"), max_length=100)
    level = models.CharField(pgettext_lazy("grade", "level"), max_length=30, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=60)
    valid_to = models.DateField(_("valid to"))
    file = models.FileField(_("certificate file"), upload_to="marketplace/qual/%Y/", blank=True)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ("kind",)


class ServiceRequest(BaseModel):
    """A purchase of an intermediary service by an owner (项目业主), from the guide or a case."""

    owner = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="service_requests",
        null=True,
        blank=True,
    )
    material_code = models.CharField(_("material the report serves"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=200)
    service_type = models.CharField(_("service type"), max_length=100)
    stage = models.CharField(_("stage"), max_length=60, blank=True)
    region_code = models.CharField(_("region"), max_length=12)
    funds_type = models.CharField(_("funds"), max_length=8, choices=FundsType.choices)
    method = models.CharField(_("selection method"), max_length=8, choices=Method.choices)
    qualification_kind = models.CharField(_("qualification required"), max_length=100, blank=True)
    price_min = models.DecimalField(_("price from"), max_digits=12, decimal_places=2)
    price_max = models.DecimalField(_("price to"), max_digits=12, decimal_places=2)
    registration_closes_at = models.DateTimeField(_("registration closes"))
    choice_at = models.DateTimeField(_("choice time"))
    witnesses = models.JSONField(_("witnesses"), default=list)
    disclose_bids = models.BooleanField(_("publish the bids"), default=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=30, blank=True)
    direct_agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency chosen directly"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RequestStatus.choices,
        default=RequestStatus.REGISTERING,
    )
    draw = models.ForeignKey(
        "core.Draw",
        verbose_name=_("draw"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    base_draw = models.ForeignKey(
        "core.Draw",
        verbose_name=_("draw of the base rate"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    base_rate = models.DecimalField(
        _("base rate"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    reference_price = models.DecimalField(
        _("reference price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    winner = models.ForeignKey(
        "marketplace.Bid",
        verbose_name=_("winning bid"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    chosen_at = models.DateTimeField(_("chosen at"), null=True, blank=True)
    objection_until = models.DateField(_("objections until"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["status", "registration_closes_at"])]

    def __str__(self) -> str:
        return self.title


class RequestEvent(models.Model):
    """Every move of a request (old → new state, action, by whom or by the scheduled job)."""

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    from_status = models.CharField(pgettext_lazy("status", "from"), max_length=12, blank=True)
    to_status = models.CharField(pgettext_lazy("status", "to"), max_length=12)
    action = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(
        USER, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="+", null=True
    )
    data = models.JSONField(_("data"), default=dict)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Bid(BaseModel):
    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="bids"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="bids"
    )
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    staff = models.JSONField(_("staff offered"), default=list)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    submitted_by = models.ForeignKey(
        USER, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    eligibility = models.JSONField(_("eligibility check"), default=dict)
    excluded_reason = models.CharField(
        _("excluded by an upheld objection"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(fields=["request", "agency"], name="bid_one_per_agency")
        ]


class Contract(BaseModel):
    request = models.OneToOneField(
        ServiceRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="contract",
    )
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    period_days = models.PositiveIntegerField(_("service period (working days)"))
    signed_on = models.DateField(_("signed on"))
    due_on = models.DateField(_("due on"))
    file = models.FileField(_("contract file"), upload_to="marketplace/contracts/%Y/", blank=True)
    filed_by = models.ForeignKey(
        USER, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")


class Deliverable(BaseModel):
    request = models.OneToOneField(
        ServiceRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="deliverable",
    )
    file = models.FileField(_("report"), upload_to="marketplace/deliverables/%Y/")
    original_name = models.CharField(_("original name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    delivered_on = models.DateField(_("delivered on"))
    filed_by = models.ForeignKey(
        USER, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    material_public_id = models.UUIDField(_("case material"), null=True, blank=True)
    attached_at = models.DateTimeField(_("attached to the case at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")


class Rating(BaseModel):
    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="ratings"
    )
    rater_kind = models.CharField(_("rater"), max_length=12, choices=RaterKind.choices)
    scores = models.JSONField(_("scores"), default=dict)
    overall = models.DecimalField(_("overall (0–100)"), max_digits=5, decimal_places=2)
    derived_from = models.JSONField(_("derived from"), default=dict)
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        USER, verbose_name=_("rated by"), on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ("created_at",)
        constraints = [
            models.UniqueConstraint(fields=["request", "rater_kind"], name="rating_one_per_rater")
        ]


class Sanction(BaseModel):
    """Suspension or blacklisting with due process: notice, statement, decision, appeal, expiry."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="sanctions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SanctionKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=SanctionStatus.choices, default=SanctionStatus.NOTICED
    )
    grounds = models.TextField(_("grounds"))
    statement_due_on = models.DateField(_("statement due"))
    statement = models.TextField(_("statement"), blank=True)
    decision = models.TextField(_("decision"), blank=True)
    starts_on = models.DateField(_("in force from"), null=True, blank=True)
    ends_on = models.DateField(_("in force until"), null=True, blank=True)
    appeal = models.TextField(_("appeal"), blank=True)
    appeal_decision = models.TextField(_("appeal decision"), blank=True)
    credit_record_public_id = models.UUIDField(_("credit record"), null=True, blank=True)
    history = models.JSONField(_("history"), default=list)
    opened_by = models.ForeignKey(
        USER, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ("-created_at",)


class Objection(BaseModel):
    """
    An objection to a published selection (公示期异议), raised by a bidder or a member of the
    public within the objection period and decided by a centre administrator; upheld, the
    winning bid is excluded and the selection is run again among the remaining bids.
    """

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    bid = models.ForeignKey(
        Bid,
        verbose_name=_("winning bid objected to"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    raiser_kind = models.CharField(_("raised by"), max_length=8, choices=RaiserKind.choices)
    raised_by = models.ForeignKey(
        USER, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.CharField(_("contact"), max_length=60, blank=True)
    grounds = models.TextField(_("grounds"))
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    decision = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ("-created_at",)
