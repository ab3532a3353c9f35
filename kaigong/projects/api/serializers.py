"""Input and output serializers of the projects API (shapes only; services decide)."""

from django.utils.translation import gettext_lazy as _

from rest_framework import serializers

from kaigong.catalog.constants import InvestmentType
from kaigong.projects.constants import KeyProjectLevel, ProjectCategory, TimelineMode


class ProjectInputSerializer(serializers.Serializer):
    enterprise = serializers.UUIDField(
        required=False,
        help_text=_("The enterprise's public id; optional when you act for exactly one."),
    )
    name = serializers.CharField(max_length=200)
    investment_project_code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    investment_type = serializers.ChoiceField(
        choices=[InvestmentType.GOVERNMENT, InvestmentType.SOCIAL], default=InvestmentType.SOCIAL
    )
    category = serializers.ChoiceField(
        choices=ProjectCategory.choices, default=ProjectCategory.CIVIL_BUILDING
    )
    track = serializers.SlugField(required=False, allow_blank=True, help_text=_("Track code."))
    region_code = serializers.CharField(max_length=12)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    land_area = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    floor_area = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    total_investment = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    is_key_project = serializers.BooleanField(default=False)
    key_project_level = serializers.ChoiceField(
        choices=KeyProjectLevel.choices, required=False, allow_blank=True, default=""
    )


class EnterpriseRefSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField()
    uscc = serializers.CharField()


class ProjectOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField()
    enterprise = EnterpriseRefSerializer()
    investment_project_code = serializers.CharField()
    investment_type = serializers.CharField()
    category = serializers.CharField()
    track = serializers.SlugField(source="track.code", allow_null=True, default=None)
    region_code = serializers.CharField()
    address = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    site_radius_m = serializers.IntegerField()
    red_line = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        help_text=_("The red line: [latitude, longitude] vertices; empty when there is none."),
    )
    land_area = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    floor_area = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    total_investment = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    is_key_project = serializers.BooleanField()
    key_project_level = serializers.CharField()
    answers = serializers.DictField(child=serializers.JSONField())
    created_at = serializers.DateTimeField()


class SiteInputSerializer(serializers.Serializer):
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    radius_m = serializers.IntegerField(required=False, min_value=10, max_value=20_000)
    red_line = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        required=False, default=list, max_length=500,
        help_text=_("The red line: 3 to 500 [latitude, longitude] vertices; empty: none."),
    )  # fmt: skip


class AnswersInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text=_("Question code → answer; null clears an answer."),
    )
    replace = serializers.BooleanField(
        default=False, help_text=_("Replace every answer instead of merging.")
    )


class GuideQuerySerializer(serializers.Serializer):
    bundle = serializers.ListField(child=serializers.SlugField(), required=False)
    matter = serializers.ListField(child=serializers.CharField(max_length=50), required=False)


class TimelineQuerySerializer(GuideQuerySerializer):
    start = serializers.DateField(required=False, help_text=_("Default: today."))
    mode = serializers.ChoiceField(choices=TimelineMode.choices, required=False)


# --- Guide -------------------------------------------------------------------------------


class GuideDependencySerializer(serializers.Serializer):
    prerequisite_code = serializers.CharField()
    prerequisite_name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    in_guide = serializers.BooleanField()
    note = serializers.CharField()


class GuideMatterSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    version = serializers.IntegerField()
    department = serializers.CharField()
    department_code = serializers.CharField()
    stage_code = serializers.CharField()
    stage_name = serializers.CharField()
    bundles = serializers.ListField(child=serializers.CharField())
    mandatory = serializers.BooleanField()
    statutory_limit = serializers.IntegerField()
    statutory_unit = serializers.CharField()
    promised_limit = serializers.IntegerField()
    promised_unit = serializers.CharField()
    statutory_days = serializers.IntegerField()
    promised_days = serializers.IntegerField(help_text=_("Key-project factor applied."))
    key_project_factor = serializers.CharField(allow_null=True)
    is_fee = serializers.BooleanField()
    fees = serializers.ListField(child=serializers.DictField())
    result_name = serializers.CharField()
    result_certificates = serializers.ListField(child=serializers.CharField())
    intermediary_services = serializers.ListField(child=serializers.DictField())
    commitment_allowed = serializers.BooleanField()
    pre_approval_allowed = serializers.BooleanField()
    pre_approval_days = serializers.IntegerField(allow_null=True)
    consent_letter_allowed = serializers.BooleanField()
    site_inspection_required = serializers.BooleanField()
    dependencies = GuideDependencySerializer(many=True)
    material_count = serializers.IntegerField()


class GuideMaterialSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    source_channel = serializers.CharField()
    issuing_body = serializers.CharField()
    matters = serializers.ListField(child=serializers.CharField())
    matter_codes = serializers.ListField(child=serializers.CharField())
    necessity = serializers.CharField()
    deferrable = serializers.BooleanField()
    commitment_replaces = serializers.BooleanField()
    covered_by = serializers.ListField(child=serializers.CharField())
    original_copies = serializers.IntegerField()
    copy_copies = serializers.IntegerField()
    electronic = serializers.BooleanField()
    formats = serializers.ListField(child=serializers.CharField())


class GuideQuestionSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    help_text = serializers.CharField()
    kind = serializers.CharField()
    choices = serializers.ListField(child=serializers.DictField())
    answer = serializers.JSONField(allow_null=True)
    answered = serializers.BooleanField()


class GuideBundleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    lead_department = serializers.CharField()
    stage_name = serializers.CharField()
    promised_limit = serializers.IntegerField(allow_null=True)
    key_project_limit = serializers.IntegerField(allow_null=True)
    key_project_factor = serializers.CharField(allow_null=True)
    matter_codes = serializers.ListField(child=serializers.CharField())


class GuideStageSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    matter_codes = serializers.SerializerMethodField()

    def get_matter_codes(self, obj) -> list[str]:
        return [m["code"] for m in obj["matters"]]


class GuideDependencyEdgeSerializer(serializers.Serializer):
    from_code = serializers.CharField(source="from")
    from_name = serializers.CharField()
    to = serializers.CharField()
    to_name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    in_guide = serializers.BooleanField()


class GuideOutputSerializer(serializers.Serializer):
    on = serializers.DateField()
    is_key_project = serializers.BooleanField()
    bundles = GuideBundleSerializer(many=True)
    stages = GuideStageSerializer(many=True)
    matters = GuideMatterSerializer(many=True)
    not_applicable = serializers.ListField(child=serializers.DictField())
    materials = GuideMaterialSerializer(many=True)
    materials_before = serializers.IntegerField()
    materials_after = serializers.IntegerField()
    materials_to_upload = serializers.IntegerField()
    materials_deferrable = serializers.IntegerField()
    intermediary_services = serializers.ListField(child=serializers.DictField())
    dependencies = GuideDependencyEdgeSerializer(many=True)
    questions = GuideQuestionSerializer(many=True)
    unanswered = serializers.ListField(child=serializers.CharField())


# --- Timeline ----------------------------------------------------------------------------


class ScheduledTaskSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    department = serializers.CharField()
    duration = serializers.IntegerField()
    start_offset = serializers.IntegerField()
    end_offset = serializers.IntegerField()
    slack = serializers.IntegerField()
    critical = serializers.BooleanField()
    start_on = serializers.DateField()
    end_on = serializers.DateField()
    provisional = serializers.BooleanField()
    early_start_via = serializers.ListField(child=serializers.CharField())
    actual_start_on = serializers.DateField(allow_null=True)
    actual_end_on = serializers.DateField(allow_null=True)
    actual_status = serializers.CharField(allow_null=True)
    variance_days = serializers.IntegerField(allow_null=True)
    actual_start_offset = serializers.IntegerField(allow_null=True)
    actual_end_offset = serializers.IntegerField(allow_null=True)


class ModeScheduleSerializer(serializers.Serializer):
    mode = serializers.CharField()
    label = serializers.CharField()
    total_days = serializers.IntegerField()
    end_on = serializers.DateField()
    provisional = serializers.BooleanField()
    critical_path = serializers.ListField(child=serializers.CharField())
    critical_path_names = serializers.ListField(child=serializers.CharField())
    tasks = ScheduledTaskSerializer(many=True)
    compression_days = serializers.IntegerField()
    compression_percent = serializers.FloatField()
    summary = serializers.CharField()


class TimelineModesSerializer(serializers.Serializer):
    serial = ModeScheduleSerializer(required=False)
    parallel = ModeScheduleSerializer(required=False)
    pre_approval = ModeScheduleSerializer(required=False)


class TimelineOutputSerializer(serializers.Serializer):
    start_on = serializers.DateField()
    region_code = serializers.CharField()
    provisional = serializers.BooleanField()
    provisional_years = serializers.ListField(child=serializers.IntegerField())
    key_project_factors = serializers.ListField(child=serializers.CharField())
    modes = TimelineModesSerializer()
    edges = serializers.ListField(child=serializers.DictField())
    has_actuals = serializers.BooleanField()


# --- Service codes -----------------------------------------------------------------------


class ServiceCodeOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    scope = serializers.CharField()
    token = serializers.CharField()
    track_url = serializers.CharField(help_text=_("The public tracking page the QR code opens."))
    qr_url = serializers.CharField(help_text=_("PNG image of the QR code."))
    created_at = serializers.DateTimeField()
