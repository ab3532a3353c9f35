"""The request type of the views behind ``login_required`` (for the type checker)."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest

from kaigong.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request whose user is logged in: ``login_required`` let it through."""

    user: User  # type: ignore[assignment]  # narrower than HttpRequest's User | AnonymousUser
    htmx: Any  # django-htmx's middleware


def signed_in(request: HttpRequest) -> User:
    """The user of a view behind ``login_required`` (never anonymous there)."""
    return cast(User, request.user)
