from django.utils.translation import gettext_lazy as _

from rest_framework import serializers

from kaigong.core.fields import StrictCharField
from kaigong.core.models import OutboxAttempt, OutboxDelivery
from kaigong.integrations.models import ExchangeRow, ExchangeRun, WebhookSubscription
from kaigong.integrations.services import TOPIC_CHOICES


class WebhookSubscriptionOutputSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    consumer = serializers.CharField(source="consumer_name", read_only=True)
    rotation_overlap_until = serializers.DateTimeField(
        source="previous_secret_until", read_only=True, allow_null=True
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "name",
            "url",
            "topics",
            "active",
            "consumer",
            "rotation_overlap_until",
            "created_at",
        ]


class WebhookSubscriptionSecretSerializer(WebhookSubscriptionOutputSerializer):
    """Shown once, when made or rotated: the receiver verifies with it."""

    secret = serializers.CharField(read_only=True)

    class Meta(WebhookSubscriptionOutputSerializer.Meta):
        fields = [*WebhookSubscriptionOutputSerializer.Meta.fields, "secret"]


class WebhookSubscriptionInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=100)
    url = StrictCharField(max_length=500, help_text=_("https endpoint that receives the POSTs."))
    topics = serializers.ListField(
        child=serializers.ChoiceField(choices=TOPIC_CHOICES), min_length=1, max_length=20
    )


class WebhookSubscriptionUpdateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=100, required=False)
    url = StrictCharField(max_length=500, required=False)
    topics = serializers.ListField(
        child=serializers.ChoiceField(choices=TOPIC_CHOICES),
        min_length=1,
        max_length=20,
        required=False,
    )
    active = serializers.BooleanField(required=False)


class WebhookRotateInputSerializer(serializers.Serializer):
    overlap_hours = serializers.IntegerField(
        min_value=0,
        max_value=720,
        required=False,
        help_text=_("How long the old secret keeps signing beside the new one."),
    )


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutboxAttempt
        fields = ["number", "attempted_at", "succeeded", "error", "duration_ms"]


class WebhookDeliveryOutputSerializer(serializers.ModelSerializer):
    topic = serializers.CharField(source="message.topic", read_only=True)
    webhook_id = serializers.SerializerMethodField()
    attempts_log = DeliveryAttemptSerializer(source="log", many=True, read_only=True)

    class Meta:
        model = OutboxDelivery
        fields = [
            "id",
            "consumer",
            "topic",
            "key",
            "webhook_id",
            "status",
            "attempts",
            "next_attempt_at",
            "delivered_at",
            "last_error",
            "attempts_log",
        ]

    def get_webhook_id(self, delivery) -> str:
        return f"msg_{delivery.message_id}"


class ReplayOutputSerializer(serializers.Serializer):
    replayed = serializers.IntegerField()


class ExchangeRunOutputSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = ExchangeRun
        fields = [
            "id",
            "started_at",
            "finished_at",
            "status",
            "rows_written",
            "rows_invalidated",
            "statuses_read",
            "rows_held",
            "error",
        ]


class ExchangeRowOutputSerializer(serializers.ModelSerializer):
    run = serializers.UUIDField(source="run.public_id", read_only=True)

    class Meta:
        model = ExchangeRow
        fields = [
            "id",
            "table",
            "lsh",
            "dfsjzj",
            "xzqhdm",
            "sjyxbs",
            "sjwxyy",
            "sjsczt",
            "sbyy",
            "current",
            "parent_table",
            "parent_key",
            "dropped",
            "sent_at",
            "data",
            "run",
            "created_at",
        ]
