"""Writes owned by accounts. Every write leaves an audit record."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kaigong.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from kaigong.core.request_cache import request_cache_forget
from kaigong.core.services import audit_record

from .models import (
    CreditStanding,
    Department,
    Enterprise,
    Membership,
    ServiceCenter,
    User,
    Window,
)
from .roles import CENTRE_GRANTABLE_ROLES, ROLE_SCOPE, Role, Scope
from .selectors import memberships_cache_key, user_has_role, user_holds
from .validators import normalise_uscc, parse_uscc


def _invalid_from(error: ValidationError, field: str) -> InvalidInput:
    params = [
        {"name": field, "code": e.code or "invalid", "reason": str(e.message % (e.params or {}))}
        for e in error.error_list
    ]
    return InvalidInput(params[0]["reason"], code=params[0]["code"], invalid_params=params)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    full_name: str = "",
    phone: str = "",
    email: str = "",
    is_staff: bool = False,
    actor: User | None = None,
    check_password: bool = True,
    password_hash: str | None = None,
) -> User:
    """
    Create a user. ``password_hash`` (an already hashed password, from ``make_password``)
    serves bulk loads such as the demo, where hashing once with Argon2 is enough.
    """
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("This user name is already taken."), code="username_taken")
    user = User(username=username, full_name=full_name, phone=phone, email=email, is_staff=is_staff)
    if password_hash:
        user.password = password_hash
    elif password:
        if check_password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise InvalidInput(
                    " ".join(str(m) for m in exc.messages),
                    code="weak_password",
                    invalid_params=[
                        {"name": "password", "code": "weak_password", "reason": str(m)}
                        for m in exc.messages
                    ],
                ) from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action="user_created", obj=user, summary=username)
    return user


@transaction.atomic
def membership_grant(
    *,
    user: User,
    role: str,
    enterprise: Enterprise | None = None,
    department: Department | None = None,
    service_center: ServiceCenter | None = None,
    is_enterprise_admin: bool = False,
    actor: User | None = None,
) -> Membership:
    """Give ``user`` the ``role`` in the one scope that role takes."""
    scope = ROLE_SCOPE[role]
    given = {
        Scope.ENTERPRISE: enterprise,
        Scope.DEPARTMENT: department,
        Scope.SERVICE_CENTER: service_center,
    }
    for other_scope, value in given.items():
        if other_scope != scope and value is not None:
            raise InvalidInput(
                _("This role is not held for that kind of organisation."), code="membership_scope"
            )
    if scope != Scope.PLATFORM and given[scope] is None:
        raise InvalidInput(
            _("This role needs the organisation it is held for."), code="membership_scope"
        )
    membership, _created = Membership.objects.get_or_create(
        user=user,
        role=role,
        enterprise=enterprise,
        department=department,
        service_center=service_center,
        defaults={"is_enterprise_admin": is_enterprise_admin},
    )
    request_cache_forget(memberships_cache_key(user.pk))
    audit_record(
        actor=actor,
        action="membership_granted",
        obj=membership,
        data={"user": user.username, "role": role},
    )
    return membership


@transaction.atomic
def enterprise_register(
    *,
    actor: User | None,
    uscc: str,
    name: str,
    legal_representative: str,
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
) -> Enterprise:
    """
    Register an enterprise after checking its code (GB 32100).

    A code already registered is refused with the name of the enterprise's administrator
    to contact, never silently shared.
    """
    try:
        info = parse_uscc(uscc)
    except ValidationError as exc:
        raise _invalid_from(exc, "uscc") from None
    existing = Enterprise.objects.filter(uscc=info.code).first()
    if existing is not None:
        admin = (
            existing.memberships.filter(is_enterprise_admin=True)
            .select_related("user")
            .order_by("id")
            .first()
        )
        contact = str(admin.user) if admin else existing.contact_name
        raise Conflict(
            _(
                "An enterprise with this code is already registered (%(name)s). "
                "Ask its administrator %(contact)s to add you."
            )
            % {"name": existing.name, "contact": contact or "—"},
            code="enterprise_exists",
            extra={"enterprise": str(existing.public_id)},
        )
    enterprise = Enterprise(
        uscc=info.code,
        name=name.strip(),
        legal_representative=legal_representative.strip(),
        contact_name=contact_name,
        contact_phone=contact_phone,
        address=address,
        registered_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        enterprise.full_clean()
    except ValidationError as exc:
        raise InvalidInput(
            _("Some of the data is not valid."),
            code="invalid_input",
            invalid_params=[
                {
                    "name": f,
                    "code": e.code or "invalid",
                    "reason": str(e.message % (e.params or {})),
                }
                for f, errs in exc.error_dict.items()
                for e in errs
            ],
        ) from None
    enterprise.save()
    audit_record(
        actor=actor,
        action="enterprise_registered",
        obj=enterprise,
        summary=enterprise.name,
        data={"uscc": normalise_uscc(uscc)},
    )
    return enterprise


def department_upsert(*, code: str, actor: User | None = None, **fields: Any) -> Department:
    """Create or update a department by its code (used by the demo and the catalogue file)."""
    department, created = Department.objects.get_or_create(code=code, defaults=fields)
    if not created:
        changed = [k for k, v in fields.items() if getattr(department, k) != v]
        for k in changed:
            setattr(department, k, fields[k])
        if changed:
            department.full_clean()
            department.save(update_fields=[*changed, "updated_at"])
    else:
        department.full_clean()
    audit_record(actor=actor, action="department_saved", obj=department, summary=department.name)
    return department


@transaction.atomic
def service_center_upsert(
    *,
    code: str,
    name: str,
    region_code: str,
    departments: list[Department] | tuple[Department, ...] = (),
    windows: list[tuple[str, str]] | tuple[tuple[str, str], ...] = (),
    actor: User | None = None,
    **fields: Any,
) -> tuple[ServiceCenter, bool]:
    """
    Create a service centre by code (or keep the existing one), serve ``departments`` and
    open the ``windows`` (number, name) it does not have yet. Return (centre, created).
    """
    center = ServiceCenter.objects.filter(code=code).first()
    created = center is None
    if created:
        center = ServiceCenter(code=code, name=name, region_code=region_code, **fields)
        center.full_clean()
        center.save()
        audit_record(actor=actor, action="service_center_saved", obj=center, summary=name)
    center.departments.add(*departments)
    for number, window_name in windows:
        if not center.windows.filter(number=number).exists():
            window = Window(service_center=center, number=number, name=window_name)
            window.full_clean()
            window.save()
            audit_record(actor=actor, action="window_saved", obj=window, summary=str(window))
    return center, created


@transaction.atomic
def enterprise_credit_standing_set(
    *, enterprise: Enterprise, standing: str, actor: Any, reason: str
) -> Enterprise:
    """
    Lower an enterprise's credit standing after a breach (a lapsed 容缺 commitment, a false
    告知承诺). Never improves it here: credit repair (信用修复) is its own procedure.
    """
    order = [CreditStanding.GOOD, CreditStanding.WATCH, CreditStanding.DISHONEST]
    if order.index(CreditStanding(standing)) <= order.index(
        CreditStanding(enterprise.credit_standing)
    ):
        return enterprise
    old = enterprise.credit_standing
    enterprise.credit_standing = standing
    enterprise.full_clean()
    enterprise.save(update_fields=["credit_standing", "updated_at"])
    audit_record(
        actor=actor,
        action="enterprise_credit_standing_set",
        obj=enterprise,
        summary=reason,
        data={"from": old, "to": standing},
    )
    return enterprise


@dataclass(frozen=True)
class Registration:
    enterprise: Enterprise
    user: User | None
    on_behalf: bool


@transaction.atomic
def enterprise_sign_up(
    *,
    actor: User | None,
    uscc: str,
    name: str,
    legal_representative: str,
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
    username: str = "",
    password: str = "",
    full_name: str = "",
    phone: str = "",
    email: str = "",
) -> Registration:
    """
    Register an enterprise and (for self sign-up, always) its applicant user, in one step.

    Self sign-up (anonymous) needs a user name and password; the user becomes the
    enterprise's applicant and administrator. Helpers and window clerks register on the
    enterprise's behalf: recorded in ``registered_by`` and the audit record; the applicant's
    login is then optional.

    Errors: ``uscc_length``, ``uscc_charset``, ``uscc_category``, ``uscc_checksum``,
    ``weak_password``, ``username_required``, ``invalid_input`` (400);
    ``permission_denied`` (403, a logged-in user who is not a helper or window clerk);
    ``enterprise_exists``, ``username_taken`` (409).
    """
    on_behalf = bool(getattr(actor, "is_authenticated", False))
    if on_behalf and not user_has_role(actor, Role.HELPER, Role.WINDOW_CLERK):
        raise PermissionDenied(
            _("Only helpers and window clerks register enterprises on their behalf.")
        )
    if not on_behalf and not (username and password):
        raise InvalidInput(
            _("Choose a user name and a password."),
            code="username_required",
            invalid_params=[
                {"name": n, "code": "username_required", "reason": _("Required.")}
                for n, v in (("username", username), ("password", password))
                if not v
            ],
        )
    enterprise = enterprise_register(
        actor=actor if on_behalf else None,
        uscc=uscc,
        name=name,
        legal_representative=legal_representative,
        contact_name=contact_name or full_name,
        contact_phone=contact_phone or phone,
        address=address,
    )
    user = None
    if username:
        user = user_create(
            username=username,
            password=password or None,
            full_name=full_name,
            phone=phone,
            email=email,
            actor=actor if on_behalf else None,
        )
        membership_grant(
            user=user,
            role=Role.APPLICANT,
            enterprise=enterprise,
            is_enterprise_admin=True,
            actor=actor if on_behalf else user,
        )
    audit_record(
        actor=actor if on_behalf else user,
        action="enterprise_registered_on_behalf" if on_behalf else "enterprise_signed_up",
        obj=enterprise,
        summary=enterprise.name,
        data={"user": user.username if user else "", "on_behalf": on_behalf},
    )
    return Registration(enterprise=enterprise, user=user, on_behalf=on_behalf)


# --- staff accounts of a service centre (中心管理员) -----------------------------------------


def _ensure_centre_admin(actor: User, center: ServiceCenter) -> None:
    if not user_holds(actor, Role.CENTRE_ADMIN, service_center_id=center.pk):
        raise PermissionDenied(_("Only an administrator of this service centre may do this."))


def _membership_row(m: Membership) -> dict[str, Any]:
    return {
        "user": m.user.username,
        "role": m.role,
        "service_center": m.service_center.code if m.service_center_id else "",
        "department": m.department.code if m.department_id else "",
    }


def _roles_of(user: User) -> list[dict[str, Any]]:
    rows = Membership.objects.filter(user=user).select_related("service_center", "department")
    return sorted((_membership_row(m) for m in rows), key=lambda r: (r["role"], r["department"]))


def _centre_scope(
    center: ServiceCenter, role: str, department: Department | None
) -> dict[str, Any]:
    """The scope a centre administrator may grant ``role`` in: the centre or a served department."""
    if role not in CENTRE_GRANTABLE_ROLES:
        raise InvalidInput(
            _("A centre administrator cannot grant this role."),
            code="role_not_grantable",
            invalid_params=[
                {"name": "role", "code": "role_not_grantable", "reason": _("Choose another role.")}
            ],
        )
    if ROLE_SCOPE[role] == Scope.DEPARTMENT:
        if department is None or not center.departments.filter(pk=department.pk).exists():
            raise InvalidInput(
                _("Choose a department this centre serves."),
                code="membership_scope",
                invalid_params=[
                    {
                        "name": "department",
                        "code": "membership_scope",
                        "reason": _("Choose a department this centre serves."),
                    }
                ],
            )
        return {"department": department}
    return {"service_center": center}


@transaction.atomic
def staff_user_create(
    *,
    actor: User,
    center: ServiceCenter,
    username: str,
    full_name: str,
    role: str,
    department: Department | None = None,
    phone: str = "",
) -> tuple[User, str]:
    """
    Create a staff user of ``center`` with a temporary password and a first role; returns the
    user and the temporary password (shown once). Errors: ``permission_denied`` (403),
    ``role_not_grantable``, ``membership_scope`` (400), ``username_taken`` (409).
    """
    _ensure_centre_admin(actor, center)
    scope = _centre_scope(center, role, department)
    temporary = secrets.token_urlsafe(12)
    user = user_create(
        username=username, password=temporary, full_name=full_name, phone=phone, actor=actor
    )
    membership_grant(user=user, role=role, actor=actor, **scope)
    audit_record(
        actor=actor,
        action="staff_user_created",
        obj=user,
        summary=username,
        data={
            "center": center.code,
            "before": None,
            "after": {"active": True, "roles": _roles_of(user)},
        },
    )
    return user, temporary


@transaction.atomic
def staff_role_grant(
    *,
    actor: User,
    center: ServiceCenter,
    user: User,
    role: str,
    department: Department | None = None,
) -> Membership:
    """
    Give a staff user one more role (a person may hold two; separation of duties is then
    checked per item, kaigong/cases/permissions.py). Audited with the roles before and after.
    """
    _ensure_centre_admin(actor, center)
    if not _user_in_centre(center, user):
        raise NotFound(_("There is no such role at this centre."), code="membership_not_found")
    scope = _centre_scope(center, role, department)
    before = _roles_of(user)
    membership = membership_grant(user=user, role=role, actor=actor, **scope)
    audit_record(
        actor=actor,
        action="staff_role_granted",
        obj=user,
        summary=f"{user.username} +{role}",
        data={
            "center": center.code,
            "before": {"roles": before},
            "after": {"roles": _roles_of(user)},
        },
    )
    return membership


def _membership_in_centre(center: ServiceCenter, membership: Membership) -> bool:
    if membership.service_center_id == center.pk:
        return True
    return bool(
        membership.department_id and center.departments.filter(pk=membership.department_id).exists()
    )


def _user_in_centre(center: ServiceCenter, user: User) -> bool:
    """The user holds a staff role at the centre or at a department it serves."""
    return any(
        _membership_in_centre(center, m)
        for m in Membership.objects.filter(user=user).exclude(role=Role.APPLICANT)
    )


@transaction.atomic
def staff_role_revoke(*, actor: User, center: ServiceCenter, membership: Membership) -> None:
    """Take one role away. Errors: ``permission_denied`` (403), ``not_found`` (404)."""
    _ensure_centre_admin(actor, center)
    if membership.role not in CENTRE_GRANTABLE_ROLES or not _membership_in_centre(
        center, membership
    ):
        raise NotFound(_("There is no such role at this centre."), code="membership_not_found")
    user = membership.user
    if user.pk == actor.pk and membership.role == Role.CENTRE_ADMIN:
        raise Conflict(_("You cannot revoke your own administrator role."), code="self_revoke")
    before = _roles_of(user)
    membership.delete()
    request_cache_forget(memberships_cache_key(user.pk))
    audit_record(
        actor=actor,
        action="staff_role_revoked",
        obj=user,
        summary=f"{user.username} -{membership.role}",
        data={
            "center": center.code,
            "before": {"roles": before},
            "after": {"roles": _roles_of(user)},
        },
    )


@transaction.atomic
def staff_user_deactivate(*, actor: User, center: ServiceCenter, user: User) -> None:
    """Deactivate a staff user of the centre: the user can no longer log in nor act."""
    _ensure_centre_admin(actor, center)
    if not _user_in_centre(center, user):
        raise NotFound(_("There is no such role at this centre."), code="membership_not_found")
    if user.pk == actor.pk:
        raise Conflict(_("You cannot deactivate yourself."), code="self_deactivate")
    before = {"active": user.is_active}
    user.is_active = False
    user.save(update_fields=["is_active"])
    request_cache_forget(memberships_cache_key(user.pk))
    audit_record(
        actor=actor,
        action="staff_user_deactivated",
        obj=user,
        summary=user.username,
        data={"center": center.code, "before": before, "after": {"active": False}},
    )
