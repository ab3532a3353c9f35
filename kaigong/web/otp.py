"""
Pages of the staff second factor (django-otp TOTP) and the middleware that asks for it.

With ``STAFF_OTP_REQUIRED`` on, a staff user logged in with a password but not yet
verified reaches only the enrolment page (no device yet), the verification page and
logout; the API answers 403 ``otp_required`` to such a session. Applicants are never asked.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import django_otp

from kaigong.accounts.otp import (
    otp_confirmed_device,
    otp_is_staff,
    otp_required_for,
    otp_verify,
    totp_device_confirm,
    totp_device_pending,
    totp_device_start,
    totp_qr_data_uri,
)
from kaigong.core.client_ip import client_ip
from kaigong.web.auth_request import AuthenticatedRequest


class OtpCodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6,8}\s*$",
        label=gettext_lazy("Six-digit code"),
        error_messages={"invalid": gettext_lazy("Enter the six digits the app shows.")},
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("web:home")


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


@login_required
def otp_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Enrol (or replace) the user's authenticator app: scan the code, type one code."""
    user = request.user
    if not otp_is_staff(user):
        return redirect("web:home")
    if otp_confirmed_device(user) is not None and not user.is_verified():
        return redirect(_with_next("web:otp-verify", reverse("web:otp-setup")))
    form = OtpCodeForm(request.POST or None)
    device = totp_device_pending(user=user) if request.method == "POST" else None
    if request.method == "POST" and device is not None and form.is_valid():
        code = form.cleaned_data["code"].strip()
        if totp_device_confirm(user=user, device=device, token=code, ip=client_ip(request)):
            django_otp.login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _("The code is wrong or has expired. Try the next one."))
    if device is None:
        device = totp_device_start(user=user)
    context = {"form": form, "qr": totp_qr_data_uri(device), "next": _next_url(request)}
    return render(request, "registration/otp_setup.html", context)


@login_required
def otp_verify_page(request: AuthenticatedRequest) -> HttpResponse:
    """Type the current code of the enrolled app (once per login)."""
    user = request.user
    if otp_confirmed_device(user) is None:
        return redirect(_with_next("web:otp-setup", _next_url(request)))
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp_verify(user=user, token=form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _("The code is wrong or has expired. Try the next one."))
    return render(
        request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)}
    )


class StaffOtpRequiredMiddleware:
    """Send a staff session without a verified second factor to enrolment or verification."""

    EXEMPT = ("/accounts/login/", "/accounts/logout/", "/accounts/otp/", "/static/")

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.EXEMPT)
            and not user.is_verified()
            and otp_required_for(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "type": "https://kaigong.example/problems/otp_required",
                        "title": _("Permission denied"),
                        "status": 403,
                        "code": "otp_required",
                        "detail": _("Staff must confirm the login with the authenticator app."),
                        "invalid_params": [],
                    },
                    status=403,
                    content_type="application/problem+json",
                )
            target = "web:otp-verify" if otp_confirmed_device(user) else "web:otp-setup"
            return redirect(_with_next(target, request.get_full_path()))
        return self.get_response(request)
