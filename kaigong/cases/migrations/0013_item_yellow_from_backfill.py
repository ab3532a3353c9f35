"""Give every item with a due date its first yellow day (the stored warning colour)."""

from django.conf import settings
from django.db import migrations


def backfill(apps, schema_editor):
    # the live calendar functions: the calendar tables are migrated (dependency below), and
    # the item rows are read and written through the historical model
    from kaigong.cases.deadlines import yellow_from

    CaseItem = apps.get_model("cases", "CaseItem")
    default = settings.KAIGONG_WARNING_DAYS_DEFAULT
    rows = CaseItem.objects.filter(promised_due_on__isnull=False).values_list(
        "pk", "promised_due_on", "matter_version__warning_days", "case__project__region_code"
    )
    for pk, due, days, region in rows.iterator():
        code = (region or "")[:6]
        code = code if len(code) == 6 and code.isdigit() else ""
        first = yellow_from(due, default if days is None else days, region_code=code)
        CaseItem.objects.filter(pk=pk).update(yellow_from_on=first)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_item_yellow_from"),
        ("calendars", "0002_seed_chinesecalendar"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
