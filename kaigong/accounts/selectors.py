"""Reads about who holds which role where. Other apps build their visibility on these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from kaigong.core.request_cache import request_cached

from .models import Department, Enterprise, Membership, ServiceCenter, User
from .roles import Role


def membership_list_for(user: User, roles: Iterable[str] | None = None) -> QuerySet[Membership]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Membership.objects.none()
    qs = Membership.objects.filter(user=user)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs


@dataclass(frozen=True, slots=True)
class Held:
    """One of the user's memberships, as permission checks read it."""

    role: str
    enterprise_id: int | None
    department_id: int | None
    service_center_id: int | None


def memberships_cache_key(user_id: int) -> tuple[str, int]:
    return ("accounts:memberships", user_id)


def user_memberships(user: User) -> tuple[Held, ...]:
    """
    Every membership of an active user (none for anyone else): one query per request,
    since a request asks several times what the user holds (kaigong/core/request_cache.py).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()

    def read() -> tuple[Held, ...]:
        # perf: the model's order (the user, by name, then the role) without its join to the
        # users: one user's rows, by role as before
        rows = (
            Membership.objects.filter(user_id=user.pk)
            .order_by("role", "id")
            .values_list("role", "enterprise_id", "department_id", "service_center_id")
        )
        return tuple(Held(*row) for row in rows)

    # perf: one query instead of one per question (five per transition before)
    return request_cached(memberships_cache_key(user.pk), read)


def user_holds(
    user: User,
    *roles: str,
    enterprise_id: int | None = None,
    department_id: int | None = None,
    service_center_id: int | None = None,
) -> bool:
    """
    The user holds one of ``roles`` (any role when none is named), where given at this
    enterprise, department or service centre.
    """
    for held in user_memberships(user):
        if roles and held.role not in roles:
            continue
        if enterprise_id is not None and held.enterprise_id != enterprise_id:
            continue
        if department_id is not None and held.department_id != department_id:
            continue
        if service_center_id is not None and held.service_center_id != service_center_id:
            continue
        return True
    return False


def user_roles(user: User) -> set[str]:
    return {held.role for held in user_memberships(user)}


def user_has_role(user: User, *roles: str) -> bool:
    return user_holds(user, *roles) if roles else False


def user_department_ids(user: User, roles: Iterable[str] | None = None) -> set[int]:
    roles = roles if roles is not None else (Role.REVIEWER, Role.APPROVER, Role.INSPECTOR)
    wanted = set(roles)
    return {
        held.department_id
        for held in user_memberships(user)
        if held.role in wanted and held.department_id is not None
    }


def user_enterprise_ids(user: User) -> set[int]:
    return {
        held.enterprise_id
        for held in user_memberships(user)
        if held.role == Role.APPLICANT and held.enterprise_id is not None
    }


def user_service_center_ids(user: User, roles: Iterable[str] | None = None) -> set[int]:
    roles = roles if roles is not None else (Role.WINDOW_CLERK, Role.HELPER)
    wanted = set(roles)
    return {
        held.service_center_id
        for held in user_memberships(user)
        if held.role in wanted and held.service_center_id is not None
    }


def region_prefix(region_code: str) -> str:
    """
    The leading digits every code inside ``region_code`` shares (GB/T 2260): 370000 山东省
    → "37", 370700 潍坊市 → "3707", 371321 沂南县 → "371321", 371321100 a town → itself.
    A malformed code is its own prefix (it then contains only itself).
    """
    code = (region_code or "").strip()
    # rule: GB/T 2260 codes: 2 digits province, 2 city, 2 county; then 3 town and 3 village
    # (GB/T 10114); a zero group means "the whole level above" (docs/legal.md#gbt-2260)
    if len(code) == 12 and code.endswith("000"):
        code = code[:9]
    if len(code) == 9 and code.endswith("000"):
        code = code[:6]
    if len(code) == 6 and code.endswith("00"):
        code = code[:4]
    if len(code) == 4 and code.endswith("00"):
        code = code[:2]
    return code


def region_contains(outer: str, inner: str) -> bool:
    """``inner`` is ``outer`` or one of its sub-regions."""
    prefix = region_prefix(outer)
    return bool(prefix) and (inner or "").startswith(prefix)


def user_jurisdiction_prefixes(user: User, roles: Iterable[str] | None = None) -> set[str]:
    """
    The region prefixes of the service centres where the user holds ``roles`` (window
    clerks by default): a clerk's jurisdiction (辖区) is the centre's region and its
    sub-regions.
    """
    centres = user_service_center_ids(user, roles if roles is not None else [Role.WINDOW_CLERK])
    if not centres:
        return set()

    def read() -> set[str]:
        codes = ServiceCenter.objects.filter(id__in=centres).values_list("region_code", flat=True)
        return {p for p in (region_prefix(c) for c in codes) if p}

    return set(request_cached(("accounts:jurisdiction", user.pk, tuple(sorted(centres))), read))


def in_jurisdiction(prefixes: Iterable[str], *, path: str = "region_code") -> Q:
    """Rows whose region (at ``path``) lies inside one of ``prefixes``; none when empty."""
    condition = Q(pk__in=[])
    for prefix in sorted(set(prefixes)):
        condition |= Q(**{f"{path}__startswith": prefix})
    return condition


def user_in_jurisdiction(user: User, region_code: str, roles: Iterable[str] | None = None) -> bool:
    """``region_code`` lies in the jurisdiction of one of the user's centres."""
    return any(
        (region_code or "").startswith(prefix) for prefix in user_jurisdiction_prefixes(user, roles)
    )


def enterprise_list_for(user: User) -> QuerySet[Enterprise]:
    """Enterprises the user may see: its own; supervisors and window staff see all."""
    if user_has_role(user, Role.SUPERVISOR, Role.WINDOW_CLERK, Role.HELPER):
        return Enterprise.objects.all()
    return Enterprise.objects.filter(id__in=user_enterprise_ids(user))


def enterprise_of_member_get(user: User, public_id) -> Enterprise | None:
    """
    An enterprise the user belongs to (as its applicant), or None. What only the
    enterprise itself may use (its service code) is looked up here: to anyone else, staff
    who see every enterprise included, it does not exist (404, not 403).
    """
    return Enterprise.objects.filter(id__in=user_enterprise_ids(user), public_id=public_id).first()


def department_get_by_code(code: str) -> Department | None:
    return Department.objects.filter(code=code).first()


def service_center_for_department(department_id: int) -> ServiceCenter | None:
    """The service centre (lowest id) that receives for the department, found by its id
    (perf: the department's own row is not read)."""
    return ServiceCenter.objects.filter(departments=department_id).order_by("id").first()


# --- staff accounts of a service centre (centre administrator pages) -------------------------


def centre_admin_centers(user: User) -> QuerySet[ServiceCenter]:
    """The service centres the user administers."""
    ids = user_service_center_ids(user, [Role.CENTRE_ADMIN])
    return ServiceCenter.objects.filter(id__in=ids).order_by("name")


def centre_admin_center_get(user: User, public_id) -> ServiceCenter | None:
    """A centre the user administers, or None (not visible: 404)."""
    return centre_admin_centers(user).filter(public_id=public_id).first()


def centre_staff_memberships(center: ServiceCenter) -> QuerySet[Membership]:
    """Every staff role held at the centre or at a department it serves."""
    from django.db.models import Q

    return (
        Membership.objects.filter(
            Q(service_center=center) | Q(department__in=center.departments.all())
        )
        .exclude(role=Role.APPLICANT)
        .select_related("user", "department", "service_center")
        .order_by("user__username", "role")
    )


def centre_staff_user_get(center: ServiceCenter, public_id) -> User | None:
    ids = centre_staff_memberships(center).values_list("user_id", flat=True)
    return User.objects.filter(id__in=ids, public_id=public_id).first()
