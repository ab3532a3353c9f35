from django.urls import path

from . import views

urlpatterns = [
    path("supervision/", views.dashboard_page, name="supervision"),
    path("supervision/queues/<str:queue>/", views.queue_page, name="supervision-queue"),
    path("supervision/items/<uuid:public_id>/", views.item_page, name="supervision-item"),
    path("supervision/orders/", views.orders_page, name="supervision-orders"),
    path("supervision/orders/<uuid:public_id>/", views.order_page, name="supervision-order"),
    path("supervision/registers/", views.registers_page, name="supervision-registers"),
    path(
        "supervision/registers/<uuid:public_id>/", views.register_page, name="supervision-register"
    ),
    path(
        "supervision/circulars/<uuid:public_id>/", views.circular_page, name="supervision-circular"
    ),
    path("supervision/statistics/", views.statistics_page, name="supervision-statistics"),
    path("supervision/reform/", views.reform_page, name="supervision-reform"),
    path("supervision/snapshots/", views.snapshots_page, name="supervision-snapshots"),
    path("supervision/thresholds/", views.thresholds_page, name="supervision-thresholds"),
    path(
        "supervision/thresholds/rules/new/",
        views.signal_rule_page,
        name="supervision-signal-rule-new",
    ),
    path(
        "supervision/thresholds/rules/<uuid:public_id>/",
        views.signal_rule_page,
        name="supervision-signal-rule",
    ),
    path(
        "supervision/thresholds/steps/new/",
        views.step_limit_page,
        name="supervision-step-limit-new",
    ),
    path(
        "supervision/thresholds/steps/<uuid:public_id>/",
        views.step_limit_page,
        name="supervision-step-limit",
    ),
]
