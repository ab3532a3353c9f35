from django.urls import include, path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("", include("kaigong.web.enterprise.urls")),
    path("", include("kaigong.web.cases.urls")),
    path("", include("kaigong.web.certificates.urls")),
    path("", include("kaigong.web.public.urls")),
    path("", include("kaigong.web.staffadmin.urls")),
]
