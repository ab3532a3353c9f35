"""
Demo step: one project per locality, registered by its enterprise's applicant through the
projects services, with the situation answers that make its bundle apply.

Later steps (cases in several states, certificates) build on these projects.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from kaigong.catalog.models import ProcessTrack
from kaigong.demo.data import projects as data
from kaigong.projects.models import Project
from kaigong.projects.services import project_answers_update, project_create

if TYPE_CHECKING:
    from kaigong.demo.loader import DemoContext


def load_projects(context: DemoContext) -> None:
    for item in data.PROJECTS:
        enterprise = context.enterprises[item["enterprise"]]
        if Project.objects.filter(enterprise=enterprise, name=item["name"]).exists():
            continue
        actor = context.users[item["registered_by"]]
        track = item.get("track")
        project = project_create(
            actor=actor,
            enterprise=enterprise,
            name=item["name"],
            region_code=item["region_code"],
            investment_type=item["investment_type"],
            category=item["category"],
            track=ProcessTrack.objects.get(code=track) if track else None,
            address=item["address"],
            land_area=_decimal(item.get("land_area")),
            floor_area=_decimal(item.get("floor_area")),
            total_investment=_decimal(item.get("total_investment")),
            is_key_project=item.get("is_key_project", False),
            key_project_level=item.get("key_project_level", ""),
        )
        project_answers_update(project=project, actor=actor, answers=item["answers"])
        context.count("projects")


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))
