"""The national calendar as the data migration seeds it, for tests that need real holidays."""

import importlib

from kaigong.calendars.models import CalendarYear


def national_calendar_seeded() -> None:
    """
    A test on real commits (``transaction=True``) that ran earlier on the same worker ends
    with a flush, which empties the calendar the migration seeded; run the migration's own
    seed function again then, so a test of real holidays sees them.
    """
    if not CalendarYear.objects.exists():
        from django.apps import apps

        seed_migration = importlib.import_module(
            "kaigong.calendars.migrations.0002_seed_chinesecalendar"
        )
        seed_migration.seed(apps, None)
