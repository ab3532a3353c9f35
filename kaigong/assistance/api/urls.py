from django.urls import path

from . import views

app_name = "assistance-api"

P = "assistance/"

urlpatterns = [
    path(f"{P}assignments/", views.AssignmentListApi.as_view(), name="assignments"),
    path(
        f"{P}assignments/<uuid:public_id>/hand-over/",
        views.AssignmentHandOverApi.as_view(),
        name="hand-over",
    ),
    path(f"{P}mandates/", views.MandateListApi.as_view(), name="mandates"),
    path(f"{P}mandates/<uuid:public_id>/", views.MandateDetailApi.as_view(), name="mandate"),
    path(
        f"{P}mandates/<uuid:public_id>/revoke/",
        views.MandateRevokeApi.as_view(),
        name="mandate-revoke",
    ),
    path(f"{P}questions/", views.QuestionListApi.as_view(), name="questions"),
    path(
        f"{P}questions/<uuid:public_id>/answer/",
        views.QuestionAnswerApi.as_view(),
        name="question-answer",
    ),
    path(
        f"{P}questions/<uuid:public_id>/publish/",
        views.QuestionPublishApi.as_view(),
        name="question-publish",
    ),
    path(f"{P}policies/", views.PolicyListApi.as_view(), name="policies"),
    path(f"{P}policies/<uuid:public_id>/read/", views.PolicyReadApi.as_view(), name="policy-read"),
    path(
        f"{P}policies/<uuid:public_id>/sign-up/",
        views.PolicySignUpApi.as_view(),
        name="policy-sign-up",
    ),
    path(f"{P}pre-reviews/", views.PreReviewListApi.as_view(), name="pre-reviews"),
    path(
        f"{P}pre-reviews/<uuid:public_id>/annotate/",
        views.PreReviewAnnotateApi.as_view(),
        name="pre-review-annotate",
    ),
    path(f"{P}teams/", views.TeamListApi.as_view(), name="teams"),
    path(f"{P}signups/", views.SignupListApi.as_view(), name="signups"),
    path(
        f"{P}signups/<uuid:public_id>/attendance/",
        views.SignupAttendanceApi.as_view(),
        name="signup-attendance",
    ),
    path(f"{P}suggestions/", views.SuggestionListApi.as_view(), name="suggestions"),
    path(
        f"{P}suggestions/<uuid:public_id>/",
        views.SuggestionDetailApi.as_view(),
        name="suggestion",
    ),
    path(
        f"{P}suggestions/<uuid:public_id>/close/",
        views.SuggestionCloseApi.as_view(),
        name="suggestion-close",
    ),
    path(f"{P}workbench/", views.WorkbenchApi.as_view(), name="workbench"),
]
