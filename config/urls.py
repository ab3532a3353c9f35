from django.contrib import admin
from django.urls import include, path

from kaigong.integrations.observability import healthz, metrics, readyz

urlpatterns = [
    # liveness, readiness and Prometheus metrics (docs/deploy.md#observability)
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    # provincial SSO: /oidc/authenticate/ and /oidc/callback/ (docs/integrations.md#sso)
    path("oidc/", include("kaigong.integrations.sso_urls")),
    # provincial ticket login (CAS / MD5-signed): /sso/ticket/login/, /sso/ticket/callback/
    path("sso/", include("kaigong.integrations.ticket_urls")),
    path("api/v1/", include("kaigong.api.urls")),
    path("", include("kaigong.web.urls")),
]

# Error pages of our own, in Chinese; problem+json under /api/ (kaigong/web/views.py).
handler400 = "kaigong.web.views.error_400"
handler403 = "kaigong.web.views.error_403"
handler404 = "kaigong.web.views.error_404"
handler500 = "kaigong.web.views.error_500"
