"""
Who runs the integrations: the platform administrator — a catalogue keeper
(``catalog_admin``, platform scope) or a superuser. Everyone else gets 404: the pages and
endpoints are not there for them (docs/integrations.md#roles).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_has_role
from kaigong.core.exceptions import NotFound


def is_platform_admin(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or user_has_role(user, Role.CATALOG_ADMIN)


def ensure_platform_admin(user) -> None:
    if not is_platform_admin(user):
        raise NotFound(_("Not found."))
