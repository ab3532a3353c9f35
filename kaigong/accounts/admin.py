from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Department, Enterprise, Membership, ServiceCenter, User, Window


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["enterprise", "department", "service_center"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "phone", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "full_name", "phone", "email"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Kaigong"), {"fields": ("full_name", "phone")}),
    )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "region_code", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code", "region_code"]
    autocomplete_fields = ["parent"]


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0


@admin.register(ServiceCenter)
class ServiceCenterAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region_code", "phone"]
    search_fields = ["name", "code"]
    filter_horizontal = ["departments"]
    inlines = [WindowInline]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "legal_representative", "credit_standing", "created_at"]
    list_filter = ["credit_standing"]
    search_fields = ["name", "uscc"]
    readonly_fields = ["registered_by"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "enterprise", "department", "service_center"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name"]
    autocomplete_fields = ["user", "enterprise", "department", "service_center"]
