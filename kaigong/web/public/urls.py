"""Public guide addresses. /guide/matters/<code>/v<number>/ never changes once published."""

from django.urls import path

from . import views

urlpatterns = [
    path("guide/", views.guide, name="guide"),
    path("guide/bundles/<slug:code>/", views.bundle_page, name="guide-bundle"),
    path("guide/matters/<str:code>/", views.matter_current, name="guide-matter"),
    path(
        "guide/materials/<slug:code>/<slug:kind>/",
        views.material_file,
        name="guide-material-file",
    ),
    path(
        "guide/matters/<str:code>/v<int:number>/",
        views.matter_version,
        name="guide-matter-version",
    ),
    path("draws/<uuid:public_id>/", views.draw_page, name="draw"),
]
