"""
Migration cases 0015 copies the cases app's old credit records into kaigong.credit's
``CreditRecord`` (then 0016 removes the old model). The old table is built here from the
migration state, filled, and the migration's copy function run on it.
"""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime

from django.db import connection
from django.db.migrations.loader import MigrationLoader

import pytest
import time_machine

from kaigong.cases.tests.conftest import MONDAY
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world
from kaigong.credit.models import CreditRecord

migration = importlib.import_module("kaigong.cases.migrations.0015_credit_records_to_credit")


@pytest.fixture
def old_apps():
    """The app registry as of cases 0015 (``cases.CreditRecord`` still in it), its table made."""
    state = MigrationLoader(connection).project_state(("cases", "0015_credit_records_to_credit"))
    apps = state.apps
    old = apps.get_model("cases", "CreditRecord")
    with connection.schema_editor() as editor:
        editor.create_model(old)
    try:
        yield apps
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(old)


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_every_old_credit_record(old_apps):
    with time_machine.travel(MONDAY, tick=False):
        world = lifecycle_world()
        case = CaseFactory(world=world, accepted=True)
    Old = old_apps.get_model("cases", "CreditRecord")
    Commitment = old_apps.get_model("cases", "Commitment")
    commitment = Commitment.objects.create(
        case_id=case.pk,
        kind="deferral",
        text="承诺补齐",
        text_hash="0" * 64,
        signer_name="张三",
        signed_at=datetime(2026, 2, 20, 2, 0, tzinfo=UTC),
        material_codes=["m-drawings"],
        due_on=date(2026, 3, 1),
        status="breached",
        settled_at=datetime(2026, 3, 1, 17, 0, tzinfo=UTC),
        recorded_by_id=world.clerk.pk,
    )
    # 17:00 UTC on 1 March is 2 March in Beijing: the record is dated by the local day
    lapsed_at = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
    lapsed = Old.objects.create(
        enterprise_id=world.enterprise.pk,
        kind="commitment_lapsed",
        case_id=case.pk,
        commitment=commitment,
        at=lapsed_at,
        created_at=lapsed_at,
        note="容缺材料逾期未补",
    )
    false_at = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)
    false = Old.objects.create(
        enterprise_id=world.enterprise.pk,
        kind="false_commitment",
        at=false_at,
        created_at=false_at,
        note="",
    )

    assert migration.copy_credit_records(old_apps) == Old.objects.count()

    first_department = case.items.order_by("order", "id").first().department
    copied = {r.public_id: r for r in CreditRecord.objects.all()}
    assert set(copied) == {lapsed.public_id, false.public_id}
    one, two = copied[lapsed.public_id], copied[false.public_id]
    # the lapsed 容缺 commitment: watch, its note, the case's department, the local date
    assert (one.list_kind, one.level, one.source, one.subject_kind) == (
        "black",
        "watch",
        "system",
        "enterprise",
    )
    assert one.enterprise_id == world.enterprise.pk
    assert one.reason == lapsed.note
    assert (one.authority, one.authority_name) == (first_department, first_department.name)
    assert one.decided_on == one.listed_on == migration.timezone.localtime(lapsed_at).date()
    assert one.decided_on != lapsed_at.date()
    assert one.created_at == lapsed_at
    assert one.expires_on == migration.add_months(one.decided_on, 3)
    assert one.source_reference == f"cases.commitment:{commitment.public_id}"
    assert one.basis == "申请人签署的承诺书（容缺受理承诺书／告知承诺书）"
    # the false 告知承诺 without a case: general, its kind as the reason, Kaigong the authority
    assert (two.level, two.reason, two.authority, two.authority_name) == (
        "general",
        "承诺核查不实",
        None,
        "开工平台",
    )
    assert two.expires_on == migration.add_months(two.decided_on, 12)
    assert two.source_reference == f"cases.creditrecord:{false.public_id}"

    # run again (or after the breach path wrote its own record): nothing copied twice
    assert migration.copy_credit_records(old_apps) == 0
    assert CreditRecord.objects.count() == 2
