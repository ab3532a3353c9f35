"""
Data: every year the chinesecalendar package knows (2004–2026 for 1.11.0), national.

Reversible: the reverse removes the years this migration seeded (origin "chinesecalendar").
Bulk inserts keep it fast, because it runs in every test database set-up.
"""

import uuid

from django.db import migrations
from django.utils import timezone

from kaigong.calendars.seed import seed_years, year_rows, year_source


def seed(apps, schema_editor):
    CalendarYear = apps.get_model("calendars", "CalendarYear")
    CalendarDay = apps.get_model("calendars", "CalendarDay")
    CalendarVersion = apps.get_model("calendars", "CalendarVersion")
    now = timezone.now()
    existing = set(CalendarYear.objects.filter(region_code="").values_list("year", flat=True))
    years = [
        CalendarYear(
            region_code="",
            year=year,
            origin="chinesecalendar",
            imported_at=now,
            created_at=now,
            **year_source(year),
        )
        for year in seed_years()
        if year not in existing
    ]
    CalendarYear.objects.bulk_create(years)
    by_year = {
        row.year: row
        for row in CalendarYear.objects.filter(region_code="", year__in=[y.year for y in years])
    }
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(calendar_year=by_year[year], region_code="", created_at=now, **row)
            for year in by_year
            for row in year_rows(year)
        ],
        batch_size=500,
    )
    CalendarVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4(), "changed_at": now})


def unseed(apps, schema_editor):
    CalendarYear = apps.get_model("calendars", "CalendarYear")
    CalendarVersion = apps.get_model("calendars", "CalendarVersion")
    CalendarYear.objects.filter(region_code="", origin="chinesecalendar").delete()
    CalendarVersion.objects.update_or_create(
        pk=1, defaults={"token": uuid.uuid4(), "changed_at": timezone.now()}
    )


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
