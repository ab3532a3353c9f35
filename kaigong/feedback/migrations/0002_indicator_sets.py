from django.db import migrations


def seed(apps, schema_editor):
    from kaigong.feedback.indicators import LOCAL_SETS, NATIONAL_SETS

    IndicatorSet = apps.get_model("feedback", "IndicatorSet")
    for row in NATIONAL_SETS + LOCAL_SETS:
        IndicatorSet.objects.get_or_create(
            code=row["code"], version=row["version"], defaults={k: v for k, v in row.items()}
        )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_feedback")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
