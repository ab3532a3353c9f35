"""
The client's address, from a configured number of trusted reverse proxies.

``TRUSTED_PROXY_COUNT`` (settings, from the environment) says how many proxies in front of
Kaigong append to ``X-Forwarded-For``: 0 (the default) ignores the header and uses
``REMOTE_ADDR``; 1 (the shipped ``deploy/nginx.conf``) takes the last entry, the address
nginx itself saw. Entries further left were written by the client and are never trusted,
so rotating the header changes nothing.

This is the one place that reads the address: django-axes (``AXES_CLIENT_IP_CALLABLE``),
the throttles (``kaigong.core.throttling``) and anything that records an address call it;
DRF's own ``NUM_PROXIES`` is set to the same depth so stock throttles agree.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    address = address.strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_ip(request, *args, **kwargs) -> str | None:
    """
    The caller's address as the outermost trusted proxy saw it; ``None`` when there is none
    (a request built in code, e.g. ``Client.force_login``), as django-axes expects.
    """
    meta = request.META
    remote = _valid(meta.get("REMOTE_ADDR", "") or "")
    depth = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if depth <= 0:
        return remote
    forwarded = [part for part in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")]
    if not forwarded or forwarded == [""]:
        return remote
    # Each trusted proxy appended one entry; the one the outermost proxy appended is the
    # client. With fewer entries than proxies, the leftmost is the best there is.
    candidate = _valid(forwarded[-min(depth, len(forwarded))])
    return candidate or remote
