from django.urls import path

from . import views

app_name = "certificates-api"

urlpatterns = [
    path("certificates/", views.CertificateListApi.as_view(), name="certificate-list"),
    path("certificates/verify/", views.CertificateVerifyApi.as_view(), name="certificate-verify"),
    path(
        "certificates/joint-conditions/",
        views.JointConditionApi.as_view(),
        name="certificate-joint-condition",
    ),
    path(
        "certificates/<uuid:public_id>/",
        views.CertificateDetailApi.as_view(),
        name="certificate-detail",
    ),
    path(
        "certificates/<uuid:public_id>/pdf/",
        views.CertificatePdfApi.as_view(),
        name="certificate-pdf",
    ),
    path(
        "certificates/<uuid:public_id>/revoke/",
        views.CertificateRevokeApi.as_view(),
        name="certificate-revoke",
    ),
]
