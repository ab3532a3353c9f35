"""
Rate limits, on DRF's throttles (cache-backed, maintained), for the API and the pages.

- ``IpRateThrottle``: per client address (``kaigong.core.client_ip``, the configured proxy
  depth; a forged ``X-Forwarded-For`` is never a new bucket). The scope is the class's
  ``fixed_scope`` or the view's ``throttle_scope``.
- ``UsernameRateThrottle``: per user name posted to a login (token endpoint, login page),
  so a locked-out guess cannot move to another address.

Both fail open: when the cache cannot be reached the request is let through and a warning
is logged (an outage of Redis must never turn a login or a tracking page into a 500).
Rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping

from rest_framework.exceptions import APIException
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from .client_ip import client_ip

logger = logging.getLogger(__name__)


def _fail_open(throttle: SimpleRateThrottle, check) -> bool:
    try:
        return check()
    except APIException:  # e.g. an unparsable body: the API answers it, not the throttle
        raise
    except Exception:
        logger.warning(
            "Throttle %s let a request through: the cache is unreachable.",
            throttle.scope,
            exc_info=True,
        )
        return True


class IpRateThrottle(ScopedRateThrottle):
    """Per client address; ``fixed_scope`` or the view's ``throttle_scope``."""

    fixed_scope: str | None = None

    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _check(self, request, view) -> bool:
        if not self.fixed_scope:
            return super().allow_request(request, view)
        self.scope = self.fixed_scope
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return SimpleRateThrottle.allow_request(self, request, view)

    def allow_request(self, request, view) -> bool:
        return _fail_open(self, lambda: self._check(request, view))


class UsernameRateThrottle(SimpleRateThrottle):
    """Per posted user name (case and spaces ignored); no user name, no count."""

    scope = "login_user"

    def get_cache_key(self, request, view) -> str | None:
        data = request.data if hasattr(request, "data") else request.POST
        username = data.get("username") if isinstance(data, Mapping) else None
        if not isinstance(username, str) or not username.strip():
            return None
        ident = hashlib.sha256(username.strip().casefold().encode("utf-8", "replace"))
        return self.cache_format % {"scope": self.scope, "ident": ident.hexdigest()[:32]}

    def allow_request(self, request, view) -> bool:
        return _fail_open(
            self, lambda: super(UsernameRateThrottle, self).allow_request(request, view)
        )


class TokenIpThrottle(IpRateThrottle):
    """Logins per address: the API token endpoint and the login page share the budget."""

    fixed_scope = "token"


class TrackIpThrottle(IpRateThrottle):
    """Public tracking per address: the API endpoint and the page share the budget."""

    fixed_scope = "track"


def throttle_wait(request, throttle_classes, view=None) -> float | None:
    """Run the throttles on a page request: ``None`` if allowed, else seconds to wait."""
    waits = []
    for throttle_class in throttle_classes:
        throttle = throttle_class()
        if not throttle.allow_request(request, view):
            waits.append(throttle.wait() or 1.0)
    return max(waits) if waits else None
