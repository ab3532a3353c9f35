"""Who may see, revoke and release certificates. One condition per line (STYLE.md 3.7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import (
    user_department_ids,
    user_enterprise_ids,
    user_has_role,
    user_service_center_ids,
)
from kaigong.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from kaigong.catalog.models import JointIssuanceRule

    from .models import Certificate

STAFF_ROLES = (Role.REVIEWER, Role.APPROVER, Role.INSPECTOR)


def can_view_certificate(user, certificate: Certificate) -> bool:
    """Supervisors; staff of the issuing department; the holder's members once released."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user_has_role(user, Role.SUPERVISOR):
        return True
    if certificate.issuer_id in user_department_ids(user, STAFF_ROLES):
        return True
    if certificate.released_at is None:
        return False
    return certificate.holder_id in user_enterprise_ids(user)


def can_revoke_certificate(user, certificate: Certificate) -> bool:
    """Only an approver (决定) of the issuing department revokes."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if certificate.issuer_id not in user_department_ids(user, [Role.APPROVER]):
        return False
    return True


def ensure_can_revoke_certificate(user, certificate: Certificate) -> None:
    if not can_revoke_certificate(user, certificate):
        raise PermissionDenied(_("Only an approver of the issuing department may revoke it."))


def can_view_joint_conditions(user) -> bool:
    """
    The joint-issuance conditions of a case and what they hold: staff, clerks and
    supervisors. Held certificates are invisible to the holder, so applicants never.
    """
    return user_has_role(user, *STAFF_ROLES, Role.WINDOW_CLERK, Role.SUPERVISOR)


def can_record_joint_condition(user, rule: JointIssuanceRule) -> bool:
    """Staff of the bundle's lead department, or a clerk of a centre that serves it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    lead_id = rule.bundle.lead_department_id
    if lead_id in user_department_ids(user, [Role.REVIEWER, Role.APPROVER]):
        return True
    centre_ids = user_service_center_ids(user, [Role.WINDOW_CLERK])
    if not centre_ids:
        return False
    return rule.bundle.lead_department.service_centers.filter(id__in=centre_ids).exists()


def ensure_can_record_joint_condition(user, rule: JointIssuanceRule) -> None:
    if not can_record_joint_condition(user, rule):
        raise PermissionDenied(
            _("Only the lead department or its service centre may record this condition.")
        )
