"""Who may change the working-day calendar (imports and seeding)."""

from __future__ import annotations

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_has_role


def can_import_calendar(actor) -> bool:
    """A management command (no actor), a superuser, or a catalogue keeper."""
    if actor is None:
        return True
    if not getattr(actor, "is_active", False):
        return False
    if actor.is_superuser:
        return True
    if user_has_role(actor, Role.CATALOG_ADMIN):
        return True
    return False
