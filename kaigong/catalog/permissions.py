"""Who may keep the catalogue: a catalogue keeper (事项管理) or a superuser."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_has_role
from kaigong.core.exceptions import PermissionDenied


def can_keep_catalog(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user_has_role(user, Role.CATALOG_ADMIN)


def ensure_can_keep_catalog(user) -> None:
    if not can_keep_catalog(user):
        raise PermissionDenied(
            _("Only a catalogue keeper may do this."), code="catalog_keeper_only"
        )


def can_keep_catalog_in_admin(user) -> bool:
    """The admin site also needs ``is_staff``."""
    if not can_keep_catalog(user):
        return False
    return bool(user.is_staff)
