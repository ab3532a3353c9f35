"""
The three timeline modes on the small catalogue (see factories.small_catalogue):

    A (10 promised / 20 statutory, pre-approval after 3) ─pre-approval→ B (8 / 15) → D (5 / 6)
    A ─result→ C (5 / 10)

Start Friday 2025-09-26, before the 2025 National Day holiday (1–8 October off; Sunday
28 September and Saturday 11 October are working days). Working day n after the start:
1 = 09-28, 2 = 09-29, 3 = 09-30, 4 = 10-09, 5 = 10-10, 6 = 10-11, 7 = 10-13 … 10 = 10-16,
11 = 10-17, 15 = 10-23, 16 = 10-24, 18 = 10-28, 20 = 10-30, 23 = 11-04, 35 = 11-20,
45 = 12-04, 51 = 12-12.
"""

from datetime import date
from decimal import Decimal

import pytest

from kaigong.projects.guide import project_guide
from kaigong.projects.tests.factories import ProjectFactory, small_catalogue
from kaigong.projects.timeline import build_timeline

START = date(2025, 9, 26)


def _timeline(start=START, factor=None, key=False, actuals=None):
    catalogue = small_catalogue(factor=factor)
    project = ProjectFactory(
        track=catalogue["track"], floor_area=Decimal("20000"), is_key_project=key
    )
    guide = project_guide(project, on=date(2025, 9, 1))
    return build_timeline(
        guide=guide, start=start, region_code=project.region_code, actuals=actuals
    )


def _rows(mode):
    return {t.code: (t.start_offset, t.end_offset, t.start_on, t.end_on) for t in mode.tasks}


@pytest.mark.django_db
def test_serial_baseline_runs_statutory_limits_one_after_another():
    serial = _timeline().modes["serial"]
    assert _rows(serial) == {
        "A": (0, 20, "2025-09-26", "2025-10-30"),
        "B": (20, 35, "2025-10-30", "2025-11-20"),
        "C": (35, 45, "2025-11-20", "2025-12-04"),
        "D": (45, 51, "2025-12-04", "2025-12-12"),
    }
    assert serial.total_days == 51
    assert serial.end_on == "2025-12-12"
    assert serial.critical_path == ["A", "B", "C", "D"]
    assert serial.compression_days == 0


@pytest.mark.django_db
def test_parallel_uses_promised_limits_and_real_dependencies_only():
    parallel = _timeline().modes["parallel"]
    assert _rows(parallel) == {
        "A": (0, 10, "2025-09-26", "2025-10-16"),
        "B": (10, 18, "2025-10-16", "2025-10-28"),
        "C": (10, 15, "2025-10-16", "2025-10-23"),
        "D": (18, 23, "2025-10-28", "2025-11-04"),
    }
    assert parallel.total_days == 23
    assert parallel.end_on == "2025-11-04"
    assert parallel.critical_path == ["A", "B", "D"]
    assert {t.code: t.slack for t in parallel.tasks} == {"A": 0, "B": 0, "C": 8, "D": 0}
    assert (parallel.compression_days, parallel.compression_percent) == (28, 54.9)


@pytest.mark.django_db
def test_pre_approval_lets_the_dependent_start_early():
    mode = _timeline().modes["pre_approval"]
    assert _rows(mode) == {
        "A": (0, 10, "2025-09-26", "2025-10-16"),
        "B": (3, 11, "2025-09-30", "2025-10-17"),
        "C": (10, 15, "2025-10-16", "2025-10-23"),
        "D": (11, 16, "2025-10-17", "2025-10-24"),
    }
    assert mode.total_days == 16
    assert mode.critical_path == ["A", "B", "D"]
    assert (mode.compression_days, mode.compression_percent) == (35, 68.6)
    b = next(t for t in mode.tasks if t.code == "B")
    assert b.early_start_via == ["A"]
    assert "甲事项 → 乙事项 → 丁事项" in mode.summary


@pytest.mark.django_db
def test_key_project_factor_shortens_the_parallel_total():
    # A 7, B ceil(5.6)=6, D ceil(3.5)=4: 17 working days; statutory baseline unchanged
    timeline = _timeline(factor=Decimal("0.7"), key=True)
    assert timeline.modes["parallel"].total_days == 17
    assert timeline.modes["serial"].total_days == 51
    assert timeline.key_project_factors == ["0.70"]


@pytest.mark.django_db
def test_start_in_a_year_without_calendar_is_provisional():
    timeline = _timeline(start=date(2027, 3, 1))
    assert timeline.provisional is True
    assert 2027 in timeline.provisional_years
    assert timeline.modes["parallel"].provisional is True
    # Monday to Friday: 23 working days after Monday 2027-03-01 is Thursday 2027-04-01
    assert timeline.modes["parallel"].end_on == "2027-04-01"


@pytest.mark.django_db
def test_known_year_is_not_provisional():
    assert _timeline().provisional is False


@pytest.mark.django_db
def test_plan_against_actual_reports_variance_in_working_days():
    actuals = {
        "A": {"start_on": date(2025, 9, 26), "end_on": date(2025, 10, 20), "status": "approved"}
    }
    timeline = _timeline(actuals=actuals)
    a = next(t for t in timeline.modes["parallel"].tasks if t.code == "A")
    # planned 10-16 (Thu), actual 10-20 (Mon): 17 and 20 → 2 working days late
    assert (a.actual_end_on, a.variance_days, a.actual_status) == ("2025-10-20", 2, "approved")
    assert timeline.has_actuals is True
