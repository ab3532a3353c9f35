"""
Demo step: departments, service centres with their windows, enterprises, users and roles.

Departments, users, roles and enterprises go through the accounts services. Service centres
and windows have no service in accounts yet; ``_service_center_upsert`` below is the one
place that writes them (full_clean, audit record), to be replaced by an accounts service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password

from kaigong.accounts.models import Enterprise, ServiceCenter, User
from kaigong.accounts.roles import ROLE_SCOPE, Scope
from kaigong.accounts.services import (
    department_upsert,
    enterprise_register,
    membership_grant,
    service_center_upsert,
    user_create,
)
from kaigong.demo.data import people

if TYPE_CHECKING:
    from kaigong.demo.loader import DemoContext


def load_accounts(context: DemoContext) -> None:
    for data in people.DEPARTMENTS:
        fields = {k: v for k, v in data.items() if k != "code"}
        context.departments[data["code"]] = department_upsert(code=data["code"], **fields)
    for data in people.SERVICE_CENTERS:
        context.centers[data["code"]] = _service_center_upsert(context, data)
    for key, data in people.ENTERPRISES.items():
        context.enterprises[key] = _enterprise_get_or_register(context, data)
    for username, full_name, role, _kind, scope_key, is_staff in people.USERS:
        user = context.users.get(username) or _user_get_or_create(
            context, username=username, full_name=full_name, is_staff=is_staff
        )
        context.users[username] = user
        scope = ROLE_SCOPE[role]
        membership_grant(
            user=user,
            role=role,
            enterprise=context.enterprises[scope_key] if scope == Scope.ENTERPRISE else None,
            department=context.departments[scope_key] if scope == Scope.DEPARTMENT else None,
            service_center=context.centers[scope_key] if scope == Scope.SERVICE_CENTER else None,
            is_enterprise_admin=scope == Scope.ENTERPRISE,
        )


def _service_center_upsert(context: DemoContext, data: dict) -> ServiceCenter:
    center, created = service_center_upsert(
        code=data["code"],
        name=data["name"],
        region_code=data["region_code"],
        address=data["address"],
        office_hours=data["office_hours"],
        departments=[context.departments[code] for code in data["departments"]],
        windows=data["windows"],
    )
    if created:
        context.count("service_centers")
        context.count("windows", len(data["windows"]))
    return center


def _enterprise_get_or_register(context: DemoContext, data: dict) -> Enterprise:
    existing = Enterprise.objects.filter(uscc=data["uscc"]).first()
    if existing is not None:
        return existing
    context.count("enterprises")
    return enterprise_register(actor=None, **data)


def _user_get_or_create(
    context: DemoContext, *, username: str, full_name: str, is_staff: bool
) -> User:
    existing = User.objects.filter(username__iexact=username).first()
    if existing is not None:
        return existing
    context.count("users")
    # the password was checked once against the validators by the loader, and is hashed
    # once per load: every demo user shares it (perf: Argon2 per user made the load slow)
    if context.password_hash is None:
        context.password_hash = make_password(context.password)
    return user_create(
        username=username,
        password=None,
        password_hash=context.password_hash,
        full_name=full_name,
        is_staff=is_staff,
        check_password=False,
    )
