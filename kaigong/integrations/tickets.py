"""
Provincial 统一身份认证 by ticket (#15 §5): the platforms that are not OIDC.

Two kinds, chosen by ``KAIGONG_TICKET_SSO``:

* ``cas`` — a CAS-style ticket validated server-side. ``/sso/ticket/login/`` sends the
  browser to ``{KAIGONG_CAS_SERVER_URL}/login?service=<our callback>``; the platform comes
  back to ``/sso/ticket/callback/?ticket=ST-…``; we ask
  ``{KAIGONG_CAS_SERVER_URL}/p3/serviceValidate?ticket=…&service=…`` (CAS 3.0, XML) and
  take ``cas:user`` and ``cas:attributes`` as the identity's claims. A ticket is good once
  (the server says so); a failure answer, a network error or a foreign service are refusals.
* ``md5`` — parameters signed with MD5 over the parameters and a shared key: the platform
  redirects to the callback with ``…&timestamp=…&sign=…``, where ``sign`` =
  ``MD5("k1=v1&k2=v2…&key=<KAIGONG_TICKET_MD5_KEY>")`` (hex, any case) over every other
  non-empty parameter sorted by name. Refused: a wrong signature, a timestamp more than
  ``KAIGONG_TICKET_MAX_AGE_SECONDS`` (300) from our clock, a signature seen before (replay;
  the cache keeps it for the window).

The claims go through the same mapping as OIDC (``sso.sso_login_resolve``): the USCC claim
``KAIGONG_OIDC_USCC_CLAIM`` makes a legal person, else the staff claim
``KAIGONG_OIDC_STAFF_CLAIM`` names a staff account. ``TicketBackend`` is the Django
authentication backend; the callback view logs in through ``django.contrib.auth``.

Logout (``sso_logout_url``): when the session was opened by the province, our logout then
sends the browser to the province's logout — OIDC ``end_session`` (with ``id_token_hint``)
when ``KAIGONG_OIDC_END_SESSION_ENDPOINT`` is set, CAS ``{server}/logout?service=…``, or
``KAIGONG_TICKET_LOGOUT_URL`` for an MD5 platform.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import xml.etree.ElementTree as ET  # noqa: S405 (the CAS server's answer, size-capped)
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.backends import BaseBackend
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _

import httpx

from kaigong.accounts.models import User
from kaigong.core.services import audit_record

from .sso import SsoRefused, sso_login_resolve

logger = logging.getLogger(__name__)

CAS_NS = "{http://www.yale.edu/tp/cas}"
MAX_ANSWER_BYTES = 64 * 1024
SESSION_PROVIDER = "kaigong_sso_provider"  # "oidc", "cas" or "md5": who opened the session
TICKET_BACKEND = "kaigong.integrations.tickets.TicketBackend"
OIDC_BACKEND = "kaigong.integrations.sso.ProvincialOIDCBackend"


class TicketBackend(BaseBackend):
    """Logs in the identity a validated ticket carries (``sso_claims``); else nothing."""

    def authenticate(self, request, sso_claims=None, sso_issuer=None, **kwargs):
        if sso_claims is None or not sso_issuer:
            return None
        return sso_login_resolve(claims=sso_claims, issuer=sso_issuer)

    def get_user(self, user_id):
        return User.objects.filter(pk=user_id, is_active=True).first()


def ticket_callback_url(request) -> str:
    return request.build_absolute_uri(reverse("sso_ticket_callback"))


def cas_login_url(request) -> str:
    server = settings.KAIGONG_CAS_SERVER_URL.rstrip("/")
    return f"{server}/login?{urlencode({'service': ticket_callback_url(request)})}"


def cas_validate(ticket: str, service: str) -> dict[str, Any]:
    """Ask the CAS server about ``ticket``; the identity's claims, or ``SsoRefused``."""
    server = settings.KAIGONG_CAS_SERVER_URL.rstrip("/")
    refused = SsoRefused(_refusal())
    if not ticket or len(ticket) > 256:
        raise refused
    try:
        response = httpx.get(
            f"{server}/p3/serviceValidate",
            params={"ticket": ticket, "service": service},
            timeout=settings.KAIGONG_TICKET_TIMEOUT_SECONDS,
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        logger.warning("CAS validation failed: %s", exc)
        raise refused from exc
    if response.status_code != 200 or len(response.content) > MAX_ANSWER_BYTES:
        raise refused
    try:
        root = ET.fromstring(response.content)  # noqa: S314
    except ET.ParseError as exc:
        raise refused from exc
    success = root.find(f"{CAS_NS}authenticationSuccess")
    user = success.findtext(f"{CAS_NS}user") if success is not None else None
    if success is None or not user:
        failure = root.find(f"{CAS_NS}authenticationFailure")
        code = failure.get("code", "") if failure is not None else ""
        logger.warning("CAS ticket refused: %s", code)
        raise refused
    claims: dict[str, Any] = {"sub": user.strip(), "preferred_username": user.strip()}
    attributes = success.find(f"{CAS_NS}attributes")
    if attributes is not None:
        for element in attributes:
            name = element.tag.removeprefix(CAS_NS)
            claims[name] = (element.text or "").strip()
    return claims


def md5_sign(params: dict[str, str], key: str) -> str:
    """MD5 over the non-empty parameters but ``sign``, sorted by name, then ``&key=``."""
    text = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "sign" and v != "")
    return hashlib.md5(f"{text}&key={key}".encode()).hexdigest()  # noqa: S324 (their scheme)


def md5_validate(params: dict[str, str], *, now: float | None = None) -> dict[str, Any]:
    """Check an MD5-signed callback; the identity's claims, or ``SsoRefused``."""
    refused = SsoRefused(_refusal())
    key = settings.KAIGONG_TICKET_MD5_KEY
    sign = params.get("sign", "").lower()
    if not key or not sign:
        raise refused
    if not hmac.compare_digest(md5_sign(params, key), sign):
        raise refused
    try:
        stamp = float(params.get("timestamp", ""))
    except ValueError as exc:
        raise refused from exc
    if stamp > 10**11:  # milliseconds
        stamp /= 1000
    window = settings.KAIGONG_TICKET_MAX_AGE_SECONDS
    if abs((now or time.time()) - stamp) > window:
        raise refused
    # a signed callback is good once: a replay inside the window is refused
    if not cache.add(f"sso-md5:{sign}", 1, timeout=2 * window):
        raise refused
    subject = params.get(settings.KAIGONG_TICKET_SUBJECT_PARAM, "").strip()
    if not subject:
        raise refused
    claims: dict[str, Any] = {k: v for k, v in params.items() if k not in ("sign", "timestamp")}
    claims.update(sub=subject, preferred_username=subject)
    return claims


def ticket_issuer() -> str:
    if settings.KAIGONG_TICKET_SSO == "cas":
        return settings.KAIGONG_CAS_SERVER_URL.rstrip("/")
    return settings.KAIGONG_TICKET_ISSUER or "md5"


def ticket_claims(request) -> dict[str, Any]:
    """The claims of the callback ``request`` (CAS or MD5, as configured)."""
    if settings.KAIGONG_TICKET_SSO == "cas":
        return cas_validate(request.GET.get("ticket", ""), ticket_callback_url(request))
    return md5_validate({k: request.GET.get(k, "") for k in request.GET})


def ticket_refused_record(message: str, subject: str = "") -> None:
    audit_record(
        actor=None,
        action="sso_login_refused",
        object_type="integrations.oidcidentity",
        object_id=subject[:100],
        summary=message,
    )


def _refusal() -> str:
    return _("The provincial login could not be confirmed. Log in again from the start.")


def sso_logout_url(request) -> str:
    """The province's logout for the session ``request`` holds; empty when there is none."""
    provider = request.session.get(SESSION_PROVIDER, "")
    backend = request.session.get("_auth_user_backend", "")
    back = request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL))
    if backend == OIDC_BACKEND and settings.KAIGONG_OIDC_END_SESSION_ENDPOINT:
        query = {"post_logout_redirect_uri": back, "client_id": settings.OIDC_RP_CLIENT_ID}
        if request.session.get("oidc_id_token"):
            query["id_token_hint"] = request.session["oidc_id_token"]
        return f"{settings.KAIGONG_OIDC_END_SESSION_ENDPOINT}?{urlencode(query)}"
    if backend != TICKET_BACKEND:
        return ""
    if provider == "cas" and settings.KAIGONG_CAS_SERVER_URL:
        server = settings.KAIGONG_CAS_SERVER_URL.rstrip("/")
        return f"{server}/logout?{urlencode({'service': back})}"
    if provider == "md5" and settings.KAIGONG_TICKET_LOGOUT_URL:
        return settings.KAIGONG_TICKET_LOGOUT_URL
    return ""
