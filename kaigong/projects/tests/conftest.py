import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    ServiceCenterFactory,
    user_with_role,
)
from kaigong.projects.tests.factories import ProjectFactory


@pytest.fixture
def world(db):
    """An enterprise with an admin applicant and a project, and one user per other role."""
    enterprise = EnterpriseFactory()
    applicant = MembershipFactory(
        role=Role.APPLICANT, enterprise=enterprise, is_enterprise_admin=True
    ).user
    colleague = MembershipFactory(role=Role.APPLICANT, enterprise=enterprise).user
    project = ProjectFactory(enterprise=enterprise)  # in 潍坊 (370702)
    centre = ServiceCenterFactory(region_code="370700")  # 潍坊市: the project's jurisdiction
    helper = user_with_role(Role.HELPER, service_center=centre)
    project.helpers.add(helper)
    return {
        "enterprise": enterprise,
        "project": project,
        "applicant": applicant,
        "colleague": colleague,
        "other_applicant": user_with_role(Role.APPLICANT),
        "helper": helper,
        "other_helper": user_with_role(Role.HELPER),
        "window_clerk": user_with_role(Role.WINDOW_CLERK, service_center=centre),
        "outside_clerk": user_with_role(Role.WINDOW_CLERK),  # 沂南 (371321)
        "supervisor": user_with_role(Role.SUPERVISOR),
        "reviewer": user_with_role(Role.REVIEWER),
        "approver": user_with_role(Role.APPROVER),
        "inspector": user_with_role(Role.INSPECTOR),
        "catalog_admin": user_with_role(Role.CATALOG_ADMIN),
    }


SEES = ["applicant", "colleague", "helper", "window_clerk", "supervisor"]
BLIND = ["other_applicant", "other_helper", "reviewer", "approver", "inspector", "catalog_admin"]
