"""
ItemMetric's pages half empty on PostgreSQL (fillfactor 50), so that the daily
``metrics_advance`` — one UPDATE of every open row — writes each new row version on its own
page (a HOT update: no index touched) instead of a new page and five index entries.

perf: at 200,000 items the advance took 6.2–7.7 s, 1.4–1.7 s with the pages half empty
(issue #11; docs/benchmarks.md); the table takes about twice the disk. Pages already full
keep their fill until rewritten (the backfill's DELETE and COPY, or VACUUM FULL). Nothing
on other databases.
"""

from django.db import migrations


def fillfactor(value: int):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE supervision_itemmetric SET (fillfactor = {int(value)})"
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [("supervision", "0003_step_signal_thresholds_active")]

    operations = [migrations.RunPython(fillfactor(50), fillfactor(100))]
