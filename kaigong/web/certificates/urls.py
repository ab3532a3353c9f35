from django.urls import path

from . import views

urlpatterns = [
    path("certificates/", views.certificate_library, name="certificate-library"),
    path("certificates/verify/", views.certificate_verify, name="certificate-verify"),
    path("certificates/<uuid:public_id>/", views.certificate_detail, name="certificate-detail"),
    path("certificates/<uuid:public_id>/pdf/", views.certificate_pdf, name="certificate-pdf"),
    path(
        "certificates/<uuid:public_id>/revoke/",
        views.certificate_revoke_view,
        name="certificate-revoke",
    ),
]
