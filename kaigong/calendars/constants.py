"""Choices and limits of the working-day calendar (docs/legal.md#holiday-notice)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

NATIONAL = ""  # region_code of the national calendar (State Council notices)

# Years a calendar or a due date may refer to; anything outside is a typing error.
MIN_YEAR = 2000
MAX_YEAR = 2100

# Largest limit a due date may be asked for (ten years of working days is already absurd).
MAX_DAYS = 3650

NOTICE_FORMAT = "kaigong-calendar-notice/1"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday")  # a weekday off by the State Council notice
    ADJUSTED_WORKDAY = "adjusted_workday", _("Adjusted working day")  # 调休上班: a weekend worked
    IN_LIEU = "in_lieu", _("Day off in lieu")  # 调休休息: a weekday off, swapped for a weekend
    LOCAL = "local", _("Local arrangement")  # a region's own day (minority festival, art. 4)


class YearOrigin(models.TextChoices):
    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar package")  # seeded at deploy time
    NOTICE_FILE = "notice_file", _("Imported notice file")  # calendar_notice_import


class ErrorCode(models.TextChoices):
    INVALID_NOTICE = "invalid_notice", _("The notice file is not valid")  # validation failed
    CALENDAR_YEAR_EXISTS = "calendar_year_exists", _("The year is already imported")  # no replace
    MISSING_PARAMETER = "missing_parameter", _("A parameter is missing")  # API query
    INVALID_DATE = "invalid_date", _("Not a valid date")  # API query / selector
    INVALID_DAYS = "invalid_days", _("Not a valid number of days")  # API query / selector
    INVALID_REGION = "invalid_region", _("Not a valid region code")  # API query / selector
    INVALID_BOOLEAN = "invalid_boolean", _("Not true or false")  # API query
