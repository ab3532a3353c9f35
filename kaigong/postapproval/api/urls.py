from django.urls import path

from . import views

app_name = "postapproval-api"

P = "post-approval/"
urlpatterns = [
    path(P + "check-items/", views.CheckItemListApi.as_view(), name="item-list"),
    path(
        P + "check-items/<uuid:public_id>/", views.CheckItemDetailApi.as_view(), name="item-detail"
    ),
    path(P + "plans/", views.PlanListApi.as_view(), name="plan-list"),
    path(P + "plans/<uuid:public_id>/", views.PlanDetailApi.as_view(), name="plan-detail"),
    path(
        P + "plans/<uuid:public_id>/generate-tasks/",
        views.PlanGenerateTasksApi.as_view(),
        name="plan-generate-tasks",
    ),
    path(P + "tasks/", views.TaskCreateApi.as_view(), name="task-create"),
    path(P + "tasks/<uuid:public_id>/", views.TaskDetailApi.as_view(), name="task-detail"),
    path(
        P + "tasks/<uuid:public_id>/draw-targets/",
        views.TaskDrawTargetsApi.as_view(),
        name="task-draw-targets",
    ),
    path(
        P + "tasks/<uuid:public_id>/draw-inspectors/",
        views.TaskDrawInspectorsApi.as_view(),
        name="task-draw-inspectors",
    ),
    path(
        P + "tasks/<uuid:public_id>/publish/", views.TaskPublishApi.as_view(), name="task-publish"
    ),
    path(
        P + "targets/<uuid:public_id>/result/",
        views.TargetResultApi.as_view(),
        name="target-result",
    ),
    path(
        P + "targets/<uuid:public_id>/findings/",
        views.FindingCreateApi.as_view(),
        name="finding-create",
    ),
    path(
        P + "findings/<uuid:public_id>/revoke/",
        views.FindingRevokeApi.as_view(),
        name="finding-revoke",
    ),
    path(
        P + "findings/<uuid:public_id>/rectified/",
        views.FindingRectifiedApi.as_view(),
        name="finding-rectified",
    ),
    path(
        P + "commitment-checks/",
        views.CommitmentCheckListApi.as_view(),
        name="commitment-check-list",
    ),
    path(
        P + "commitment-checks/<uuid:public_id>/record/",
        views.CommitmentCheckRecordApi.as_view(),
        name="commitment-check-record",
    ),
]
