import datetime as dt

import pytest

from kaigong.cases.tests.factories import CaseFactory, lifecycle_world

pytestmark = pytest.mark.django_db


def test_acceptance_keeps_the_plan_of_every_matter_from_the_acceptance_day(monday):
    # given a case accepted on Monday 2026-03-02
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)

    # then its plan lists each item's matter, dated from the acceptance day
    plan = case.plan_snapshot
    items = list(case.items.select_related("matter_version__matter"))
    assert set(plan["matters"]) == {i.matter_version.matter.code for i in items}
    assert plan["start_on"] == case.accepted_on.isoformat() == "2026-03-02"
    assert plan["mode"] == "parallel"
    # and in the parallel plan each matter takes its promised limit in working days
    for item in items:
        planned = plan["matters"][item.matter_version.matter.code]
        assert planned["days"] == item.matter_version.promised_limit
        assert dt.date.fromisoformat(planned["end_on"]) >= dt.date.fromisoformat(
            planned["start_on"]
        )
    assert plan["total_days"] >= max(planned["days"] for planned in plan["matters"].values())
    assert set(plan["critical_path"]) <= set(plan["matters"])
    assert plan["critical_path"] != []
    assert plan["serial_total_days"] >= plan["total_days"]


def test_a_draft_has_no_plan_yet(monday):
    case = CaseFactory(world=lifecycle_world())

    assert case.plan_snapshot == {}
