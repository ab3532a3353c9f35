"""
Enterprise registration (企业注册): an applicant user with its enterprise, in one step.

Composes the accounts services in one transaction, so a refused code or a weak password
leaves nothing behind. Two ways in:

- self sign-up (anonymous): user name and password are required; the new user becomes the
  enterprise's applicant and administrator;
- on behalf (帮办代办员 or 综合窗口): the staff member is recorded as ``registered_by`` and
  in the audit record; the applicant's login is optional (without a password it cannot
  log in until it is set).

# rule: the USCC is checked per GB 32100-2015 (accounts.validators; domain.md §7.1), and a
# code already registered points to that enterprise's administrator (accounts.services).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kaigong.accounts.models import Enterprise, User
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_has_role
from kaigong.accounts.services import enterprise_register, membership_grant, user_create
from kaigong.core.exceptions import InvalidInput, PermissionDenied
from kaigong.core.services import audit_record


@dataclass(frozen=True)
class Registration:
    enterprise: Enterprise
    user: User | None
    on_behalf: bool


def _staff(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


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
    Register an enterprise and (for self sign-up, always) its applicant user.

    Errors: ``uscc_length``, ``uscc_charset``, ``uscc_category``, ``uscc_checksum``,
    ``weak_password``, ``username_required``, ``invalid_input`` (400);
    ``permission_denied`` (403, a logged-in user who is not a helper or window clerk);
    ``enterprise_exists``, ``username_taken`` (409).
    """
    on_behalf = _staff(actor)
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
