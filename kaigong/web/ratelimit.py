"""
Rate limits of pages: the API's throttles (``kaigong.core.throttling``, DRF's counting in
the cache, per client address from the trusted proxy depth) answered as a Chinese page.
"""

from __future__ import annotations

import functools
import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kaigong.core.throttling import throttle_wait


def rate_limited_response(request: HttpRequest, wait: float) -> HttpResponse:
    """The 429 page, with ``Retry-After``."""
    response = render(
        request,
        "web/rate_limited.html",
        {"message": _("Too many requests. Please wait a moment and try again.")},
        status=429,
    )
    response["Retry-After"] = str(max(1, math.ceil(wait)))
    return response


def rate_limited(*throttle_classes, methods: tuple[str, ...] | None = None):
    """Answer 429 once any throttle refuses (only for ``methods`` when given)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if methods is None or request.method in methods:
                wait = throttle_wait(request, throttle_classes)
                if wait is not None:
                    return rate_limited_response(request, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
