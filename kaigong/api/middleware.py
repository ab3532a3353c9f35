"""
Request sanitising before anything reads a request, and problem documents for every API
error that did not come from a DRF view.

``RequestSanitizingMiddleware`` (right after SecurityMiddleware):

- a NUL byte or a lone surrogate in the path, the query string, a header or a cookie →
  400 (``invalid_characters``; a plain page outside ``/api/``), before a model lookup
  sends it to PostgreSQL (which refuses NUL in text: a 500 otherwise);
- an API body larger than its limit → 413 ``payload_too_large``, from the
  ``Content-Length`` alone: the body is never read. JSON (and every other non-multipart
  body) is limited by ``KAIGONG_API_JSON_MAX_BYTES``; multipart uploads by
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (``UPLOAD_MAX_BYTES``);
- any error answer under ``/api/`` that is not already JSON (Django's HTML 404 of an
  unknown path, a 400 of a suspicious request, the 500 page, …) becomes a problem
  document with the same status.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import translation
from django.utils.translation import gettext as _

from kaigong.api.exception_handler import SERVER_ERROR_DETAIL, problem_response
from kaigong.api.parsers import bad_text, json_max_bytes

API_PREFIX = "/api/"

_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
    502: "bad_gateway",
    503: "service_unavailable",
}


def _details() -> dict[int, str]:
    return {
        400: _("The request is not valid."),
        401: _("Sign in first."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The request body is too large."),
        500: str(SERVER_ERROR_DETAIL),
    }


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _has_bad_characters(request: HttpRequest) -> bool:
    if bad_text(request.path_info):
        return True
    for key, values in request.GET.lists():
        if bad_text(key) or any(bad_text(v) for v in values):
            return True
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
            return True
    # Cookie values may escape a NUL ("\000"), which a session lookup sends to PostgreSQL.
    for key, value in request.COOKIES.items():
        if bad_text(key) or bad_text(value):
            return True
    return False


def _body_limit(request: HttpRequest) -> int:
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/"):
        return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) or (1 << 62)
    return json_max_bytes()


def _allowed_methods(view_func) -> set[str] | None:
    """The methods a DRF view answers (None: not a DRF view, let it decide)."""
    cls = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    if cls is None:
        return None
    actions = getattr(view_func, "actions", None)  # a ViewSet route: method → action
    if actions is not None:
        methods = {m.upper() for m in actions}
    else:
        methods = {m.upper() for m in cls.http_method_names if hasattr(cls, m)}
    if "GET" in methods:
        methods.add("HEAD")
    methods.add("OPTIONS")
    return methods


class RequestSanitizingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refused = self._refuse(request)
        except SuspiciousOperation:  # e.g. too many query parameters (TooManyFieldsSent)
            with translation.override(translation.get_language_from_request(request)):
                message = _("The request is not valid.")
                if not _is_api(request):
                    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
                return problem_response(400, "bad_request", message)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if _is_api(request):
            response = self._as_problem(request, response)
        return response

    def _refuse(self, request: HttpRequest) -> HttpResponse | None:
        api = _is_api(request)
        with translation.override(translation.get_language_from_request(request)):
            if _has_bad_characters(request):
                message = _("The request contains a NUL byte or an invalid character.")
                if not api:
                    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
                return problem_response(400, "invalid_characters", message)
            if not api:
                return None
            raw_length = request.META.get("CONTENT_LENGTH") or "0"
            try:
                length = int(raw_length)
            except ValueError:
                return problem_response(
                    400, "invalid_content_length", _("The Content-Length header is not valid.")
                )
            if length > _body_limit(request):
                return problem_response(
                    413, "payload_too_large", _("The request body is too large.")
                )
        return None

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        """
        A method the resource does not have is a 405 with ``Allow``, whoever asks (DRF
        would check authentication and permissions first, and answer 401/403 instead).
        """
        if not _is_api(request):
            return None
        allowed = _allowed_methods(view_func)
        if allowed is None or request.method in allowed:
            return None
        with translation.override(translation.get_language_from_request(request)):
            response = problem_response(405, "method_not_allowed", _details()[405])
        response["Allow"] = ", ".join(sorted(allowed))
        return response

    def _as_problem(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        content_type = response.get("Content-Type", "")
        if response.status_code < 400 or "json" in content_type:
            return response
        status = response.status_code
        with translation.override(translation.get_language_from_request(request)):
            details = _details()
            problem = problem_response(
                status,
                _CODES.get(status, "error"),
                details.get(status, details[500] if status >= 500 else details[400]),
            )
        for header in ("Allow", "Retry-After", "WWW-Authenticate", "Vary", "Content-Language"):
            if header in response:
                problem[header] = response[header]
        return problem
