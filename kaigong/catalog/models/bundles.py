"""
Bundles: several matters applied for as one (一件事, 主题, 联合评审, 多证联发).

A bundle names matters, not versions: the versions in force when a case is accepted are
pinned by the case.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaigong.catalog.constants import BundleKind
from kaigong.core.models import BaseModel


class Bundle(BaseModel):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=BundleKind.choices)
    lead_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        related_name="led_bundles",
    )
    track = models.ForeignKey(
        "catalog.ProcessTrack",
        verbose_name=_("process track"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bundles",
    )
    stage = models.ForeignKey(
        "catalog.Stage",
        verbose_name=_("stage"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bundles",
    )
    region_code = models.CharField(_("region code"), max_length=12, blank=True)
    description = models.TextField(_("description"), blank=True)
    promised_limit = models.PositiveIntegerField(
        _("overall promised limit (working days)"),
        null=True,
        blank=True,
    )
    key_project_factor = models.DecimalField(
        _("key-project factor"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Promised limits are multiplied by it for key projects, rounded up "
            "(高明: 48 × 0.7 → 34)."
        ),
    )
    source = models.CharField(_("source document"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                name="bundle_factor_between_0_and_1",
                condition=Q(key_project_factor__isnull=True)
                | Q(key_project_factor__gt=0, key_project_factor__lte=1),
            )
        ]

    def __str__(self) -> str:
        return self.name


class BundleItem(BaseModel):
    bundle = models.ForeignKey(
        Bundle, verbose_name=_("bundle"), on_delete=models.CASCADE, related_name="items"
    )
    matter = models.ForeignKey(
        "catalog.Matter",
        verbose_name=_("matter"),
        on_delete=models.PROTECT,
        related_name="bundle_items",
    )
    mandatory = models.BooleanField(_("mandatory"), default=True)
    condition = models.JSONField(
        _("applies when"),
        default=dict,
        blank=True,
        help_text=_("Situation condition (safe JSON); empty: always applies."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("bundle item")
        verbose_name_plural = _("bundle items")
        ordering = ["bundle", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "matter"], name="bundle_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bundle} · {self.matter}"


class JointIssuanceRule(BaseModel):
    """Certificates of the bundle are held until ``condition_name`` is met with evidence."""

    bundle = models.ForeignKey(
        Bundle, verbose_name=_("bundle"), on_delete=models.CASCADE, related_name="issuance_rules"
    )
    code = models.SlugField(_("code"), max_length=64)
    condition_name = models.CharField(
        _("condition"), max_length=200, help_text=_("e.g. 取得土地使用权")
    )
    evidence_required = models.CharField(_("evidence required"), max_length=300, blank=True)
    certificate_types = models.ManyToManyField(
        "catalog.CertificateType",
        verbose_name=_("certificates held"),
        blank=True,
        related_name="issuance_rules",
        help_text=_("Empty: every certificate of the bundle is held."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("joint issuance rule")
        verbose_name_plural = _("joint issuance rules")
        ordering = ["bundle", "code"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "code"], name="issuance_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bundle}: {self.condition_name}"
