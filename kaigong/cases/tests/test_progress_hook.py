import pytest

from kaigong.cases.tests.factories import CaseFactory, lifecycle_world
from kaigong.projects.hooks import case_progress

pytestmark = pytest.mark.django_db


def test_projects_read_case_progress_through_the_hook_the_cases_app_registers(monday):
    # given an accepted case
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)

    # when the projects app asks its hook for the project's progress
    rows = case_progress(case.project)

    # then there is one row per item, with the promised due date, the start of the clock
    # and the names (only the names) of the materials handed in
    items = {str(i.public_id): i for i in case.items.all()}
    assert {row["item"] for row in rows} == set(items)
    for row in rows:
        item = items[row["item"]]
        assert row["due_on"] == item.promised_due_on
        assert row["started_on"] == case.accepted_on
        assert row["concluded_on"] is None
        assert row["submitted_materials"] == sorted({m.material.name for m in case.materials.all()})
