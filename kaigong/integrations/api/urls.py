from django.urls import path

from . import views

app_name = "integrations-api"

urlpatterns = [
    path(
        "webhooks/subscriptions/",
        views.WebhookSubscriptionListApi.as_view(),
        name="webhook-subscriptions",
    ),
    path(
        "webhooks/subscriptions/<uuid:public_id>/",
        views.WebhookSubscriptionDetailApi.as_view(),
        name="webhook-subscription",
    ),
    path(
        "webhooks/subscriptions/<uuid:public_id>/rotate/",
        views.WebhookSecretRotateApi.as_view(),
        name="webhook-rotate",
    ),
    path(
        "webhooks/subscriptions/<uuid:public_id>/deliveries/",
        views.WebhookDeliveryListApi.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhooks/subscriptions/<uuid:public_id>/deliveries/<int:delivery_id>/replay/",
        views.WebhookDeliveryReplayApi.as_view(),
        name="webhook-replay",
    ),
    path("exchange/runs/", views.ExchangeRunListApi.as_view(), name="exchange-runs"),
    path("exchange/rows/", views.ExchangeRowListApi.as_view(), name="exchange-rows"),
    path("exchange/errors/", views.ExchangeErrorListApi.as_view(), name="exchange-errors"),
]
