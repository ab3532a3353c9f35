"""Pages shared by every role: home, login, logout. Thin: they render, services decide."""

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kaigong.accounts.selectors import membership_list_for

from .forms import LoginForm
from .public.views import public_home
from .templatetags.kaigong_nav import nav_links


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


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
