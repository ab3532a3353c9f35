"""
The working-day calendar as data: only the exceptions to Monday–Friday.

A ``CalendarYear`` is one published arrangement (国务院办公厅关于YYYY年部分节假日安排的通知, or a
region's own notice) with its source; its ``CalendarDay`` rows are the weekdays off and the
weekends worked. A year with no national ``CalendarYear`` is "unknown": due dates that reach
it are computed Monday–Friday and flagged provisional (DESIGN.md §5).

Rows are written only by ``kaigong.calendars.services`` (seed and notice import), which also
bump ``CalendarVersion`` so that cached calendars are never stale.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaigong.core.models import BaseModel

from .constants import MAX_YEAR, MIN_YEAR, DayKind, YearOrigin

region_code_validator = RegexValidator(
    r"^(\d{6})?$", _("A region code is six digits (GB/T 2260), or empty for national.")
)


class CalendarYear(BaseModel):
    """One year's published arrangement for the nation (region "") or one region."""

    region_code = models.CharField(
        _("region code"),
        max_length=6,
        blank=True,
        default="",
        validators=[region_code_validator],
        help_text=_("Empty for the national calendar; a GB/T 2260 code for a regional one."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    notice_number = models.CharField(
        _("notice number"),
        max_length=100,
        blank=True,
        help_text=_("Document number of the notice, e.g. 国办发明电〔2025〕7号."),
    )
    title = models.CharField(_("title"), max_length=300)
    source_url = models.CharField(
        _("source URL"),
        max_length=500,
        blank=True,
        help_text=_("Where the notice was published (text, not followed by the system)."),
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    origin = models.CharField(
        _("origin"), max_length=20, choices=YearOrigin.choices, default=YearOrigin.NOTICE_FILE
    )
    note = models.TextField(_("note"), blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["region_code", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year"], name="calendar_year_unique_region_year"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=MIN_YEAR) & models.Q(year__lte=MAX_YEAR),
                name="calendar_year_sane_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region_code or '全国'}"


class CalendarDay(BaseModel):
    """A day that differs from Monday–Friday: a weekday off or a weekend worked."""

    calendar_year = models.ForeignKey(
        CalendarYear,
        verbose_name=_("calendar year"),
        on_delete=models.CASCADE,
        related_name="days",
    )
    region_code = models.CharField(
        _("region code"),
        max_length=6,
        blank=True,
        default="",
        validators=[region_code_validator],
        help_text=_("Copied from the calendar year so that a date is unique per region."),
    )
    date = models.DateField(_("date"))
    is_workday = models.BooleanField(_("is a working day"))
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Festival or reason, e.g. 春节, 春节调休上班.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["region_code", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "date"], name="calendar_day_unique_region_date"
            ),
            models.CheckConstraint(
                name="calendar_day_kind_matches_workday",
                condition=models.Q(kind=DayKind.ADJUSTED_WORKDAY, is_workday=True)
                | models.Q(kind__in=[DayKind.HOLIDAY, DayKind.IN_LIEU], is_workday=False)
                | models.Q(kind=DayKind.LOCAL),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class CalendarVersion(models.Model):
    """
    A single row whose token changes on every calendar write.

    Cached calendars are keyed by this token: a write (or a rolled-back write) can never
    leave a stale calendar behind, in any process.
    """

    token = models.UUIDField(pgettext_lazy("version", "token"), default=uuid.uuid4)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar version")
        verbose_name_plural = _("calendar versions")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.token)
