from django.urls import path

from . import archive_views, views

urlpatterns = [
    path("archives/", archive_views.archive_ledger_page, name="archive-ledger"),
    path(
        "archives/projects/<uuid:public_id>/",
        archive_views.archive_folder_page,
        name="archive-folder",
    ),
    path(
        "archives/projects/<uuid:public_id>/package/",
        archive_views.archive_package_download,
        name="archive-package",
    ),
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
