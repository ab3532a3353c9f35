from django.urls import path

from . import views

urlpatterns = [
    path("feedback/rate/<str:token>/", views.rate, name="feedback-rate"),
    path("feedback/rate/<str:token>/qr.png", views.rate_qr, name="feedback-rate-qr"),
    path("feedback/results/", views.results, name="feedback-results"),
    path("feedback/", views.worklist, name="feedback-worklist"),
    path("feedback/tickets/<uuid:public_id>/", views.ticket_detail, name="feedback-ticket"),
    path(
        "feedback/evaluations/<uuid:public_id>/",
        views.evaluation_detail,
        name="feedback-evaluation",
    ),
    path("feedback/callbacks/", views.callbacks, name="feedback-callbacks"),
    path("feedback/callbacks/build/", views.callbacks_build, name="feedback-callbacks-build"),
    path("feedback/callbacks/<uuid:public_id>/", views.callback_detail, name="feedback-callback"),
    path("complaints/", views.complaints, name="complaint-list"),
    path("complaints/new/", views.complaint_new, name="complaint-new"),
    path("complaints/counter/", views.complaint_counter, name="complaint-counter"),
    path("complaints/<uuid:public_id>/", views.complaint_detail, name="complaint-detail"),
]
