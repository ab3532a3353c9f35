"""
Admin screens for the catalogue keeper (事项管理).

Only a catalogue keeper (role ``catalog_admin`` with ``is_staff``) or a superuser sees
these screens. Published revisions and versions are shown read-only; drafts are editable.
Every save and delete goes through ``catalog_row_save`` / ``catalog_row_delete``, which
refuse published rows and validate conditions; revisions are published by the
"Publish" action, which calls ``revision_publish``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from kaigong.catalog.conditions import validate_condition
from kaigong.catalog.constants import RevisionStatus, VersionStatus
from kaigong.catalog.models import (
    Bundle,
    BundleItem,
    CatalogRevision,
    CertificateType,
    FieldSpec,
    JointIssuanceRule,
    Material,
    MaterialRequirement,
    Matter,
    MatterDependency,
    MatterField,
    MatterVersion,
    ProcessTrack,
    Question,
    Stage,
)
from kaigong.catalog.permissions import can_keep_catalog_in_admin
from kaigong.catalog.services import catalog_row_delete, catalog_row_save, revision_publish
from kaigong.core.exceptions import DomainError


class ConditionForm(forms.ModelForm):
    """Validates ``condition`` / ``ask_when`` JSON with the safe grammar (never eval)."""

    def _check(self, name: str):
        value = self.cleaned_data.get(name) or {}
        codes = set(Question.objects.values_list("code", flat=True))
        if isinstance(self.instance, Question):
            codes.discard(self.cleaned_data.get("code") or self.instance.code)
        errors = validate_condition(value, question_codes=codes)
        if errors:
            raise forms.ValidationError(errors)
        return value

    def clean_condition(self):
        return self._check("condition")

    def clean(self):
        cleaned = super().clean()
        # an emptied JSON box means "none": the field's default ([] or {}), never NULL
        for field in self._meta.model._meta.concrete_fields:
            if (
                isinstance(field, models.JSONField)
                and field.name in cleaned
                and cleaned[field.name] is None
                and field.has_default()
            ):
                cleaned[field.name] = field.get_default()
        return cleaned

    def clean_ask_when(self):
        return self._check("ask_when")


def _error_messages(request, exc: DomainError) -> None:
    messages.error(request, str(exc.message))
    for problem in exc.invalid_params[:50]:
        messages.error(request, f"{problem['name']}: {problem['reason']}")


class KeeperAdmin(admin.ModelAdmin):
    """Visible to catalogue keepers only; writes go through the catalogue's services."""

    form = ConditionForm
    audited_by_services = True  # catalog_row_save/delete record the before/after diff

    def has_module_permission(self, request):
        return can_keep_catalog_in_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return can_keep_catalog_in_admin(request.user)

    def has_add_permission(self, request):
        return can_keep_catalog_in_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return can_keep_catalog_in_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_keep_catalog_in_admin(request.user)

    def save_model(self, request, obj, form, change):
        catalog_row_save(row=obj, actor=request.user)

    def delete_model(self, request, obj):
        catalog_row_delete(row=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            catalog_row_delete(row=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            catalog_row_delete(row=obj, actor=request.user)
        for obj in instances:
            catalog_row_save(row=obj, actor=request.user)
        formset.save_m2m()


class KeeperInline(admin.TabularInline):
    form = ConditionForm
    extra = 0

    def _editable(self, request, obj) -> bool:
        return can_keep_catalog_in_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return can_keep_catalog_in_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


class DraftVersionInline(KeeperInline):
    """Rows of a matter version: editable while the version is a draft, read-only after."""

    def _editable(self, request, obj) -> bool:
        if not can_keep_catalog_in_admin(request.user):
            return False
        return obj is None or obj.status == VersionStatus.DRAFT


class RequirementInline(DraftVersionInline):
    model = MaterialRequirement
    fields = [
        "material", "necessity", "condition", "original_copies", "copy_copies", "electronic",
        "formats", "max_size_mb", "deferrable", "commitment_replaces", "satisfied_by",
        "legal_basis", "order",
    ]  # fmt: skip


class MatterFieldInline(DraftVersionInline):
    model = MatterField
    fields = ["field", "required", "condition", "order"]


class DependencyInline(DraftVersionInline):
    model = MatterDependency
    fields = ["prerequisite", "kind", "note"]


@admin.register(MatterVersion)
class MatterVersionAdmin(KeeperAdmin):
    list_display = ["name", "matter", "version", "revision", "status", "effective_from",
                    "withdraws_matter", "department"]  # fmt: skip
    list_filter = ["status", "withdraws_matter", "revision", "stage", "case_kind"]
    search_fields = ["name", "matter__code"]
    list_select_related = ["matter", "revision", "department"]
    readonly_fields = ["version", "status", "effective_from"]
    filter_horizontal = ["certificate_types"]
    inlines = [RequirementInline, MatterFieldInline, DependencyInline]

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or obj.status == VersionStatus.DRAFT

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or obj.status == VersionStatus.DRAFT

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "revision":
            kwargs["queryset"] = CatalogRevision.objects.filter(status=RevisionStatus.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            last = MatterVersion.objects.filter(matter=obj.matter).aggregate(n=Max("version"))
            obj.version = (last["n"] or 0) + 1
        super().save_model(request, obj, form, change)


class RevisionVersionInline(admin.TabularInline):
    """The versions of a revision, as links (edited on their own page)."""

    model = MatterVersion
    fields = ["matter", "version", "name", "status", "withdraws_matter"]
    readonly_fields = fields
    show_change_link = True
    extra = 0

    def has_view_permission(self, request, obj=None):
        return can_keep_catalog_in_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CatalogRevision)
class CatalogRevisionAdmin(KeeperAdmin):
    list_display = ["number", "title", "kind", "effective_on", "status", "published_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "source"]
    readonly_fields = ["number", "status", "published_at", "published_by"]
    inlines = [RevisionVersionInline]
    actions = ["publish"]

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or obj.status == RevisionStatus.DRAFT

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or obj.status == RevisionStatus.DRAFT

    def save_model(self, request, obj, form, change):
        if not change:
            last = CatalogRevision.objects.aggregate(n=Max("number"))["n"] or 0
            obj.number = last + 1
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected revisions"))
    def publish(self, request, queryset):
        for revision in queryset.order_by("number"):
            try:
                revision_publish(revision=revision, actor=request.user)
            except DomainError as exc:
                _error_messages(request, exc)
                continue
            self.message_user(
                request,
                _("Revision %(revision)s published, in force from %(date)s.")
                % {"revision": revision, "date": revision.effective_on.isoformat()},
                messages.SUCCESS,
            )


@admin.register(Matter)
class MatterAdmin(KeeperAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Stage)
class StageAdmin(KeeperAdmin):
    list_display = ["code", "name", "national_stage", "order"]
    search_fields = ["code", "name"]


@admin.register(ProcessTrack)
class ProcessTrackAdmin(KeeperAdmin):
    list_display = ["code", "name", "investment_type", "main_process_days", "region_code"]
    search_fields = ["code", "name"]


@admin.register(CertificateType)
class CertificateTypeAdmin(KeeperAdmin):
    list_display = ["code", "name", "type_code", "issuing_department", "validity_months"]
    search_fields = ["code", "name", "type_code"]


@admin.register(Material)
class MaterialAdmin(KeeperAdmin):
    list_display = ["code", "name", "source_channel", "issuing_body"]
    list_filter = ["source_channel"]
    search_fields = ["code", "name"]


@admin.register(FieldSpec)
class FieldSpecAdmin(KeeperAdmin):
    list_display = ["key", "label", "field_type", "unit", "project_attribute"]
    list_filter = ["field_type"]
    search_fields = ["key", "label"]


@admin.register(Question)
class QuestionAdmin(KeeperAdmin):
    list_display = ["code", "text", "kind", "order"]
    list_filter = ["kind"]
    search_fields = ["code", "text"]


class BundleItemInline(KeeperInline):
    model = BundleItem
    fields = ["matter", "mandatory", "condition", "order"]


class IssuanceRuleInline(KeeperInline):
    model = JointIssuanceRule
    fields = ["code", "condition_name", "evidence_required", "certificate_types", "description"]


@admin.register(Bundle)
class BundleAdmin(KeeperAdmin):
    list_display = ["code", "name", "kind", "lead_department", "promised_limit",
                    "key_project_factor", "is_active"]  # fmt: skip
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    inlines = [BundleItemInline, IssuanceRuleInline]
