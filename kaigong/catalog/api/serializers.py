"""Serializers of the public catalogue API (a 办事指南 is public information)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kaigong.catalog.selectors import material_file_kinds


class CodeNameOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class StageOutputSerializer(CodeNameOutputSerializer):
    national_stage = serializers.IntegerField()


class LimitOutputSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    unit = serializers.CharField(help_text=_("WD working days, ND natural days, WH hours"))
    unit_label = serializers.CharField()


class MaterialRequirementOutputSerializer(serializers.Serializer):
    code = serializers.CharField(source="material.code")
    name = serializers.CharField(source="material.name")
    source_channel = serializers.CharField(source="material.source_channel")
    necessity = serializers.CharField()
    condition = serializers.JSONField(help_text=_("Safe JSON situation condition; {} = always."))
    original_copies = serializers.IntegerField()
    copy_copies = serializers.IntegerField()
    electronic = serializers.BooleanField()
    formats = serializers.ListField(child=serializers.CharField())
    max_size_mb = serializers.IntegerField()
    deferrable = serializers.BooleanField()
    commitment_replaces = serializers.BooleanField()
    satisfied_by = serializers.CharField(source="satisfied_by.code", allow_null=True, default=None)
    legal_basis = serializers.CharField()
    sample_url = serializers.SerializerMethodField(
        help_text=_("Download address of the filled-in sample (示例样表), or null.")
    )
    blank_form_url = serializers.SerializerMethodField(
        help_text=_("Download address of the blank form (空白表格), or null.")
    )

    def _file_url(self, obj, kind: str) -> str | None:
        if "_material_files" not in self.context:  # one query per response
            self.context["_material_files"] = material_file_kinds()
        if kind not in self.context["_material_files"].get(obj.material_id, []):
            return None
        path = reverse("web:guide-material-file", args=[obj.material.code, kind])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_sample_url(self, obj) -> str | None:
        return self._file_url(obj, "sample")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_blank_form_url(self, obj) -> str | None:
        return self._file_url(obj, "blank")


class DependencyOutputSerializer(serializers.Serializer):
    matter = serializers.CharField(source="prerequisite.code")
    kind = serializers.CharField()
    note = serializers.CharField()


class MatterOutputSerializer(serializers.Serializer):
    code = serializers.CharField(source="matter.code")
    public_id = serializers.UUIDField(source="matter.public_id")
    version = serializers.IntegerField()
    version_id = serializers.UUIDField(source="public_id")
    effective_from = serializers.DateField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    matter_type = serializers.CharField()
    exercise_level = serializers.CharField()
    department = CodeNameOutputSerializer()
    stage = StageOutputSerializer(allow_null=True)
    statutory_limit = serializers.SerializerMethodField()
    promised_limit = serializers.SerializerMethodField()
    count_acceptance_day = serializers.BooleanField()
    case_kind = serializers.CharField()
    case_kind_label = serializers.CharField(source="get_case_kind_display")
    is_fee = serializers.BooleanField()
    fees = serializers.JSONField()
    result_name = serializers.CharField()
    result_type = serializers.CharField()
    certificate_types = CodeNameOutputSerializer(many=True)
    site_inspection_required = serializers.BooleanField()
    commitment_allowed = serializers.BooleanField()
    pre_approval_allowed = serializers.BooleanField()
    pre_approval_days = serializers.IntegerField(allow_null=True)
    consent_letter_allowed = serializers.BooleanField()
    legal_basis = serializers.CharField()
    acceptance_conditions = serializers.CharField()
    procedure = serializers.CharField()
    contact_phone = serializers.CharField()
    materials = MaterialRequirementOutputSerializer(many=True, source="requirements.all")
    prerequisites = DependencyOutputSerializer(many=True, source="dependencies.all")

    @extend_schema_field(LimitOutputSerializer)
    def get_statutory_limit(self, version) -> dict:
        return {
            "value": version.statutory_limit,
            "unit": version.statutory_limit_unit,
            "unit_label": str(version.get_statutory_limit_unit_display()),
        }

    @extend_schema_field(LimitOutputSerializer)
    def get_promised_limit(self, version) -> dict:
        return {
            "value": version.promised_limit,
            "unit": version.promised_limit_unit,
            "unit_label": str(version.get_promised_limit_unit_display()),
        }


class BundleItemOutputSerializer(serializers.Serializer):
    matter_code = serializers.CharField(source="item.matter.code")
    mandatory = serializers.BooleanField(source="item.mandatory")
    condition = serializers.JSONField(source="item.condition")
    order = serializers.IntegerField(source="item.order")
    matter = MatterOutputSerializer(
        source="version",
        allow_null=True,
        help_text=_("The version in force today; null when none is (withdrawn or not yet)."),
    )


class IssuanceRuleOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    condition_name = serializers.CharField()
    evidence_required = serializers.CharField()
    description = serializers.CharField()
    certificate_types = CodeNameOutputSerializer(many=True, source="certificate_types.all")


class MaterialCountOutputSerializer(serializers.Serializer):
    before = serializers.IntegerField(help_text=_("Materials listed by the matters one by one."))
    after = serializers.IntegerField(help_text=_("Materials after merging shared ones."))


class BundleOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    public_id = serializers.UUIDField()
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    lead_department = CodeNameOutputSerializer()
    track = CodeNameOutputSerializer(allow_null=True)
    stage = StageOutputSerializer(allow_null=True)
    region_code = serializers.CharField()
    description = serializers.CharField()
    promised_limit = serializers.IntegerField(allow_null=True)
    key_project_factor = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    source = serializers.CharField()
    is_active = serializers.BooleanField()


class BundleDetailOutputSerializer(BundleOutputSerializer):
    key_project_promised_limit = serializers.IntegerField(
        allow_null=True, help_text=_("The overall limit for a key project, rounded up.")
    )
    items = BundleItemOutputSerializer(many=True, source="items_in_force")
    materials = MaterialCountOutputSerializer()
    issuance_rules = IssuanceRuleOutputSerializer(many=True, source="issuance_rules.all")


class CatalogImportFileInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("A kaigong-catalog/1 JSON file."))


class CatalogImportOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["imported", "unchanged"])
    counts = serializers.DictField(child=serializers.IntegerField())


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField()
    reason = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 7807 problem document (kaigong.api.exception_handler)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    invalid_params = InvalidParamSerializer(many=True)
