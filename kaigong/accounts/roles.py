"""
The roles of the platform (DESIGN.md §3, §7), one enum, each with its scope.

A user holds a role through a ``Membership``. The scope says which object the role is
held for: an applicant acts for an enterprise, a clerk at a service centre, a reviewer in
a department. Supervisors and catalogue keepers act platform-wide.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")  # acts for an enterprise (建设单位经办人)
    HELPER = "helper", _("Helper")  # 帮办代办员 of a service centre, acts on assigned projects
    WINDOW_CLERK = "window_clerk", _("Window clerk")  # 综合窗口: receives, checks, accepts
    REVIEWER = "reviewer", _("Reviewer")  # 审查: writes the department's opinion
    APPROVER = "approver", _("Approver")  # 决定: decides for the department
    INSPECTOR = "inspector", _("Inspector")  # 踏勘: inspects on site; never decides
    SUPERVISOR = "supervisor", _("Supervisor")  # 效能监察: sees everything, read-only
    CATALOG_ADMIN = "catalog_admin", _("Catalogue keeper")  # 事项管理: keeps the catalogue
    # 中心管理员: manages the staff accounts, roles and scopes of one service centre
    CENTRE_ADMIN = "centre_admin", _("Centre administrator")
    # 部门负责人: sees the department's own supervision view, replies to 督办 orders
    DEPARTMENT_HEAD = "department_head", _("Department head")
    # 专家: answers consultations for a department, sits on joint-review panels
    EXPERT = "expert", _("Expert")
    # 回访员: works the satisfaction callback list of a service centre
    CALLBACK_AGENT = "callback_agent", _("Callback agent")
    # 中介机构人员: acts for an intermediary agency (an enterprise) in the marketplace
    INTERMEDIARY = "intermediary", _("Intermediary")


class Scope(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    SERVICE_CENTER = "service_center", _("Service centre")
    DEPARTMENT = "department", _("Department")
    PLATFORM = "platform", _("Platform")


ROLE_SCOPE: dict[str, str] = {
    Role.APPLICANT: Scope.ENTERPRISE,
    Role.HELPER: Scope.SERVICE_CENTER,
    Role.WINDOW_CLERK: Scope.SERVICE_CENTER,
    Role.REVIEWER: Scope.DEPARTMENT,
    Role.APPROVER: Scope.DEPARTMENT,
    Role.INSPECTOR: Scope.DEPARTMENT,
    Role.SUPERVISOR: Scope.PLATFORM,
    Role.CATALOG_ADMIN: Scope.PLATFORM,
    Role.CENTRE_ADMIN: Scope.SERVICE_CENTER,
    Role.DEPARTMENT_HEAD: Scope.DEPARTMENT,
    Role.EXPERT: Scope.DEPARTMENT,
    Role.CALLBACK_AGENT: Scope.SERVICE_CENTER,
    Role.INTERMEDIARY: Scope.ENTERPRISE,
}

STAFF_ROLES = frozenset(
    {
        Role.HELPER,
        Role.WINDOW_CLERK,
        Role.REVIEWER,
        Role.APPROVER,
        Role.INSPECTOR,
        Role.SUPERVISOR,
        Role.CATALOG_ADMIN,
        Role.CENTRE_ADMIN,
        Role.DEPARTMENT_HEAD,
        Role.EXPERT,
        Role.CALLBACK_AGENT,
    }
)

# Roles a centre administrator grants, each held at the centre or at one of the departments
# it serves (ServiceCenter.departments). Platform roles stay with Django's administration.
CENTRE_GRANTABLE_ROLES = (
    Role.HELPER,
    Role.WINDOW_CLERK,
    Role.REVIEWER,
    Role.APPROVER,
    Role.INSPECTOR,
    Role.CENTRE_ADMIN,
)
