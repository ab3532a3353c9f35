"""Pages shared by every role: home, login, logout. Thin: they render, services decide."""

from typing import cast

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kaigong.accounts.regions import region_children, region_get
from kaigong.accounts.selectors import membership_list_for
from kaigong.core.throttling import TokenIpThrottle, UsernameRateThrottle
from kaigong.integrations.tickets import sso_logout_url

from .forms import LoginForm
from .public.views import public_home
from .ratelimit import rate_limited
from .templatetags.kaigong_nav import nav_links


@method_decorator(
    rate_limited(TokenIpThrottle, UsernameRateThrottle, methods=("POST",)), name="dispatch"
)
class LoginView(auth_views.LoginView):
    """Password login; attempts are throttled per address and per user name (the API's
    budgets), and staff then confirm with their authenticator app (``kaigong.web.otp``)."""

    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # the provincial SSO button (docs/integrations.md#sso)
        return {
            **super().get_context_data(**kwargs),
            "sso_enabled": settings.KAIGONG_OIDC_ENABLED,
            "ticket_sso_enabled": settings.KAIGONG_TICKET_SSO in ("cas", "md5"),
        }


class LogoutView(auth_views.LogoutView):
    """Ends the browser session only: API tokens are revoked by ``POST /api/v1/auth/logout/``
    or ``DELETE /api/v1/auth/tokens/{id}/`` (docs/adr/0004-proxies-tokens-headers.md).
    A session the province opened then ends at the province too (its logout URL,
    docs/integrations.md#sso-logout)."""

    def post(self, request, *args, **kwargs):
        provider = sso_logout_url(request)  # read before the session is flushed
        response = super().post(request, *args, **kwargs)
        return redirect(provider) if provider else response


def home(request: HttpRequest) -> HttpResponse:
    """Anonymous visitors: what the service is. Logged-in users: their roles' start page."""
    if not request.user.is_authenticated:
        return public_home(request)
    memberships = membership_list_for(request.user).select_related(
        "enterprise", "department", "service_center"
    )
    roles = {m.role for m in memberships}
    return render(
        request,
        "web/home.html",
        {"memberships": memberships, "roles": roles, "links": nav_links(request.user)},
    )


def lockout_response(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    """What django-axes answers once a user name is locked out (login lockout)."""
    message = _(
        "Too many failed attempts: this account is locked for a while. Try again later "
        "or ask the service centre to unlock it."
    )
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "type": "https://kaigong.example/problems/account_locked",
                "title": _("Permission denied"),
                "status": 403,
                "code": "account_locked",
                "detail": message,
                "invalid_params": [],
            },
            status=403,
            content_type="application/problem+json",
        )
    return render(request, "registration/locked.html", {"message": message}, status=403)


# --- Error pages of our own (config/urls.py handler400/403/404/500) -------------------------

ERRORS = {
    400: ("bad_request", _lazy("Bad request")),
    403: ("permission_denied", _lazy("Permission denied")),
    404: ("not_found", _lazy("Not found")),
    500: ("server_error", _lazy("Server error")),
}


def _problem(status: int) -> JsonResponse:
    code, title = ERRORS[status]
    return JsonResponse(
        {
            "type": f"https://kaigong.example/problems/{code}",
            "title": str(title),
            "status": status,
            "code": code,
            "detail": str(title),
            "invalid_params": [],
        },
        status=status,
        content_type="application/problem+json",
        json_dumps_params={"ensure_ascii": False},
    )


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    """The API answers problem+json; pages answer a plain Chinese page with a link home."""
    if request.path.startswith("/api/"):
        return _problem(status)
    return render(request, template, status=status)


def error_400(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, 400, "400.html")


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, 403, "403.html")


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, 404, "404.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (expired page, cookies off): our 403 page, with what to do."""
    return _error(request, 403, "403.html")


def error_500(request: HttpRequest) -> HttpResponse:
    """
    Rendered without the request: no context processor, no session, no database, since
    any of them may be what failed.
    """
    if request.path.startswith("/api/"):
        return _problem(500)
    return HttpResponseServerError(loader.get_template("500.html").render({}))


def region_options(request: HttpRequest) -> HttpResponse:
    """
    The ``<option>`` list of the next level of the region picker (htmx): the cities of the
    province in ``<field>__province``, or the counties of the city in ``<field>__city``.
    Public (the sign-up form uses it); an unknown code gives an empty list.
    """
    parent, level = "", "city"
    for key, value in request.GET.items():
        value = cast(str, value)  # QueryDict.items() gives each key's last value, a str
        if key.endswith("__province"):
            parent, level = value, "city"
        elif key.endswith("__city"):
            parent, level = value, "county"
    options = region_children(parent) if region_get(parent) is not None else []
    return render(
        request,
        "web/widgets/_region_options.html",
        {"options": options, "level": level, "chosen": ""},
    )
