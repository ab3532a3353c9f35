from django.urls import include, path

from . import views
from .track import TrackApi

app_name = "projects-api"

project_urls = [
    path("", views.ProjectDetailApi.as_view(), name="project-detail"),
    path("answers/", views.ProjectAnswersApi.as_view(), name="project-answers"),
    path("site/", views.ProjectSiteApi.as_view(), name="project-site"),
    path("guide/", views.ProjectGuideApi.as_view(), name="project-guide"),
    path("guide/pdf/", views.ProjectGuidePdfApi.as_view(), name="project-guide-pdf"),
    path("timeline/", views.ProjectTimelineApi.as_view(), name="project-timeline"),
    path("service-code/", views.ProjectServiceCodeApi.as_view(), name="project-service-code"),
    path(
        "service-code/rotate/",
        views.ProjectServiceCodeRotateApi.as_view(),
        name="project-service-code-rotate",
    ),
    path(
        "service-code/qr.png",
        views.ProjectServiceCodeQrApi.as_view(),
        name="project-service-code-qr",
    ),
]

urlpatterns = [
    path("track/<str:token>/", TrackApi.as_view(), name="track"),
    path("projects/", views.ProjectListCreateApi.as_view(), name="project-list"),
    path("projects/<uuid:public_id>/", include(project_urls)),
    path(
        "enterprises/<uuid:public_id>/service-code/",
        views.EnterpriseServiceCodeApi.as_view(),
        name="enterprise-service-code",
    ),
    path(
        "enterprises/<uuid:public_id>/service-code/rotate/",
        views.EnterpriseServiceCodeRotateApi.as_view(),
        name="enterprise-service-code-rotate",
    ),
    path(
        "enterprises/<uuid:public_id>/service-code/qr.png",
        views.EnterpriseServiceCodeQrApi.as_view(),
        name="enterprise-service-code-qr",
    ),
]
