from django.urls import path

from . import views

app_name = "feedback-api"

urlpatterns = [
    path("feedback/invitations/<str:token>/", views.InvitationApi.as_view(), name="invitation"),
    path("feedback/evaluations/", views.EvaluationListApi.as_view(), name="evaluations"),
    path(
        "feedback/evaluations/<uuid:public_id>/",
        views.EvaluationDetailApi.as_view(),
        name="evaluation",
    ),
    path(
        "feedback/evaluations/<uuid:public_id>/appeals/",
        views.EvaluationAppealApi.as_view(),
        name="evaluation-appeal",
    ),
    path(
        "feedback/appeals/<uuid:public_id>/decision/",
        views.AppealDecisionApi.as_view(),
        name="appeal-decision",
    ),
    path("feedback/results/", views.ResultsApi.as_view(), name="results"),
    path("feedback/tickets/", views.TicketListApi.as_view(), name="tickets"),
    path("feedback/tickets/<uuid:public_id>/", views.TicketDetailApi.as_view(), name="ticket"),
    path(
        "feedback/tickets/<uuid:public_id>/actions/",
        views.TicketActionApi.as_view(),
        name="ticket-act",
    ),
    path("feedback/callbacks/", views.CallbackListApi.as_view(), name="callbacks"),
    path(
        "feedback/callbacks/figures/", views.CallbackFiguresApi.as_view(), name="callback-figures"
    ),
    path(
        "feedback/callbacks/<uuid:public_id>/outcome/",
        views.CallbackOutcomeApi.as_view(),
        name="callback-outcome",
    ),
    path("complaints/", views.ComplaintListApi.as_view(), name="complaints"),
    path("complaints/hotline/", views.HotlineIntakeApi.as_view(), name="hotline-intake"),
    path(
        "complaints/hotline/<str:ticket_no>/",
        views.HotlineStatusApi.as_view(),
        name="hotline-status",
    ),
    path("complaints/<uuid:public_id>/", views.ComplaintDetailApi.as_view(), name="complaint"),
    path(
        "complaints/<uuid:public_id>/actions/",
        views.ComplaintActionApi.as_view(),
        name="complaint-act",
    ),
]
