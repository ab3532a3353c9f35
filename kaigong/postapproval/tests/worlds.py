"""A planner's test world: an issuing catalogue with permits to check, the department's
approver (the planner) and inspector, another city's world for the outsiders, and one check
item in an annual plan."""

from __future__ import annotations

from typing import Any, cast

from kaigong.accounts.models import User
from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import UserFactory
from kaigong.cases.tests.factories import lifecycle_world
from kaigong.certificates.tests.factories import issue, issuing_catalogue
from kaigong.postapproval import services
from kaigong.projects.tests.factories import ProjectFactory


def planner_world(
    *, prefix: str, permits: int, item: dict[str, Any], plan_title: str
) -> dict[str, Any]:
    """``item``: the check item's fields (code, name, basis, ratio_percent, frequency, method)."""
    catalogue = issuing_catalogue()
    department = catalogue.department
    for _ in range(permits):
        issue(catalogue, project=ProjectFactory(region_code="371321"))
    head = cast(User, UserFactory(username=f"{prefix}-head"))
    membership_grant(user=head, role=Role.APPROVER, department=department)
    inspector = cast(User, UserFactory(username=f"{prefix}-insp"))
    membership_grant(user=inspector, role=Role.INSPECTOR, department=department)
    weifang = lifecycle_world(
        prefix="WF",
        centre_name="潍坊市政务服务中心",
        centre_region="370700",
        project_region="370702",
    )
    check_item = services.check_item_create(
        actor=head,
        department=department,
        object_type="project",
        matter_code=catalogue.single.matter.code,
        **item,
    )
    plan = services.plan_create(
        actor=head, department=department, year=2026, title=plan_title, items=[check_item]
    )
    return {
        "catalogue": catalogue,
        "head": head,
        "inspector": inspector,
        "weifang": weifang,
        "item": check_item,
        "plan": plan,
    }
