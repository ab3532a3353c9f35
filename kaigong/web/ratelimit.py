"""
Rate limits for public pages, with the same scopes and rates as the API throttles
(``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``), counted per client address in the cache.
"""

from __future__ import annotations

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _parse_rate(rate: str) -> tuple[int, int]:
    count, period = rate.split("/")
    return int(count), _PERIODS[period[0]]


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limited(scope: str):
    """Answer 429 once a client address passes the scope's rate within its window."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            limit, period = _parse_rate(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope])
            window = int(time.time() // period)
            key = f"web-rl:{scope}:{_client_ip(request)}:{window}"
            cache.add(key, 0, timeout=period + 1)
            try:
                hits = cache.incr(key)
            except ValueError:  # evicted between add and incr
                cache.set(key, 1, timeout=period + 1)
                hits = 1
            if hits > limit:
                response = render(
                    request,
                    "web/rate_limited.html",
                    {"message": _("Too many requests. Please wait a moment and try again.")},
                    status=429,
                )
                response["Retry-After"] = str(period)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
