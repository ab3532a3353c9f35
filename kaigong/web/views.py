"""Pages shared by every role: home, login, logout. Thin: they render, services decide."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from kaigong.accounts.selectors import membership_list_for
from kaigong.core.throttling import TokenIpThrottle, UsernameRateThrottle

from .forms import LoginForm
from .ratelimit import rate_limited


@method_decorator(
    rate_limited(TokenIpThrottle, UsernameRateThrottle, methods=("POST",)), name="dispatch"
)
class LoginView(auth_views.LoginView):
    """Password login; attempts are throttled per address and per user name (the API's
    budgets), and staff then confirm with their authenticator app (``kaigong.web.otp``)."""

    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Ends the browser session only: API tokens are revoked by ``POST /api/v1/auth/logout/``
    or ``DELETE /api/v1/auth/tokens/{id}/`` (docs/adr/0003-proxies-tokens-headers.md)."""


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = membership_list_for(request.user).select_related(
        "enterprise", "department", "service_center"
    )
    roles = {m.role for m in memberships}
    return render(request, "web/home.html", {"memberships": memberships, "roles": roles})


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
