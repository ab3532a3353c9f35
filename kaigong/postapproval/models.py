"""
Post-approval supervision: check items (抽查事项), annual plans, tasks that draw targets
from a pool snapshot and inspectors with recusal (both with the verifiable draw), results
and findings with working-day rectification, revocation and credit; and the 告知承诺
verification tasks generated at approval time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaigong.core.models import BaseModel

from .constants import (
    CheckStatus,
    FindingStatus,
    ObjectType,
    SampleKind,
    Severity,
    TargetResult,
    TaskStatus,
)

if TYPE_CHECKING:
    from kaigong.accounts.models import User

USER = settings.AUTH_USER_MODEL


class CheckItem(BaseModel):
    """抽查事项: basis, object, ratio, frequency, method."""

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="check_items",
    )
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    basis = models.TextField(_("basis"))
    object_type = models.CharField(_("object"), max_length=12, choices=ObjectType.choices)
    matter_code = models.CharField(_("matter whose permits are checked"), max_length=64, blank=True)
    ratio_percent = models.PositiveSmallIntegerField(_("ratio (%)"))
    frequency = models.CharField(_("frequency"), max_length=60)
    method = models.CharField(_("method"), max_length=100)
    inspector_requirements = models.CharField(
        _("inspector requirements"), max_length=200, blank=True
    )

    class Meta:
        verbose_name = _("check item")
        verbose_name_plural = _("check items")
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name


class Plan(BaseModel):
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="check_plans",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    items = models.ManyToManyField(CheckItem, verbose_name=_("check items"), related_name="plans")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ("-year", "title")


class Task(BaseModel):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="tasks"
    )
    item = models.ForeignKey(
        CheckItem, verbose_name=_("check item"), on_delete=models.PROTECT, related_name="tasks"
    )
    code = models.CharField(_("task code"), max_length=60, unique=True)
    sample_kind = models.CharField(_("sampling"), max_length=10, choices=SampleKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.PLANNED
    )
    pool = models.JSONField(_("pool snapshot"), default=list)
    pool_size = models.PositiveIntegerField(_("pool size"), default=0)
    target_count = models.PositiveIntegerField(_("targets drawn"), default=0)
    inspectors_per_target = models.PositiveSmallIntegerField(_("inspectors per target"), default=2)
    target_draw = models.ForeignKey(
        "core.Draw",
        verbose_name=_("target draw"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    inspector_draw = models.ForeignKey(
        "core.Draw",
        verbose_name=_("inspector draw"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recusals = models.JSONField(_("recusals"), default=list)
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("check task")
        verbose_name_plural = _("check tasks")
        ordering = ("-period_start", "code")


class Target(BaseModel):
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="targets"
    )
    rank = models.PositiveIntegerField(_("rank drawn"))
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("permit"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    label = models.CharField(_("label"), max_length=300)
    weight = models.PositiveIntegerField(_("weight"), default=1)
    factors = models.JSONField(_("risk factors"), default=list)
    inspectors: models.ManyToManyField[User, Any] = models.ManyToManyField(
        USER,
        verbose_name=pgettext_lazy("post-approval", "inspectors"),
        related_name="check_targets",
        blank=True,
    )
    result = models.CharField(
        _("result"), max_length=10, choices=TargetResult.choices, default=TargetResult.PENDING
    )
    result_note = models.TextField(_("result"), blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("drawn target")
        verbose_name_plural = _("drawn targets")
        ordering = ("task", "rank")


class Finding(BaseModel):
    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="findings"
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    description = models.TextField(_("description"))
    basis = models.CharField(_("basis"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    rectify_due_on = models.DateField(_("rectify by"), null=True, blank=True)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    rectification = models.TextField(_("rectification"), blank=True)
    revoked_certificate = models.CharField(_("revoked certificate"), max_length=120, blank=True)
    flagged_dependants = models.JSONField(_("dependants flagged"), default=list)
    credit_record_public_id = models.UUIDField(_("credit record"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ("created_at",)


class CommitmentCheck(BaseModel):
    """告知承诺 verification task, generated when an item relying on it is approved."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+"
    )
    commitment_public_id = models.UUIDField(_("commitment"), unique=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("verify by"))
    status = models.CharField(
        _("status"), max_length=10, choices=CheckStatus.choices, default=CheckStatus.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        USER,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("commitment verification")
        verbose_name_plural = _("commitment verifications")
        ordering = ("due_on",)
