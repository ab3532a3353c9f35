"""Reads about who holds which role where. Other apps build their visibility on these."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from .models import Department, Enterprise, Membership, ServiceCenter, User
from .roles import Role


def membership_list_for(user: User, roles: Iterable[str] | None = None) -> QuerySet[Membership]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Membership.objects.none()
    qs = Membership.objects.filter(user=user)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs


def user_roles(user: User) -> set[str]:
    return set(membership_list_for(user).values_list("role", flat=True))


def user_has_role(user: User, *roles: str) -> bool:
    return membership_list_for(user, roles).exists()


def user_department_ids(user: User, roles: Iterable[str] | None = None) -> set[int]:
    roles = roles if roles is not None else (Role.REVIEWER, Role.APPROVER, Role.INSPECTOR)
    return set(
        membership_list_for(user, roles)
        .exclude(department=None)
        .values_list("department_id", flat=True)
    )


def user_enterprise_ids(user: User) -> set[int]:
    return set(
        membership_list_for(user, [Role.APPLICANT])
        .exclude(enterprise=None)
        .values_list("enterprise_id", flat=True)
    )


def user_service_center_ids(user: User, roles: Iterable[str] | None = None) -> set[int]:
    roles = roles if roles is not None else (Role.WINDOW_CLERK, Role.HELPER)
    return set(
        membership_list_for(user, roles)
        .exclude(service_center=None)
        .values_list("service_center_id", flat=True)
    )


def enterprise_list_for(user: User) -> QuerySet[Enterprise]:
    """Enterprises the user may see: its own; supervisors and window staff see all."""
    if user_has_role(user, Role.SUPERVISOR, Role.WINDOW_CLERK, Role.HELPER):
        return Enterprise.objects.all()
    return Enterprise.objects.filter(id__in=user_enterprise_ids(user))


def department_get_by_code(code: str) -> Department | None:
    return Department.objects.filter(code=code).first()


def service_center_for_department(department: Department) -> ServiceCenter | None:
    return department.service_centers.order_by("id").first()
