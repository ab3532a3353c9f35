from django.urls import path

from . import views

urlpatterns = [
    path("enterprises/register/", views.enterprise_register, name="enterprise-register"),
    path(
        "enterprises/<uuid:public_id>/service-code/",
        views.enterprise_service_code,
        name="enterprise-service-code",
    ),
    path(
        "enterprises/<uuid:public_id>/service-code/qr.png",
        views.enterprise_service_code_qr,
        name="enterprise-service-code-qr",
    ),
    path("projects/", views.project_list, name="project-list"),
    path("projects/new/", views.project_create, name="project-create"),
    path("projects/<uuid:public_id>/", views.project_detail, name="project-detail"),
    path("projects/<uuid:public_id>/answers/", views.project_answers, name="project-answers"),
    path("projects/<uuid:public_id>/guide.pdf", views.project_guide_pdf, name="project-guide-pdf"),
    path("projects/<uuid:public_id>/timeline/", views.project_timeline, name="project-timeline"),
    path(
        "projects/<uuid:public_id>/service-code/",
        views.project_service_code,
        name="project-service-code",
    ),
    path(
        "projects/<uuid:public_id>/service-code/qr.png",
        views.project_service_code_qr,
        name="project-service-code-qr",
    ),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox-read-all"),
    path("inbox/<uuid:public_id>/read/", views.inbox_read, name="inbox-read"),
    path("track/<str:token>/", views.track, name="track"),
]
