"""
Integrations API: webhook subscriptions and deliveries, the SPGL exchange (runs, rows,
errors). Role: the platform administrator (``catalog_admin`` or a superuser); anyone else
gets 404 (docs/integrations.md#roles). Thin: parse, call one selector or service, render.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from kaigong.core.models import DeliveryStatus, OutboxDelivery
from kaigong.integrations import selectors, services
from kaigong.integrations.models import ExchangeRow, ExchangeRun, WebhookSubscription

from .serializers import (
    ExchangeRowOutputSerializer,
    ExchangeRunOutputSerializer,
    ReplayOutputSerializer,
    WebhookDeliveryOutputSerializer,
    WebhookRotateInputSerializer,
    WebhookSubscriptionInputSerializer,
    WebhookSubscriptionOutputSerializer,
    WebhookSubscriptionSecretSerializer,
    WebhookSubscriptionUpdateSerializer,
)

STATUS_PARAM = OpenApiParameter(
    "status", str, enum=list(DeliveryStatus.values), description="Only deliveries in this state."
)


class WebhookSubscriptionListApi(ListAPIView):
    """Webhook subscriptions. POST subscribes an endpoint; the answer shows its secret once."""

    serializer_class = WebhookSubscriptionOutputSerializer

    def get_queryset(self):
        return selectors.webhook_subscription_list_for(self.request.user)

    @extend_schema(summary="List webhook subscriptions", operation_id="webhook_subscription_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Subscribe an endpoint to topics",
        operation_id="webhook_subscription_create",
        request=WebhookSubscriptionInputSerializer,
        responses={201: WebhookSubscriptionSecretSerializer},
    )
    def post(self, request):
        selectors.webhook_subscription_list_for(request.user)  # 404 before parsing
        data = WebhookSubscriptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.webhook_subscription_create(
            actor=request.user, **data.validated_data
        )
        return Response(
            WebhookSubscriptionSecretSerializer(subscription).data, status=status.HTTP_201_CREATED
        )


class WebhookSubscriptionDetailApi(GenericAPIView):
    """One subscription. PATCH changes name, URL, topics, or pauses/resumes (``active``)."""

    serializer_class = WebhookSubscriptionOutputSerializer
    queryset = WebhookSubscription.objects.none()

    @extend_schema(summary="Read a webhook subscription", operation_id="webhook_subscription_get")
    def get(self, request, public_id):
        subscription = selectors.webhook_subscription_get_for(request.user, public_id)
        return Response(WebhookSubscriptionOutputSerializer(subscription).data)

    @extend_schema(
        summary="Change or pause a webhook subscription",
        operation_id="webhook_subscription_update",
        request=WebhookSubscriptionUpdateSerializer,
    )
    def patch(self, request, public_id):
        subscription = selectors.webhook_subscription_get_for(request.user, public_id)
        data = WebhookSubscriptionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.webhook_subscription_update(
            actor=request.user, subscription=subscription, **data.validated_data
        )
        return Response(WebhookSubscriptionOutputSerializer(subscription).data)


class WebhookSecretRotateApi(GenericAPIView):
    """A new signing secret; the old one signs beside it for ``overlap_hours`` (default 72)."""

    serializer_class = WebhookSubscriptionSecretSerializer
    queryset = WebhookSubscription.objects.none()

    @extend_schema(
        summary="Rotate a subscription's signing secret",
        operation_id="webhook_secret_rotate",
        request=WebhookRotateInputSerializer,
    )
    def post(self, request, public_id):
        subscription = selectors.webhook_subscription_get_for(request.user, public_id)
        data = WebhookRotateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.webhook_secret_rotate(
            actor=request.user,
            subscription=subscription,
            overlap_hours=data.validated_data.get("overlap_hours"),
        )
        return Response(WebhookSubscriptionSecretSerializer(subscription).data)


class WebhookDeliveryListApi(ListAPIView):
    """Deliveries of a subscription, newest first, each with its attempt log."""

    serializer_class = WebhookDeliveryOutputSerializer

    def get_queryset(self):
        subscription = selectors.webhook_subscription_get_for(
            self.request.user, self.kwargs["public_id"]
        )
        wanted = self.request.query_params.get("status", "")
        return selectors.webhook_delivery_list_for(
            self.request.user,
            subscription=subscription,
            status=wanted if wanted in DeliveryStatus.values else "",
        )

    @extend_schema(
        summary="List a subscription's deliveries",
        operation_id="webhook_delivery_list",
        parameters=[STATUS_PARAM],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class WebhookDeliveryReplayApi(GenericAPIView):
    """Deliver again now (a dead letter, or a delivered message the receiver lost)."""

    serializer_class = ReplayOutputSerializer
    queryset = OutboxDelivery.objects.none()

    @extend_schema(
        summary="Replay a webhook delivery", operation_id="webhook_delivery_replay", request=None
    )
    def post(self, request, public_id, delivery_id):
        subscription = selectors.webhook_subscription_get_for(request.user, public_id)
        delivery = selectors.webhook_delivery_get_for(
            request.user, delivery_id, subscription=subscription
        )
        count = services.webhook_deliveries_replay(
            actor=request.user, subscription=subscription, deliveries=[delivery]
        )
        return Response({"replayed": count})


class ExchangeRunListApi(ListAPIView):
    """SPGL export runs to the provincial front database, newest first."""

    serializer_class = ExchangeRunOutputSerializer
    queryset = ExchangeRun.objects.none()

    def get_queryset(self):
        return selectors.exchange_run_list_for(self.request.user)

    @extend_schema(summary="List SPGL export runs", operation_id="exchange_run_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


TABLE_PARAM = OpenApiParameter("table", str, description="Only this SPGL table (SPGL_…).")


class ExchangeRowListApi(ListAPIView):
    """Rows sent to the front tables, with their control columns, newest first."""

    serializer_class = ExchangeRowOutputSerializer
    queryset = ExchangeRow.objects.none()
    errors_only = False

    def get_queryset(self):
        table = self.request.query_params.get("table", "")[:40]
        return selectors.exchange_row_list_for(
            self.request.user, table=table, errors_only=self.errors_only
        )

    @extend_schema(
        summary="List SPGL rows", operation_id="exchange_row_list", parameters=[TABLE_PARAM]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ExchangeErrorListApi(ExchangeRowListApi):
    """Rows the province refused (SJSCZT 2 or -1) with the reason it gave (SBYY)."""

    errors_only = True

    @extend_schema(
        summary="List SPGL rows the province refused",
        operation_id="exchange_error_list",
        parameters=[TABLE_PARAM],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
