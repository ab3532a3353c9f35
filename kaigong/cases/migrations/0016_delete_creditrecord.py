# The credit records now live in kaigong.credit (0015 copied them).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_credit_records_to_credit"),
    ]

    operations = [migrations.DeleteModel(name="CreditRecord")]
