"""Read-only admin: certificates are written only by the services (issue, release, revoke)."""

from django.contrib import admin

from .models import (
    Certificate,
    CertificateCounter,
    CertificateRelease,
    JointIssuanceFulfilment,
    SigningKey,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["license_no", "certificate_type", "holder", "issuer", "issued_on", "status"]
    list_filter = ["status", "certificate_type", "issuer"]
    search_fields = ["identifier", "license_no", "holder__name", "holder__uscc"]
    date_hierarchy = "issued_on"


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ["department", "key_id", "algorithm", "active", "created_at", "retired_at"]
    list_filter = ["active"]


@admin.register(CertificateRelease)
class CertificateReleaseAdmin(ReadOnlyAdmin):
    list_display = ["kind", "case_public_id", "project", "released_at"]
    list_filter = ["kind"]


@admin.register(JointIssuanceFulfilment)
class JointIssuanceFulfilmentAdmin(ReadOnlyAdmin):
    list_display = ["rule", "project", "evidence_reference", "recorded_by", "created_at"]


@admin.register(CertificateCounter)
class CertificateCounterAdmin(ReadOnlyAdmin):
    list_display = ["certificate_type", "year", "last_number"]
