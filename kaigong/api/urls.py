"""The v1 API root: includes each app's ``api/urls.py``."""

from django.urls import include, path

from drf_spectacular.views import SpectacularAPIView

from .auth import LogoutApi, TokenListApi, TokenObtainApi, TokenRevokeApi
from .docs import SwaggerDocsView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerDocsView.as_view(url_name="schema"), name="docs"),
    path("auth/token/", TokenObtainApi.as_view(), name="auth-token"),
    path("auth/tokens/", TokenListApi.as_view(), name="auth-tokens"),
    path("auth/tokens/<str:token_id>/", TokenRevokeApi.as_view(), name="auth-token-revoke"),
    path("auth/logout/", LogoutApi.as_view(), name="auth-logout"),
    path("", include("kaigong.core.api.urls")),
    path("", include("kaigong.calendars.api.urls")),
    path("", include("kaigong.catalog.api.urls")),
    path("", include("kaigong.accounts.api.urls")),
    path("", include("kaigong.projects.api.urls")),
    path("", include("kaigong.certificates.api.urls")),
    path("", include("kaigong.cases.api.urls")),
    path("", include("kaigong.archives.api.urls")),
    path("", include("kaigong.documents.api.urls")),
    path("", include("kaigong.assistance.api.urls")),
    path("", include("kaigong.feedback.api.urls")),
    path("", include("kaigong.supervision.api.urls")),
    path("", include("kaigong.integrations.api.urls")),
    path("", include("kaigong.credit.api.urls")),
    path("", include("kaigong.marketplace.api.urls")),
    path("", include("kaigong.postapproval.api.urls")),
    path("", include("kaigong.inspections.api.urls")),
]
