from datetime import date, timedelta

import pytest

from kaigong.cases.constants import ItemStatus, WarningColour
from kaigong.cases.models import CaseItem
from kaigong.cases.selectors import (
    case_item_progress,
    case_list_correction_notice_due,
    case_list_for_project,
    case_list_visible_to,
    case_queue,
    item_list_overdue,
    item_worklist,
    submitted_material_get_for,
)
from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world
from kaigong.core.exceptions import NotFound

pytestmark = pytest.mark.django_db


def test_drafts_are_visible_to_the_enterprise_only(monday):
    world = lifecycle_world()
    draft = CaseFactory(world=world)
    assert list(case_list_visible_to(world.applicant)) == [draft]
    assert list(case_list_visible_to(world.helper)) == [draft]
    for name in ("clerk", "supervisor", "stranger", "reviewer1"):
        assert list(case_list_visible_to(world.users[name])) == []


def test_queue_is_in_arrival_order_with_the_art32_warning(monday):
    world = lifecycle_world()
    first = CaseFactory(world=world, submitted=True)
    monday.shift(timedelta(days=4))  # Friday 6 March
    second = CaseFactory(world=world, submitted=True)
    queue = list(case_queue(world.clerk))
    assert queue == [first, second]
    assert queue[0].notice_warning == WarningColour.YELLOW  # due Monday 9 March
    assert queue[1].notice_warning == WarningColour.GREEN
    assert list(case_list_correction_notice_due(world.clerk)) == [first]
    assert list(case_queue(world.other_clerk)) == []
    monday.shift(timedelta(days=4))  # Tuesday 10 March
    assert case_queue(world.clerk).get(pk=first.pk).notice_warning == WarningColour.RED


def test_worklist_orders_by_due_date_and_colours_each_item(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True, with_optional=True)
    items = list(item_worklist(world.reviewer1))
    assert [i.matter_version.matter.code for i in items] == ["M1"]
    all_items = list(item_worklist(world.supervisor))
    assert [i.matter_version.matter.code for i in all_items] == ["M3", "M1", "M2"]
    assert {i.warning for i in all_items} == {WarningColour.GREEN}
    # Thursday 5 March: M3 due today → yellow; M1/M2 due Monday 9 → yellow (2 WD left)
    on = date(2026, 3, 5)
    assert {
        i.matter_version.matter.code
        for i in item_worklist(world.supervisor, warning="yellow", on=on)
    } == {
        "M1",
        "M2",
        "M3",
    }
    on = date(2026, 3, 6)
    red = item_worklist(world.supervisor, warning="red", on=on)
    assert [i.matter_version.matter.code for i in red] == ["M3"]
    assert list(item_list_overdue(world.supervisor, on=on)) == [item_of(case, "M3")]
    assert list(item_worklist(world.supervisor, department=world.departments[1].code)) == [
        item_of(case, "M2")
    ]
    assert list(item_worklist(world.supervisor, status=ItemStatus.PAUSED)) == []


def test_overdue_leaves_out_decided_items(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, issued=True)
    assert CaseItem.objects.filter(case=case, status=ItemStatus.APPROVED).count() == 2
    assert list(item_list_overdue(world.supervisor, on=date(2027, 1, 1))) == []


def test_progress_for_the_tracking_page(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)
    rows = case_item_progress(case)
    assert [r["matter_code"] for r in rows] == ["M1", "M2"]
    assert rows[0]["status"] == "in_review"
    assert rows[0]["warning"] == "green"
    assert rows[0]["next_step"]
    assert list(case_list_for_project(world.project)) == [case]


def test_materials_open_only_for_those_who_need_them(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)
    contract = case.materials.get(material__code="m-contract", is_current=True)
    assert submitted_material_get_for(world.applicant, contract.public_id) == contract
    assert submitted_material_get_for(world.reviewer2, contract.public_id) == contract
    with pytest.raises(NotFound):
        submitted_material_get_for(world.reviewer1, contract.public_id)  # M1 does not need it
    with pytest.raises(NotFound):
        submitted_material_get_for(world.stranger, contract.public_id)
    with pytest.raises(NotFound):
        submitted_material_get_for(world.applicant, "not-a-uuid")


def test_a_supervisor_sees_every_item_and_other_staff_only_theirs(monday):
    from kaigong.cases.selectors import item_list_visible_to

    world = lifecycle_world()
    first = CaseFactory(world=world, accepted=True, with_optional=True)
    second = CaseFactory(world=world, accepted=True)
    CaseFactory(world=world)  # a draft has no items yet
    every = set(CaseItem.objects.values_list("pk", flat=True))
    assert len(every) == 5
    assert set(item_list_visible_to(world.supervisor).values_list("pk", flat=True)) == every
    mine = set(item_list_visible_to(world.reviewer1).values_list("pk", flat=True))
    assert mine == {item_of(first, "M1").pk, item_of(second, "M1").pk}
    assert set(item_list_visible_to(world.stranger).values_list("pk", flat=True)) == set()


def _two_regions(first_holiday: str, last_holiday: str, **state):
    """
    Two cases in ``state`` of one world: one in 371321, which gets holidays of its own from
    ``first_holiday`` to ``last_holiday``, and one in a region on the national calendar.
    """
    from kaigong.calendars.services import calendar_notice_import
    from kaigong.calendars.tests.factories import regional_notice
    from kaigong.cases.models import Case
    from kaigong.projects.tests.factories import ProjectFactory

    world = lifecycle_world()
    local = CaseFactory(world=world, **state)
    elsewhere = CaseFactory(world=world, **state)
    Case.objects.filter(pk=elsewhere.pk).update(
        project=ProjectFactory(enterprise=world.enterprise, region_code="110105")
    )
    notice = regional_notice("371321")
    notice["holidays"] = [{"name": "测试节", "start": first_holiday, "end": last_holiday}]
    calendar_notice_import(notice=notice, actor=None)
    return world, local, elsewhere


def test_warning_colours_count_the_working_days_of_the_project_region(monday):
    """Local holidays move the yellow line as they move due dates (deadlines.region_of)."""
    from kaigong.cases.deadlines import region_of, yellow_from
    from kaigong.cases.selectors import case_item_progress

    world, local, elsewhere = _two_regions("2026-03-03", "2026-03-04", accepted=True)
    # seen on Monday 2 March with 2 warning days: yellow up to Wednesday 4 March nationally,
    # up to Friday 6 March in 371321 (Tuesday and Wednesday are its holidays)
    due = date(2026, 3, 5)
    for item in CaseItem.objects.select_related("case__project"):
        # the due date and its first yellow day, stored together as the services store them
        first = yellow_from(due, 2, region_code=region_of(item.case))
        CaseItem.objects.filter(pk=item.pk).update(promised_due_on=due, yellow_from_on=first)
    assert set(CaseItem.objects.values_list("case_id", "yellow_from_on")) == {
        # Saturday 28 February: 2 working days to Thursday 5 March (Monday, then Thursday:
        # Tuesday and Wednesday are holidays there); that Saturday is itself a working day
        # (调休 of the 2026 Spring Festival), so on Friday 27 it was still green
        (local.pk, date(2026, 2, 28)),
        (elsewhere.pk, date(2026, 3, 3)),  # Tuesday: Wednesday, Thursday
    }
    on = date(2026, 3, 2)
    colours = {
        (item.case_id, item.matter_version.matter.code): item.warning
        for item in item_worklist(world.supervisor, on=on)
    }
    assert colours == {
        (local.pk, "M1"): WarningColour.YELLOW,
        (local.pk, "M2"): WarningColour.YELLOW,
        (elsewhere.pk, "M1"): WarningColour.GREEN,
        (elsewhere.pk, "M2"): WarningColour.GREEN,
    }
    yellow = item_worklist(world.supervisor, warning="yellow", on=on)
    assert {i.case_id for i in yellow} == {local.pk}
    green = item_worklist(world.supervisor, warning="green", on=on)
    assert {i.case_id for i in green} == {elsewhere.pk}
    assert {row["warning"] for row in case_item_progress(local, on=on)} == {WarningColour.YELLOW}
    elsewhere.refresh_from_db()
    assert {row["warning"] for row in case_item_progress(elsewhere, on=on)} == {WarningColour.GREEN}


def test_the_queue_warns_in_the_working_days_of_the_project_region(monday):
    from kaigong.cases.models import Case

    world, local, elsewhere = _two_regions("2026-03-10", "2026-03-10", submitted=True)
    # both notices fall due on Wednesday 11 March; seen on Monday 9 March one working day
    # ahead is Tuesday 10 nationally, Wednesday 11 in 371321 (Tuesday is its holiday)
    Case.objects.update(correction_notice_due_on=date(2026, 3, 11))
    queue = {case.pk: case.notice_warning for case in case_queue(world.clerk, on=date(2026, 3, 9))}
    assert queue == {local.pk: WarningColour.YELLOW, elsewhere.pk: WarningColour.GREEN}


def test_the_colour_filters_keep_every_item_across_warning_settings(monday):
    """
    The green and yellow filters bound the due date by the span of the yellow thresholds in
    use (a perf bound, warning_colours.yellow_due_span); no item of either colour is lost
    at either end of that span, whatever its matter's own setting.
    """
    from kaigong.cases.deadlines import yellow_from
    from kaigong.cases.warning_colours import yellow_due_span
    from kaigong.catalog.models import MatterVersion

    world = lifecycle_world()
    MatterVersion.objects.filter(matter__code="M1").update(warning_days=1)
    MatterVersion.objects.filter(matter__code="M2").update(warning_days=5)
    # M3 keeps the default of 2 working days (KAIGONG_WARNING_DAYS_DEFAULT)
    days = {"M1": 1, "M2": 5, "M3": 2}
    dues = [date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 6), date(2026, 3, 10)]
    for due in dues:
        case = CaseFactory(world=world, accepted=True, with_optional=True)
        for code, n in days.items():
            item = item_of(case, code)
            CaseItem.objects.filter(pk=item.pk).update(
                promised_due_on=due, yellow_from_on=yellow_from(due, n)
            )
    on = date(2026, 3, 2)  # Monday
    # 1 working day: Tuesday 3; 2: Wednesday 4; 5: Monday 9 March
    assert yellow_due_span(on) == (date(2026, 3, 3), date(2026, 3, 9))

    def listed(colour):
        return {
            (i.promised_due_on.day, i.matter_version.matter.code)
            for i in item_worklist(world.supervisor, warning=colour, on=on)
        }

    assert listed("yellow") == {
        (3, "M1"), (3, "M2"), (3, "M3"),  # due tomorrow: yellow under every setting
        (4, "M2"), (4, "M3"),  # Wednesday: within 2 and 5 working days, not within 1
        (6, "M2"),  # Friday: only within 5
    }  # fmt: skip
    assert listed("green") == {
        (4, "M1"),
        (6, "M1"), (6, "M3"),
        (10, "M1"), (10, "M2"), (10, "M3"),
    }  # fmt: skip
