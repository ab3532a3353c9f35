"""
Serializers of the cases API: ``<Thing>InputSerializer`` parses a request body,
``<Thing>OutputSerializer`` renders a row or a selector's read model. No serializer writes:
views pass the validated data to one service.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kaigong.cases.constants import (
    CaseStatus,
    Decision,
    EventKind,
    ItemStatus,
    PauseKind,
    Recommendation,
    WarningColour,
)
from kaigong.catalog.api.serializers import CodeNameOutputSerializer


def enum_field(choices, **kwargs) -> serializers.ChoiceField:
    """A ChoiceField documented as an inline enum (no shared component name to collide)."""

    # allOf keeps the enum inline: the enum post-processing hook would otherwise name it
    # after the field ("status") and collide with other apps' "status" enums.
    values = [value for value, _label in choices]

    @extend_schema_field({"allOf": [{"type": "string"}, {"enum": values}]})
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kwargs)


# --- shared ------------------------------------------------------------------------------


class ProblemInvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField()
    reason = serializers.CharField()


class CaseProblemSerializer(serializers.Serializer):
    """RFC 7807 problem document (kaigong.api.exception_handler); ``code`` is stable."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    invalid_params = ProblemInvalidParamSerializer(many=True)


class RefOutputSerializer(serializers.Serializer):
    """A linked object by its public id and name."""

    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class UserRefOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return getattr(user, "full_name", "") or user.get_username()


# --- cases -------------------------------------------------------------------------------


class CaseCreateInputSerializer(serializers.Serializer):
    project = serializers.UUIDField(help_text=_("Public id of the project."))
    bundle = serializers.CharField(max_length=64, help_text=_("Bundle code (一件事)."))
    matters = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        default=list,
        max_length=100,
        help_text=_("Optional matters chosen; mandatory ones that apply are always included."),
    )


class CaseFormDataInputSerializer(serializers.Serializer):
    data = serializers.DictField(
        help_text=_("The merged form's values by field key (see GET …/form/).")
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_(
            "The case version the form was edited from (GET …/form/ or the case): when it "
            "is no longer current, nothing is saved (409 ``stale_version``). The "
            "``If-Match`` header does the same with the ETag (412 ``precondition_failed``)."
        ),
    )


class MaterialUploadInputSerializer(serializers.Serializer):
    """Multipart: ``material`` + ``file``; or ``material`` + ``certificate_type`` (免提交)."""

    material = serializers.CharField(max_length=64, help_text=_("Material code."))
    file = serializers.FileField(required=False, help_text=_("The file (PDF, image …)."))
    certificate_type = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text=_("Use a certificate already held instead of a file (免提交)."),
    )
    certificate_identifier = serializers.CharField(max_length=64, required=False, allow_blank=True)

    def validate(self, attrs):
        has_file = attrs.get("file") is not None
        has_certificate = bool(attrs.get("certificate_type"))
        if has_file == has_certificate:
            raise serializers.ValidationError(
                {"file": [_("Send either a file or a held certificate type, not both.")]},
                code="file_or_certificate",
            )
        return attrs


class CommitmentInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, help_text=_("The commitment as signed."))
    signer_name = serializers.CharField(max_length=100)
    materials = serializers.ListField(
        child=serializers.CharField(max_length=64), min_length=1, max_length=50
    )
    due_on = serializers.DateField(required=False, help_text=_("容缺: materials due on."))
    verification_due_on = serializers.DateField(
        required=False, help_text=_("告知承诺: verification due on.")
    )


class CaseAcceptInputSerializer(serializers.Serializer):
    deferral = CommitmentInputSerializer(
        required=False, help_text=_("容缺受理: deferred materials on a signed commitment.")
    )
    undertaking = CommitmentInputSerializer(
        required=False, help_text=_("告知承诺: the commitment replaces the listed proofs.")
    )
    window = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text=_(
            "The accepting comprehensive window (综合窗口) of the centre, for its figures."
        ),
    )


class CaseRefuseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, allow_blank=True)
    legal_basis = serializers.CharField(max_length=2000, allow_blank=True)
    applicant_rights = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CorrectionItemInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["material", "field"])
    code = serializers.CharField(max_length=64)
    problem = serializers.ChoiceField(choices=["missing", "defective"], default="missing")
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class CaseCorrectionInputSerializer(serializers.Serializer):
    items = CorrectionItemInputSerializer(many=True, allow_empty=True, max_length=200)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class CaseWithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ItemProgressOutputSerializer(serializers.Serializer):
    """One item as the applicant follows it (``selectors.case_item_progress``)."""

    item = serializers.UUIDField()
    matter_code = serializers.CharField()
    matter_name = serializers.CharField()
    department_name = serializers.CharField()
    status = enum_field(ItemStatus.choices)
    status_label = serializers.CharField()
    promised_due_on = serializers.DateField(allow_null=True)
    statutory_due_on = serializers.DateField(allow_null=True)
    provisional = serializers.BooleanField()
    warning = enum_field(WarningColour.choices)
    next_step = serializers.CharField()


class CaseOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField()
    status = enum_field(CaseStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField()
    project = RefOutputSerializer()
    enterprise = RefOutputSerializer()
    bundle = CodeNameOutputSerializer()
    matters = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    correction_notice_due_on = serializers.DateField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    accepted_on = serializers.DateField(allow_null=True)
    deemed_accepted = serializers.BooleanField()
    promised_due_on = serializers.DateField(allow_null=True)
    statutory_due_on = serializers.DateField(allow_null=True)
    due_provisional = serializers.BooleanField()
    plan = serializers.JSONField(
        source="plan_snapshot",
        help_text="The timeline of the case's matters as planned on the acceptance day "
        "(empty before acceptance): per matter code its start_on, end_on and working days, "
        "the total, the critical path and the serial baseline.",
    )
    concluded_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_matters(self, case) -> list[str]:
        return sorted(m.code for m in case.matters.all())


class HeldCertificateOutputSerializer(serializers.Serializer):
    """A certificate of the case still held, and why (``cases.holds``)."""

    certificate_type = serializers.CharField()
    matter = serializers.CharField()
    condition = serializers.CharField(help_text="The joint-issuance condition it waits for.")
    evidence_required = serializers.CharField()
    deferred_materials = serializers.ListField(
        child=serializers.CharField(), help_text="Deferred (容缺) materials it waits for."
    )
    reasons = serializers.ListField(child=serializers.CharField())


class CaseDetailOutputSerializer(CaseOutputSerializer):
    form_data = serializers.DictField()
    actions = serializers.ListField(
        child=serializers.CharField(), help_text=_("Actions the status allows (buttons).")
    )
    items = ItemProgressOutputSerializer(many=True)
    certificates_held = HeldCertificateOutputSerializer(
        many=True,
        help_text="Certificates not yet released, with the reasons; the case is issued "
        "(已出证) only when this is empty.",
    )


class CaseFormOutputSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        help_text=_("The case version (send it back, or the ETag as If-Match, to save).")
    )
    schema = serializers.DictField(help_text=_("The merged form as a JSON Schema (2020-12)."))
    data = serializers.DictField(help_text=_("The values saved so far."))
    materials = serializers.ListField(child=serializers.DictField())


class SubmittedMaterialOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    material = CodeNameOutputSerializer()
    source = serializers.CharField()
    original_name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    sha256 = serializers.CharField()
    sm3 = serializers.CharField()
    certificate_type = serializers.CharField(source="certificate_type.code", allow_null=True)
    after_acceptance = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class CorrectionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    case = serializers.UUIDField(source="case.public_id")
    items = serializers.ListField(child=serializers.DictField())
    note = serializers.CharField()
    requested_at = serializers.DateTimeField()
    notice_due_on = serializers.DateField()
    on_time = serializers.BooleanField()


class CaseEventOutputSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    kind = enum_field(EventKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    item = serializers.UUIDField(source="item.public_id", allow_null=True)
    actor = serializers.SerializerMethodField()
    occurred_at = serializers.DateTimeField()
    data = serializers.DictField()
    hash = serializers.CharField()
    prev_hash = serializers.CharField()

    def get_actor(self, event) -> str | None:
        if event.actor is None:
            return None
        return getattr(event.actor, "full_name", "") or event.actor.get_username()


# --- items -------------------------------------------------------------------------------


class ItemStatusLabelField(serializers.CharField):
    """The label of the item's status in the active language, as ``get_status_display``."""

    labels = dict(ItemStatus.choices)

    def __init__(self, **kwargs) -> None:
        super().__init__(source="status", **kwargs)

    def to_representation(self, value) -> str:
        # perf: one look-up in a dict built once; ``get_status_display`` rebuilt the dict of
        # every choice (translating each label to hash it) for every row of the worklist
        return str(self.labels.get(value, value))


class ItemOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    case = serializers.UUIDField(source="case.public_id")
    case_number = serializers.CharField(source="case.number")
    project_name = serializers.CharField(source="case.project.name")
    matter = serializers.SerializerMethodField()
    department = CodeNameOutputSerializer()
    status = enum_field(ItemStatus.choices)
    status_label = ItemStatusLabelField()
    version = serializers.IntegerField()
    reviewer = UserRefOutputSerializer(allow_null=True)
    approver = UserRefOutputSerializer(allow_null=True)
    clock_started_on = serializers.DateField(allow_null=True)
    promised_due_on = serializers.DateField(allow_null=True)
    statutory_due_on = serializers.DateField(allow_null=True)
    provisional = serializers.BooleanField()
    extension_days = serializers.IntegerField()
    decision = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    warning = serializers.SerializerMethodField()

    def get_matter(self, item) -> dict[str, str]:
        return {"code": item.matter_version.matter.code, "name": item.matter_version.name}

    def get_warning(self, item) -> str | None:
        """green / yellow / red / none, when the worklist annotated it."""
        return getattr(item, "warning", None)


class DueSkippedDayOutputSerializer(serializers.Serializer):
    date = serializers.DateField(source="day")
    kind = serializers.CharField()
    reason = serializers.CharField()


class PauseOutputSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    reason = serializers.CharField()


class DueExplanationOutputSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    count_start = serializers.BooleanField()
    due_on = serializers.DateField()
    provisional = serializers.BooleanField()
    counted = serializers.ListField(child=serializers.DateField())
    skipped = DueSkippedDayOutputSerializer(many=True)
    pauses = PauseOutputSerializer(many=True)


class ItemClockOutputSerializer(serializers.Serializer):
    item = serializers.UUIDField()
    promised = DueExplanationOutputSerializer()
    statutory = DueExplanationOutputSerializer()


class OpinionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000, allow_blank=True)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)


class OpinionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    item = serializers.UUIDField(source="item.public_id")
    author = UserRefOutputSerializer()
    text = serializers.CharField()
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    created_at = serializers.DateTimeField()


class DecideInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    legal_basis = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    applicant_rights = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class PauseInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PauseKind.choices, default=PauseKind.SPECIAL_PROCEDURE)
    reason = serializers.CharField(max_length=5000, allow_blank=True)
    evidence = serializers.CharField(max_length=5000, allow_blank=True)
    planned_working_days = serializers.IntegerField(
        min_value=1,
        max_value=365,
        help_text="How many working days the procedure is planned to take (行政许可法 art. 45).",
    )


class ExtendInputSerializer(serializers.Serializer):
    working_days = serializers.IntegerField(min_value=1, max_value=15)
    reason = serializers.CharField(max_length=5000, allow_blank=True)


class ExtensionApproveInputSerializer(serializers.Serializer):
    extension = serializers.UUIDField(help_text=_("Public id of the requested extension."))


class ExtensionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    item = serializers.UUIDField(source="item.public_id")
    working_days = serializers.IntegerField()
    reason = serializers.CharField()
    requested_by = UserRefOutputSerializer()
    approved_by = UserRefOutputSerializer(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    rejected_by = UserRefOutputSerializer(allow_null=True)
    rejected_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField(help_text=_("The approver's reason."))
    state = serializers.SerializerMethodField()

    def get_state(self, extension) -> str:
        """pending / approved / rejected."""
        if extension.approved_at is not None:
            return "approved"
        if extension.rejected_at is not None:
            return "rejected"
        return "pending"


class ExtensionDecisionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The approver's reason: required to refuse, optional to grant."),
    )


class ConsentLetterInputSerializer(serializers.Serializer):
    conditions = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Conditions the dependent matters must keep to."),
    )


class MaterialFileOutputSerializer(serializers.Serializer):
    """One submitted material of a case, with the link that opens its file."""

    id = serializers.UUIDField(source="public_id")
    material = CodeNameOutputSerializer()
    state = serializers.SerializerMethodField()
    source = serializers.CharField()
    after_acceptance = serializers.BooleanField(help_text=_("Supplied after acceptance (容缺)."))
    original_name = serializers.CharField()
    content_type = serializers.CharField(help_text=_("Detected from the content."))
    size = serializers.IntegerField(help_text=_("Bytes."))
    sha256 = serializers.CharField()
    sm3 = serializers.CharField()
    certificate_type = serializers.CharField(source="certificate_type.code", allow_null=True)
    certificate_identifier = serializers.CharField()
    created_at = serializers.DateTimeField()
    file_url = serializers.SerializerMethodField()

    def get_state(self, row) -> str:
        """current / superseded."""
        return "current" if row.is_current else "superseded"

    def get_file_url(self, row) -> str | None:
        """The API link to the file (None: a held certificate, no file)."""
        if not row.file:
            return None
        path = f"/api/v1/cases/{row.case.public_id}/materials/{row.public_id}/file/"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class PreApproveInputSerializer(serializers.Serializer):
    conditions = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )


class ConditionalResultOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    item = serializers.UUIDField(source="item.public_id")
    kind = serializers.CharField()
    conditions = serializers.CharField()
    issued_at = serializers.DateTimeField()


class WorklistPageSerializer(serializers.Serializer):
    """A keyset page of the worklist (kaigong/core/keyset.py)."""

    count = serializers.IntegerField(help_text="Items in the list, exact up to 1,000.")
    count_capped = serializers.BooleanField(
        required=False,
        help_text="True when there are more than ``count`` items (the count stopped at its "
        "cap). Absent in the deprecated numbered pages (``?page=``), whose count is exact.",
    )
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ItemOutputSerializer(many=True)


class WorklistQuerySerializer(serializers.Serializer):
    department = serializers.CharField(max_length=64, required=False, allow_blank=True)
    status = enum_field(ItemStatus.choices, required=False)
    warning = enum_field(WarningColour.choices, required=False)
    cursor = serializers.CharField(max_length=500, required=False, allow_blank=True)
    page_size = serializers.IntegerField(min_value=1, max_value=500, required=False)
    page = serializers.CharField(max_length=20, required=False)  # checked by the paginator
