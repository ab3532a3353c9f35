"""
Refused writes are audit records (DESIGN.md §7: "refused actions are logged").

``RefusedWriteAuditMiddleware`` looks at every answer to an unsafe method (POST, PUT,
PATCH, DELETE) of the API and of the pages alike; a 403, 404 or 409 becomes one
``AuditRecord`` with the action ``write_refused``: who, which path and method, the status,
the error code of the problem+json body (when there is one) and the client IP. Read-only
refusals (a GET answered 404) are not recorded: browsing a stale link is not an attempt to
change anything, and recording it would drown the records that matter.

Recording never changes the answer: a failure to write the record is logged, not raised.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from .services import audit_record

logger = logging.getLogger(__name__)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFUSED_STATUSES = frozenset({403, 404, 409})
ACTION = "write_refused"


def client_ip(request: HttpRequest) -> str:
    """The peer address Django saw (the trusted-proxy setting replaces it where deployed)."""
    return str(request.META.get("REMOTE_ADDR", "") or "")


def _error_code(response: HttpResponse) -> str:
    """The stable ``code`` of a problem+json answer; "" for pages and other bodies."""
    data = getattr(response, "data", None)
    if isinstance(data, dict) and isinstance(data.get("code"), str):
        return data["code"]
    content_type = response.get("Content-Type", "")
    if "json" not in content_type or getattr(response, "streaming", False):
        return ""
    try:
        body = json.loads(response.content or b"{}")
    except (ValueError, UnicodeDecodeError):
        return ""
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else ""


def refused_write_record(*, request: HttpRequest, response: HttpResponse) -> Any:
    """
    One ``write_refused`` audit record for a refused unsafe request; None when the
    request was safe or not refused.
    """
    if request.method not in UNSAFE_METHODS or response.status_code not in REFUSED_STATUSES:
        return None
    user = getattr(request, "user", None)
    actor = user if getattr(user, "is_authenticated", False) else None
    code = _error_code(response)
    path = request.path[:300]
    return audit_record(
        actor=actor,
        action=ACTION,
        object_type="http.request",
        summary=f"{request.method} {path} → {response.status_code}",
        data={
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "code": code,
            "ip": client_ip(request),
            "username": getattr(actor, "username", "") if actor else "",
            "api": path.startswith("/api/"),
        },
    )


class RefusedWriteAuditMiddleware:
    """Records every refused write (see the module docstring); the answer is unchanged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in UNSAFE_METHODS and response.status_code in REFUSED_STATUSES:
            try:
                refused_write_record(request=request, response=response)
            except DatabaseError:
                logger.exception("refused write not recorded: %s %s", request.method, request.path)
        return response
