from django.urls import include, path

from . import otp, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/otp/setup/", otp.otp_setup, name="otp-setup"),
    path("accounts/otp/verify/", otp.otp_verify_page, name="otp-verify"),
    path("regions/options/", views.region_options, name="region-options"),
    path("", include("kaigong.web.enterprise.urls")),
    path("", include("kaigong.web.cases.urls")),
    path("", include("kaigong.web.certificates.urls")),
    path("", include("kaigong.web.documents.urls")),
    path("", include("kaigong.web.feedback.urls")),
    path("", include("kaigong.web.public.urls")),
    path("", include("kaigong.web.staffadmin.urls")),
    path("", include("kaigong.web.assistance.urls")),
    path("", include("kaigong.web.supervision.urls")),
    path("", include("kaigong.web.integrations.urls")),
    path("", include("kaigong.web.marketplace.urls")),
    path("", include("kaigong.web.postapproval.urls")),
    path("", include("kaigong.web.credit.urls")),
    path("", include("kaigong.web.inspections.urls")),
]
