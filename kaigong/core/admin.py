from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditRecord, Notification, OutboxMessage

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


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "topic", "key", "delivered_at", "attempts"]
    list_filter = ["topic"]
