from django.urls import path

from . import views

urlpatterns = [
    path("integrations/", views.integrations_home, name="integrations-home"),
    path(
        "integrations/webhooks/<uuid:public_id>/",
        views.webhook_detail,
        name="integrations-webhook",
    ),
    path(
        "integrations/webhooks/<uuid:public_id>/rotate/",
        views.webhook_rotate,
        name="integrations-webhook-rotate",
    ),
    path(
        "integrations/webhooks/<uuid:public_id>/toggle/",
        views.webhook_toggle,
        name="integrations-webhook-toggle",
    ),
    path(
        "integrations/webhooks/<uuid:public_id>/deliveries/<int:delivery_id>/replay/",
        views.webhook_replay,
        name="integrations-webhook-replay",
    ),
]
