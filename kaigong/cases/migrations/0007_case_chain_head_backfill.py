"""Give every existing case the head and count of the history it already has."""

from django.db import migrations
from django.db.models import Count, Max


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    stats = CaseEvent.objects.values("case_id").annotate(count=Count("id"), last=Max("seq"))
    for row in stats.iterator():
        head = (
            CaseEvent.objects.filter(case_id=row["case_id"], seq=row["last"])
            .values_list("hash", flat=True)
            .first()
        )
        Case.objects.filter(pk=row["case_id"]).update(event_count=row["count"], chain_head=head)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_case_chain_head")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
