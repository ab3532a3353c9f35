"""
Response headers that django-csp and Django's SecurityMiddleware do not set:

- ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY`` (feature → ``"self"`` or ``""``
  for none): camera, microphone and location for this site only, everything else off.
- ``Cache-Control: no-store`` on every answer to an authenticated caller (session or API
  token) and on every document (PDF, attachment, file download), whoever asked: nothing
  personal stays in a browser's or a proxy's cache.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse

_DOCUMENT_TYPES = ("application/pdf", "application/zip", "application/octet-stream")


def permissions_policy_value(policy: dict[str, str]) -> str:
    """``{"camera": "self", "usb": ""}`` → ``camera=(self), usb=()``."""
    return ", ".join(
        f"{feature}=({'self' if allow == 'self' else ''})" for feature, allow in policy.items()
    )


def _is_document(response: HttpResponse) -> bool:
    if isinstance(response, FileResponse):
        return True
    content_type = (response.get("Content-Type") or "").split(";")[0].strip().lower()
    disposition = (response.get("Content-Disposition") or "").lower()
    return content_type in _DOCUMENT_TYPES or disposition.startswith("attachment")


def _is_authenticated(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)  # DRF sets it on the request after token auth
    return bool(user is not None and user.is_authenticated)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.permissions_policy = permissions_policy_value(
            getattr(settings, "PERMISSIONS_POLICY", {})
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.permissions_policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.permissions_policy
        if _is_document(response) or _is_authenticated(request):
            if "no-store" not in response.get("Cache-Control", ""):
                response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
