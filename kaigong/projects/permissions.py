"""
Who may do what to a project (DESIGN.md §7). Each condition on its own line.

Seeing a project is a queryset (selectors.project_list_visible_to); these functions
answer the write questions once the project is visible.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import Enterprise, User
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import (
    membership_list_for,
    user_enterprise_ids,
    user_has_role,
    user_in_jurisdiction,
)
from kaigong.core.exceptions import PermissionDenied

from .models import Project


def is_enterprise_member(user: User, enterprise_id: int) -> bool:
    return enterprise_id in user_enterprise_ids(user)


def is_enterprise_admin(user: User, enterprise_id: int) -> bool:
    return (
        membership_list_for(user, [Role.APPLICANT])
        .filter(enterprise_id=enterprise_id, is_enterprise_admin=True)
        .exists()
    )


def can_register_on_behalf(user: User) -> bool:
    """Helpers and window clerks register enterprises and projects for applicants."""
    if not user.is_active:
        return False
    return user_has_role(user, Role.HELPER, Role.WINDOW_CLERK)


def can_create_project(user: User, enterprise: Enterprise, region_code: str | None = None) -> bool:
    """
    The enterprise's applicants; helpers and window clerks on its behalf, for a project
    in their centre's jurisdiction (when ``region_code`` is given).
    """
    if not user.is_active:
        return False
    if is_enterprise_member(user, enterprise.id):
        return True
    if not can_register_on_behalf(user):
        return False
    if region_code is None:
        return True
    return user_in_jurisdiction(user, region_code, [Role.HELPER, Role.WINDOW_CLERK])


def ensure_can_create_project(
    user: User, enterprise: Enterprise, region_code: str | None = None
) -> None:
    if not can_create_project(user, enterprise, region_code):
        raise PermissionDenied(
            _("Only the enterprise's applicants, helpers and window clerks may register projects.")
        )


def can_edit_project(user: User, project: Project) -> bool:
    """
    Answer the questionnaire, change attributes: the enterprise, its assigned helper, a
    window clerk of a centre whose jurisdiction holds the project.
    """
    if not user.is_active:
        return False
    if is_enterprise_member(user, project.enterprise_id):
        return True
    if user_in_jurisdiction(user, project.region_code):
        return True
    if user_has_role(user, Role.HELPER) and project.helpers.filter(id=user.id).exists():
        return True
    return False


def ensure_can_edit_project(user: User, project: Project) -> None:
    if not can_edit_project(user, project):
        raise PermissionDenied(
            _("Only the enterprise, its assigned helper or a window clerk may change the project.")
        )


def can_set_site(user: User, project: Project) -> bool:
    """
    Set the site fence (point, radius, red line) that the project's site inspections check
    the on-site device against: a window clerk of the project's jurisdiction, or a reviewer
    of a department that has an item of one of the project's cases. Not the enterprise: it
    is the party the fence checks.
    """
    from kaigong.accounts.selectors import user_department_ids

    if not user.is_active:
        return False
    if user_in_jurisdiction(user, project.region_code):
        return True
    departments = user_department_ids(user, [Role.REVIEWER])
    return (
        bool(departments)
        and Project.objects.filter(
            pk=project.pk, cases__items__department_id__in=departments
        ).exists()
    )


def ensure_can_set_site(user: User, project: Project) -> None:
    if not can_set_site(user, project):
        raise PermissionDenied(
            _("Only a window clerk or a reviewer of the project's matters sets its red line.")
        )


def can_assign_helpers(user: User, project: Project) -> bool:
    """Assign a project's helpers (帮办代办): a window clerk of the project's jurisdiction."""
    if not user.is_active:
        return False
    return user_in_jurisdiction(user, project.region_code)


def ensure_can_assign_helpers(user: User, project: Project) -> None:
    if not can_assign_helpers(user, project):
        raise PermissionDenied(_("Only a window clerk assigns helpers."))


def can_manage_service_code(user: User, enterprise: Enterprise, project: Project | None) -> bool:
    """
    See the QR code and rotate it: the enterprise itself. A project code: any applicant of
    the enterprise; the enterprise code: its administrator.
    """
    if not user.is_active:
        return False
    if project is not None:
        return is_enterprise_member(user, enterprise.id)
    return is_enterprise_admin(user, enterprise.id)


def ensure_can_manage_service_code(
    user: User, enterprise: Enterprise, project: Project | None
) -> None:
    if not can_manage_service_code(user, enterprise, project):
        raise PermissionDenied(
            _("Only the enterprise (its administrator for the enterprise code) may do this.")
        )
