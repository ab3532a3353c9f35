"""
The plan a case is accepted against (DESIGN §3 projects: "a snapshot is kept when a case is
accepted, for plan-versus-actual").

At acceptance the project's timeline ("一张图") for the case's matters is computed from the
catalogue and the calendar, dated from the acceptance day, and kept on the case. Later the
case page and the timeline compare what happened with what was planned, even after the
catalogue or the calendar change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from kaigong.projects.constants import TimelineMode
from kaigong.projects.guide import project_guide
from kaigong.projects.timeline import build_timeline

if TYPE_CHECKING:
    from kaigong.cases.models import Case


def case_plan_snapshot(
    case: Case,
    *,
    matter_codes: list[str],
    accepted_on: date,
    held_certificate_types: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The parallel plan of ``matter_codes`` from ``accepted_on``, as plain JSON data
    (``held_certificate_types``: the enterprise's, when the caller read them)."""
    guide = project_guide(
        case.project,
        bundle_codes=[case.bundle.code],
        matter_codes=matter_codes,
        on=accepted_on,
        held_certificate_types=held_certificate_types,
    )
    timeline = build_timeline(guide=guide, start=accepted_on, region_code=case.project.region_code)
    plan = timeline.modes[TimelineMode.PARALLEL]
    baseline = timeline.modes[TimelineMode.SERIAL]
    return {
        "mode": TimelineMode.PARALLEL.value,
        "start_on": timeline.start_on,
        "total_days": plan.total_days,
        "end_on": plan.end_on,
        "provisional": plan.provisional,
        "critical_path": plan.critical_path,
        "serial_total_days": baseline.total_days,
        "matters": {
            task.code: {"start_on": task.start_on, "end_on": task.end_on, "days": task.duration}
            for task in plan.tasks
        },
    }
