from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    AuditRecord,
    Notification,
    OutboxAttempt,
    OutboxDelivery,
    OutboxMessage,
    PeriodicJobRun,
)
from .relay import outbox_delivery_replay
from .selectors import outbox_relay_status

admin.site.site_header = _("Kaigong administration")
admin.site.site_title = _("Kaigong administration")
admin.site.index_title = _("Site administration")


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["occurred_at", "actor", "action", "object_type", "summary"]
    list_filter = ["action", "object_type"]
    search_fields = ["summary", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "title", "user", "enterprise", "read_at"]
    list_filter = ["kind"]


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OutboxDeliveryInline(_ReadOnly, admin.TabularInline):
    model = OutboxDelivery
    fields = ["consumer", "status", "attempts", "next_attempt_at", "delivered_at", "last_error"]
    readonly_fields = fields
    extra = 0


class OutboxAttemptInline(_ReadOnly, admin.TabularInline):
    model = OutboxAttempt
    fields = ["number", "attempted_at", "succeeded", "duration_ms", "error"]
    readonly_fields = fields
    extra = 0


@admin.action(description=_("Replay: deliver again now"), permissions=["replay"])
def replay_deliveries(modeladmin, request, queryset):
    count = outbox_delivery_replay(deliveries=list(queryset), actor=request.user)
    modeladmin.message_user(
        request, _("%(count)d deliveries will be attempted again.") % {"count": count}
    )


class _RelayLag:
    """The changelist shows the relay lag (the metric) above the list."""

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "relay_status": outbox_relay_status()}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(_RelayLag, _ReadOnly, admin.ModelAdmin):
    """Read-only: messages are written by outbox_emit and delivered by the relay."""

    list_display = ["id", "created_at", "topic", "key", "dispatched_at", "delivered_at", "attempts"]
    list_filter = ["topic", ("delivered_at", admin.EmptyFieldListFilter)]
    search_fields = ["key", "topic"]
    inlines = [OutboxDeliveryInline]
    change_list_template = "admin/core/relay_change_list.html"


@admin.register(OutboxDelivery)
class OutboxDeliveryAdmin(_RelayLag, _ReadOnly, admin.ModelAdmin):
    """The relay's deliveries; an administrator replays dead letters with the action."""

    list_display = [
        "message_number",
        "consumer",
        "key",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_error",
    ]
    list_filter = ["status", "consumer"]
    search_fields = ["key", "message__topic"]
    list_select_related = ["message"]
    inlines = [OutboxAttemptInline]
    actions = [replay_deliveries]
    change_list_template = "admin/core/relay_change_list.html"

    @admin.display(description=_("outbox message"), ordering="message_id")
    def message_number(self, obj):
        return obj.message_id

    def has_replay_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("core.change_outboxdelivery")


@admin.register(PeriodicJobRun)
class PeriodicJobRunAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["name", "last_run_at", "last_duration_ms", "last_result", "last_error", "runs"]
