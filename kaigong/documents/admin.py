from django.contrib import admin

from .models import OfficialDocument


@admin.register(OfficialDocument)
class OfficialDocumentAdmin(admin.ModelAdmin):
    """Read-only: documents are issued by their events and signed; never edited."""

    list_display = ("number", "title", "issuer_name", "issued_at")
    list_filter = ("kind",)
    search_fields = ("number", "case__number")
    readonly_fields = [f.name for f in OfficialDocument._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
