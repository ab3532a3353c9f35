"""
``/sso/ticket/login/`` and ``/sso/ticket/callback/``: the provincial ticket login (CAS or
MD5-signed, ``kaigong/integrations/tickets.py``), answered only while
``KAIGONG_TICKET_SSO`` is set; otherwise 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from .sso import SsoRefused
from .tickets import (
    SESSION_PROVIDER,
    TICKET_BACKEND,
    TicketBackend,
    cas_login_url,
    ticket_claims,
    ticket_issuer,
    ticket_refused_record,
)

NEXT_KEY = "kaigong_sso_next"


def _enabled() -> None:
    if settings.KAIGONG_TICKET_SSO not in ("cas", "md5"):
        raise Http404


@require_GET
def ticket_login(request: HttpRequest) -> HttpResponse:
    """Send the browser to the provincial platform's login."""
    _enabled()
    wanted = request.GET.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_KEY] = wanted
    if settings.KAIGONG_TICKET_SSO == "cas":
        return redirect(cas_login_url(request))
    if not settings.KAIGONG_TICKET_MD5_LOGIN_URL:
        raise Http404
    return redirect(settings.KAIGONG_TICKET_MD5_LOGIN_URL)


@require_GET
def ticket_callback(request: HttpRequest) -> HttpResponse:
    """Validate the ticket (or the signature), log the identity in, or refuse clearly."""
    _enabled()
    try:
        claims = ticket_claims(request)
        user = TicketBackend().authenticate(request, sso_claims=claims, sso_issuer=ticket_issuer())
    except SsoRefused as refused:
        ticket_refused_record(refused.message, request.GET.get("ticket", "")[:40])
        messages.error(request, refused.message)
        return redirect(settings.LOGIN_URL)
    if user is None:  # pragma: no cover - the resolver raises rather than answer nothing
        return redirect(settings.LOGIN_URL)
    next_url = request.session.pop(NEXT_KEY, "")
    login(request, user, backend=TICKET_BACKEND)
    request.session[SESSION_PROVIDER] = settings.KAIGONG_TICKET_SSO
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


urlpatterns = [
    path("ticket/login/", ticket_login, name="sso_ticket_login"),
    path("ticket/callback/", ticket_callback, name="sso_ticket_callback"),
]
