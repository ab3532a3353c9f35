from django.urls import path

from . import views

app_name = "archives-api"

urlpatterns = [
    path(
        "archives/projects/<uuid:public_id>/",
        views.ArchiveProjectApi.as_view(),
        name="archive-project",
    ),
    path(
        "archives/projects/<uuid:public_id>/package/",
        views.ArchivePackageApi.as_view(),
        name="archive-package",
    ),
]
