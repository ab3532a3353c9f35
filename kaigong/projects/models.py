"""
Projects (工程建设项目) and their service codes (服务专码).

A ``Project`` belongs to one enterprise; its attributes and its situation answers (情形)
decide which matters, materials and fields of the catalogue apply (guide.py), and how
long the whole thing takes (timeline.py). A ``ServiceCode`` is the unguessable token of
the public tracking page: one current code per enterprise (一企一码) and per project
(一项一码); rotating it retires the old one, which then resolves to nothing.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.validators import validate_region_code
from kaigong.catalog.constants import InvestmentType
from kaigong.core.models import BaseModel

from .constants import KeyProjectLevel, ProjectCategory, ServiceCodeScope
from .validators import validate_investment_project_code


class Project(BaseModel):
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    name = models.CharField(_("name"), max_length=200)
    investment_project_code = models.CharField(
        _("investment project code"),
        max_length=24,
        blank=True,
        validators=[validate_investment_project_code],
        help_text=_("投资项目代码 from the investment platform, where the project has one."),
    )
    investment_type = models.CharField(
        _("investment type"),
        max_length=12,
        choices=[c for c in InvestmentType.choices if c[0] != InvestmentType.ANY],
        default=InvestmentType.SOCIAL,
    )
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=ProjectCategory.choices,
        default=ProjectCategory.CIVIL_BUILDING,
    )
    track = models.ForeignKey(
        "catalog.ProcessTrack",
        verbose_name=_("process track"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    region_code = models.CharField(
        _("region code"),
        max_length=12,
        validators=[validate_region_code],
        help_text=_("GB/T 2260 code of the county where the project is built."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    # the site fence of every site inspection of the project (kaigong/projects/geofence.py)
    site_radius_m = models.PositiveIntegerField(_("site radius (m)"), default=300)
    red_line = models.JSONField(
        _("red line (polygon of [latitude, longitude])"), default=list, blank=True
    )
    land_area = models.DecimalField(
        _("land area (m²)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    total_investment = models.DecimalField(
        _("total investment (10 000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    is_key_project = models.BooleanField(
        _("key project"),
        default=False,
        help_text=_("重点项目: promised limits are shortened by the bundle's factor."),
    )
    key_project_level = models.CharField(
        _("key-project level"),
        max_length=10,
        choices=KeyProjectLevel.choices,
        blank=True,
        default=KeyProjectLevel.NONE,
    )
    answers = models.JSONField(
        _("situation answers"),
        default=dict,
        blank=True,
        help_text=_("Question code → answer (情形引导)."),
    )
    helpers = models.ManyToManyField(
        "accounts.User",
        verbose_name=_("assigned helpers"),
        blank=True,
        related_name="helped_projects",
        help_text=_("帮办代办员 who act on this project."),
    )
    registered_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="project_coordinates_both_or_neither",
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
            ),
            models.CheckConstraint(
                name="project_latitude_range",
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
            ),
            models.CheckConstraint(
                name="project_longitude_range",
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
            ),
            models.CheckConstraint(
                name="project_key_level_only_for_key_projects",
                condition=Q(is_key_project=True) | Q(key_project_level=""),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceCode(BaseModel):
    """
    A token that opens the public tracking page (服务专码). Only the active one resolves.

    The token carries at least 192 random bits (``secrets.token_urlsafe(24)``).
    """

    scope = models.CharField(_("scope"), max_length=10, choices=ServiceCodeScope.choices)
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="service_codes",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="service_codes",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    rotated_at = models.DateTimeField(
        _("rotated at"), null=True, blank=True, help_text=_("When a new code replaced this one.")
    )
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("service code")
        verbose_name_plural = _("service codes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="service_code_scope_fits_project",
                condition=Q(scope=ServiceCodeScope.ENTERPRISE, project__isnull=True)
                | Q(scope=ServiceCodeScope.PROJECT, project__isnull=False),
            ),
            models.CheckConstraint(
                name="service_code_inactive_has_rotated_at",
                condition=Q(is_active=True, rotated_at__isnull=True)
                | Q(is_active=False, rotated_at__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(is_active=True, scope=ServiceCodeScope.ENTERPRISE),
                name="service_code_one_active_per_enterprise",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(is_active=True, scope=ServiceCodeScope.PROJECT),
                name="service_code_one_active_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.project or self.enterprise}"
