from django.urls import path

from . import views

urlpatterns = [
    path("enterprises/", views.EnterpriseRegisterApi.as_view(), name="enterprise-register"),
    path("inbox/", views.InboxApi.as_view(), name="inbox"),
    path("inbox/read-all/", views.InboxReadAllApi.as_view(), name="inbox-read-all"),
    path("inbox/<uuid:public_id>/read/", views.InboxReadApi.as_view(), name="inbox-read"),
]
