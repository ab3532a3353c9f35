"""
Fold the cases app's credit records (``cases.CreditRecord``: a lapsed 容缺 or a false 告知承诺
commitment) into kaigong.credit's ``CreditRecord``, the one record the credit gates cite.

Every old row becomes a black-list record on its enterprise: its public id, when it was
made (decided and listed on its date), its note as the reason, the department of the
case's first item as the authority, the commitment as the basis, source "Kaigong's own
rule" and the commitment as the source reference. Kinds map to levels: a lapsed 容缺
commitment → 关注 (watch), a false 告知承诺 → 一般失信 (general) (docs/credit.md). A row whose
commitment already wrote its credit record (the breach path wrote both) is not copied again.
The next migration removes ``cases.CreditRecord``.
"""

from datetime import date

from django.db import migrations
from django.utils import timezone, translation
from django.utils.translation import gettext

# rule: a false 告知承诺 is dishonesty; a lapsed 容缺 period puts the enterprise under watch
# (docs/legal.md#gaocheng-commitment, docs/legal.md#rongque)
KIND_LEVELS = {"commitment_lapsed": "watch", "false_commitment": "general"}
KIND_REASONS = {
    "commitment_lapsed": "Commitment lapsed",
    "false_commitment": "Commitment failed verification",
}
# rule: 关注 3 months, 一般失信 1 year (docs/legal.md#credit-repair; credit.services.DEFAULT_MONTHS)
LEVEL_MONTHS = {"watch": 3, "general": 12}
BASIS = "Commitment signed by the applicant (容缺受理承诺书 / 告知承诺书)"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def source_reference(row) -> str:
    if row.commitment_id is not None:
        return f"cases.commitment:{row.commitment.public_id}"
    return f"cases.creditrecord:{row.public_id}"


def copy_credit_records(apps, schema_editor=None) -> int:
    """Copy every ``cases.CreditRecord`` into ``credit.CreditRecord``; return how many."""
    Old = apps.get_model("cases", "CreditRecord")
    New = apps.get_model("credit", "CreditRecord")
    CaseItem = apps.get_model("cases", "CaseItem")
    copied = 0
    with translation.override("zh-hans"):
        basis = gettext(BASIS)
        kaigong = gettext("Kaigong")
        for row in Old.objects.select_related("commitment").order_by("id"):
            reference = source_reference(row)
            if New.objects.filter(source_reference=reference).exists():
                continue
            level = KIND_LEVELS.get(row.kind, "general")
            day = timezone.localtime(row.at).date() if timezone.is_aware(row.at) else row.at.date()
            first = (
                CaseItem.objects.filter(case_id=row.case_id)
                .select_related("department")
                .order_by("order", "id")
                .first()
                if row.case_id
                else None
            )
            authority = first.department if first else None
            New.objects.create(
                public_id=row.public_id,
                created_at=row.created_at,
                subject_kind="enterprise",
                enterprise_id=row.enterprise_id,
                list_kind="black",
                level=level,
                reason=(row.note or gettext(KIND_REASONS.get(row.kind, row.kind)))[:2000],
                authority=authority,
                authority_name=(authority.name if authority else kaigong)[:100],
                basis=basis[:300],
                decided_on=day,
                listed_on=day,
                expires_on=add_months(day, LEVEL_MONTHS[level]),
                source="system",
                source_reference=reference[:200],
                status="active",
            )
            copied += 1
    return copied


def forwards(apps, schema_editor):
    copy_credit_records(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_case_accepted_window"),
        ("credit", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
