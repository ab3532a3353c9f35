"""
``/oidc/authenticate/`` and ``/oidc/callback/`` (mozilla-django-oidc's views), answered only
while ``KAIGONG_OIDC_ENABLED``; otherwise 404 (an unconfigured provider is never a 500).
"""

from django.conf import settings
from django.http import Http404
from django.urls import path

from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)


def _when_enabled(view):
    def wrapped(request, *args, **kwargs):
        if not settings.KAIGONG_OIDC_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


urlpatterns = [
    path(
        "authenticate/",
        _when_enabled(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "callback/",
        _when_enabled(OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
