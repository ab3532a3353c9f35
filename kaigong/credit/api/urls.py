from django.urls import path

from . import views

app_name = "credit-api"

urlpatterns = [
    path("credit/records/", views.CreditRecordListApi.as_view(), name="record-list"),
    path(
        "credit/records/<uuid:public_id>/",
        views.CreditRecordDetailApi.as_view(),
        name="record-detail",
    ),
    path(
        "credit/records/<uuid:public_id>/repairs/",
        views.CreditRepairRequestApi.as_view(),
        name="repair-request",
    ),
    path(
        "credit/repairs/<uuid:public_id>/decide/",
        views.CreditRepairDecideApi.as_view(),
        name="repair-decide",
    ),
    path("credit/gates/<str:gate>/", views.CreditGateApi.as_view(), name="gate"),
]
