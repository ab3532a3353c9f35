"""
Domain errors: what went wrong, in words a person can act on, with a stable code.

Services raise these; the API's exception handler turns them into RFC 7807 problem
documents, and pages show their message. ``code`` is an API contract: never change one.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status = 400
    code = "invalid"
    default_message = _("The request could not be carried out.")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        invalid_params: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        self.invalid_params = invalid_params or []
        self.extra = extra or {}
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"
    default_message = _("Some of the data is not valid.")


class NotFound(DomainError):
    """Does not exist, or is not visible to you: the same answer on purpose."""

    status = 404
    code = "not_found"
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("The data changed meanwhile, or the action does not fit its state.")
