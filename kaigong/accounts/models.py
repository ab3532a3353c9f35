"""
People and organisations: users, departments, service centres, enterprises, memberships.

A ``Membership`` gives a user one role in one scope (roles.py). Everything a user may see
or do is derived from memberships by the selectors and permission functions of each app.
"""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaigong.core.models import BaseModel

from .roles import ROLE_SCOPE, Role, Scope
from .validators import validate_region_code, validate_uscc


def _scope_condition() -> Q:
    """Exactly the scope column of the role is set (enterprise / centre / department / none)."""
    by_scope = {
        Scope.ENTERPRISE: Q(
            enterprise__isnull=False, department__isnull=True, service_center__isnull=True
        ),
        Scope.SERVICE_CENTER: Q(
            enterprise__isnull=True, department__isnull=True, service_center__isnull=False
        ),
        Scope.DEPARTMENT: Q(
            enterprise__isnull=True, department__isnull=False, service_center__isnull=True
        ),
        Scope.PLATFORM: Q(
            enterprise__isnull=True, department__isnull=True, service_center__isnull=True
        ),
    }
    condition = Q()
    for scope, column_rule in by_scope.items():
        roles = sorted(str(r) for r, s in ROLE_SCOPE.items() if s == scope)
        condition |= Q(role__in=roles) & column_rule
    return condition


class User(AbstractUser):
    """A person who logs in. Custom from the first migration, as Django advises."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username


class AdminLevel(models.TextChoices):
    PROVINCE = "province", _("Province")  # 省级
    CITY = "city", _("City")  # 市级
    COUNTY = "county", _("County")  # 县级
    TOWN = "town", _("Town")  # 镇（乡、街道）级
    VILLAGE = "village", _("Village")  # 村（社区）级


class Department(BaseModel):
    """A government body that accepts, reviews or decides matters (审批部门)."""

    code = models.SlugField(
        _("code"),
        max_length=64,
        unique=True,
        help_text=_("Stable key used by the catalogue file, e.g. yinan-zhujian."),
    )
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=AdminLevel.choices)
    region_code = models.CharField(
        _("region code"),
        max_length=12,
        validators=[validate_region_code],
        help_text=_("GB/T 2260 administrative division code."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_uscc],
        help_text=_("Issuer code on certificates."),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceCenter(BaseModel):
    """A government service centre (政务服务中心) with its comprehensive windows."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region_code = models.CharField(
        _("region code"), max_length=12, validators=[validate_region_code]
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("service phone"), max_length=30, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=100, blank=True)
    departments = models.ManyToManyField(
        Department,
        verbose_name=_("departments served"),
        blank=True,
        related_name="service_centers",
        help_text=_("Departments whose matters this centre accepts on authorisation (授权受理)."),
    )

    class Meta:
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return self.name


class Window(BaseModel):
    """One comprehensive window (综合窗口) of a service centre."""

    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("service centre"),
        on_delete=models.CASCADE,
        related_name="windows",
    )
    number = models.CharField(_("window number"), max_length=10)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        ordering = ["service_center", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_center", "number"], name="window_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class CreditStanding(models.TextChoices):
    GOOD = "good", _("Good")  # 守信: may use 容缺 and 告知承诺
    WATCH = "watch", _("Under watch")  # 关注: a commitment lapsed; staff decide case by case
    DISHONEST = (
        "dishonest",
        _("Dishonest"),
    )  # 失信: excluded until credit repair (docs/legal.md#gaocheng-commitment)


class Enterprise(BaseModel):
    """A construction unit (建设单位) or other applicant organisation."""

    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    name = models.CharField(_("name"), max_length=200)
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    credit_standing = models.CharField(
        _("credit standing"),
        max_length=10,
        choices=CreditStanding.choices,
        default=CreditStanding.GOOD,
    )
    registered_by = models.ForeignKey(
        User,
        verbose_name=pgettext_lazy("on behalf", "registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who registered the enterprise, when staff did it on its behalf."),
    )

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    """One role of one user in one scope. The scope column that is set must fit the role."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("service centre"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    is_enterprise_admin = models.BooleanField(
        _("enterprise administrator"),
        default=False,
        help_text=_("May add colleagues to the enterprise and rotate its service code."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                name="membership_scope_fits_role",
                condition=_scope_condition(),
            ),
            # One row per user, role and scope; per scope column, so that SQLite (which
            # has no NULLS NOT DISTINCT) enforces it as PostgreSQL does.
            models.UniqueConstraint(
                fields=["user", "role", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="membership_unique_enterprise",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "department"],
                condition=Q(department__isnull=False),
                name="membership_unique_department",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "service_center"],
                condition=Q(service_center__isnull=False),
                name="membership_unique_service_center",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(
                    enterprise__isnull=True, department__isnull=True, service_center__isnull=True
                ),
                name="membership_unique_platform",
            ),
        ]

    def __str__(self) -> str:
        scope = self.enterprise or self.department or self.service_center or _("platform")
        return f"{self.user} · {self.get_role_display()} · {scope}"
