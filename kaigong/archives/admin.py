from django.contrib import admin

from .models import ArchiveDocument, ArchiveFolder, DocumentPush, Subscription


@admin.register(ArchiveFolder)
class ArchiveFolderAdmin(admin.ModelAdmin):
    list_display = ["project", "classification", "created_at"]
    list_filter = ["classification"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(ArchiveDocument)
class ArchiveDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "stage", "folder", "size", "sm3", "created_at"]
    list_filter = ["kind", "stage"]
    search_fields = ["title", "origin_id", "sm3"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["department", "stages", "region_code", "active"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(DocumentPush)
class DocumentPushAdmin(admin.ModelAdmin):
    list_display = ["document", "department", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
