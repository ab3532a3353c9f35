"""
One exception handler: every error leaves the API as an RFC 7807 problem document.

    {"type", "title", "status", "code", "detail", "invalid_params": [{"name", "code", "reason"}]}

``code`` is stable (clients branch on it); ``title`` and ``detail`` follow the request's
language (Chinese by default, English with ``Accept-Language: en``). Not-found and
not-visible are the same 404.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from kaigong.core.exceptions import DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"
logger = logging.getLogger("kaigong.api")

_TITLES = {
    400: _lazy("Invalid request"),
    401: _lazy("Not authenticated"),
    403: _lazy("Permission denied"),
    404: _lazy("Not found"),
    405: _lazy("Method not allowed"),
    406: _lazy("Not acceptable"),
    409: _lazy("Conflict"),
    412: _lazy("Precondition failed"),
    413: _lazy("Request too large"),
    415: _lazy("Unsupported media type"),
    428: _lazy("Precondition required"),
    429: _lazy("Too many requests"),
    500: _lazy("Server error"),
    503: _lazy("Service unavailable"),
}


def problem_body(status: int, code: str, detail: Any, invalid_params=None, extra=None) -> dict:
    """The RFC 7807 document of an error (title and detail in the active language)."""
    return {
        **(extra or {}),  # first: an extra member never replaces a standard one
        "type": f"https://kaigong.example/problems/{code}",
        "title": str(_TITLES.get(status, _lazy("Error"))),
        "status": status,
        "code": code,
        "detail": str(detail),
        "invalid_params": invalid_params or [],
    }


def problem_response(status: int, code: str, detail: Any, invalid_params=None) -> JsonResponse:
    """The same document as a plain Django response (for middleware, outside DRF views)."""
    return JsonResponse(
        problem_body(status, code, detail, invalid_params),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def _problem(status: int, code: str, detail: Any, invalid_params=None, extra=None) -> Response:
    body = problem_body(status, code, detail, invalid_params, extra)
    return Response(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


SERVER_ERROR_DETAIL = _lazy(
    "Something went wrong on our side. The error has been logged; please try again later."
)


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """Turn DRF's nested error detail into a flat list of {name, code, reason}."""
    params: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors":
                name = prefix or "__all__"
            params.extend(_flatten(value, name))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, (dict, list)):
                params.extend(_flatten(value, f"{prefix}[{index}]"))
            else:
                params.extend(_flatten(value, prefix))
    else:
        params.append(
            {
                "name": prefix or "__all__",
                "code": getattr(detail, "code", None) or "invalid",
                "reason": str(detail),
            }
        )
    return params


# Django refuses some request bodies while parsing them (a form with more parts than
# DATA_UPLOAD_MAX_NUMBER_FILES / _FIELDS, a body above DATA_UPLOAD_MAX_MEMORY_SIZE): the
# client's fault, answered as such (Django's own handler would say 400 without a body).
_REQUEST_REFUSALS: tuple[tuple[type[SuspiciousOperation], int, str, Any], ...] = (
    (TooManyFilesSent, 400, "too_many_files", _lazy("The request sends too many files.")),
    (TooManyFieldsSent, 400, "too_many_fields", _lazy("The request sends too many fields.")),
    (RequestDataTooBig, 413, "payload_too_large", _lazy("The request body is too large.")),
    (SuspiciousOperation, 400, "bad_request", _lazy("The request cannot be processed.")),
)


def problem_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        return _problem(exc.status, exc.code, exc.message, exc.invalid_params, exc.extra)
    for kind, status, code, detail in _REQUEST_REFUSALS:
        if isinstance(exc, kind):
            set_rollback()
            return _problem(status, code, str(detail))
    if isinstance(exc, DjangoValidationError):
        exc = drf.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        # An unexpected error: logged with its traceback, rolled back, answered as a problem.
        request = context.get("request")
        logger.error(
            "Internal Server Error: %s",
            getattr(request, "path", "?"),
            exc_info=(type(exc), exc, exc.__traceback__),
        )
        set_rollback()
        return _problem(500, "server_error", SERVER_ERROR_DETAIL)
    if isinstance(exc, drf.ValidationError):
        params = _flatten(exc.detail)
        first = params[0] if params else {"code": "invalid", "reason": ""}
        code = first["code"] if len(params) == 1 and first["code"] != "invalid" else "invalid_input"
        detail = first["reason"] if len(params) == 1 else _("Some of the data is not valid.")
        return _problem(400, code, detail, params)
    code = {
        drf.NotAuthenticated: "not_authenticated",
        drf.AuthenticationFailed: "authentication_failed",
        drf.PermissionDenied: "permission_denied",
        drf.NotFound: "not_found",
        drf.MethodNotAllowed: "method_not_allowed",
        drf.NotAcceptable: "not_acceptable",
        drf.UnsupportedMediaType: "unsupported_media_type",
        drf.Throttled: "throttled",
        drf.ParseError: "parse_error",
    }.get(type(exc), getattr(exc, "default_code", "error"))
    problem = _problem(response.status_code, code, getattr(exc, "detail", exc))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem
