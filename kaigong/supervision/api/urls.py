from django.urls import path

from . import views

app_name = "supervision-api"

urlpatterns = [
    path("supervision/dashboard/", views.DashboardApi.as_view(), name="dashboard"),
    path("supervision/queues/<str:queue>/", views.QueueApi.as_view(), name="queue"),
    path("supervision/items/<uuid:public_id>/", views.ItemFiguresApi.as_view(), name="item"),
    path("supervision/orders/", views.OrderListApi.as_view(), name="orders"),
    path("supervision/orders/<uuid:public_id>/", views.OrderDetailApi.as_view(), name="order"),
    path("supervision/registers/", views.BatchListApi.as_view(), name="registers"),
    path(
        "supervision/registers/<uuid:public_id>/", views.BatchDetailApi.as_view(), name="register"
    ),
    path("supervision/statistics/", views.StatisticsApi.as_view(), name="statistics"),
    path("supervision/reform/", views.ReformApi.as_view(), name="reform"),
    path("supervision/snapshots/", views.SnapshotListApi.as_view(), name="snapshots"),
    path("supervision/signal-rules/", views.SignalRuleListApi.as_view(), name="signal-rules"),
    path("supervision/step-limits/", views.StepLimitListApi.as_view(), name="step-limits"),
]
