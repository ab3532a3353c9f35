"""Serializers of the inspections and joint-review API: input parsing and output shapes."""

from __future__ import annotations

from rest_framework import serializers

from kaigong.core.fields import StrictCharField
from kaigong.inspections.constants import Conclusion, ItemResult, Position, Severity, Topic
from kaigong.inspections.models import (
    CallSegment,
    ChecklistItem,
    Expert,
    Inspection,
    InspectionRecord,
    InspectionSlot,
    InspectionStandard,
    JointReview,
    LocationSample,
    OpinionSignature,
    RecordSignature,
    ReviewLetter,
    ReviewOpinion,
    SampleImage,
    Snapshot,
)


class SampleSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = SampleImage
        fields = ["id", "caption", "content_type", "sm3", "url"]

    def get_url(self, obj) -> str:
        return f"/inspections/samples/{obj.public_id}/"


class ChecklistItemSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    samples = SampleSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistItem
        fields = ["id", "order", "title", "method", "pass_criteria", "samples"]


class StandardSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    matter_version = serializers.UUIDField(source="matter_version.public_id", read_only=True)
    matter_code = serializers.CharField(source="matter_version.matter.code", read_only=True)
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = InspectionStandard
        fields = ["id", "matter_version", "matter_code", "version", "title", "preparation",
                  "status", "published_at", "items"]  # fmt: skip


class StandardInputSerializer(serializers.Serializer):
    matter_version = serializers.UUIDField()
    title = StrictCharField(max_length=200)
    preparation = StrictCharField(required=False, allow_blank=True, default="")


class ChecklistItemInputSerializer(serializers.Serializer):
    title = StrictCharField(max_length=200)
    method = StrictCharField(max_length=2000)
    pass_criteria = StrictCharField(max_length=2000)


class SampleInputSerializer(serializers.Serializer):
    caption = StrictCharField(max_length=200)
    file = serializers.FileField()


class SlotSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = InspectionSlot
        fields = ["id", "starts_at", "ends_at", "chosen"]


class InspectionSnapshotSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    checklist_item = serializers.UUIDField(source="checklist_item.public_id", read_only=True)

    class Meta:
        model = Snapshot
        fields = ["id", "checklist_item", "call_offset_ms", "sm3", "content_type", "latitude",
                  "longitude", "note", "created_at"]  # fmt: skip


class CallSegmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = CallSegment
        fields = ["id", "sequence", "start_ms", "end_ms", "received_at", "content_type", "size",
                  "sm3", "chain"]  # fmt: skip


class SegmentInputSerializer(serializers.Serializer):
    sequence = serializers.IntegerField(min_value=0, max_value=100_000)
    start_ms = serializers.IntegerField(min_value=0, max_value=86_400_000)
    end_ms = serializers.IntegerField(min_value=0, max_value=86_400_000)
    file = serializers.FileField()


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = LocationSample
        fields = ["latitude", "longitude", "accuracy_m", "distance_m", "inside_site", "created_at"]


class SignatureSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecordSignature
        fields = ["signer_name", "role", "signed_at", "note", "key_id", "public_key_hex",
                  "signature_hex"]  # fmt: skip


class RecordSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    signatures = SignatureSerializer(many=True, read_only=True)

    class Meta:
        model = InspectionRecord
        fields = ["id", "number", "conclusion", "data", "content_sm3", "pdf_sm3", "completed_at",
                  "signatures"]  # fmt: skip


class InspectionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    item = serializers.UUIDField(source="item.public_id", read_only=True)
    case = serializers.UUIDField(source="item.case.public_id", read_only=True)
    matter = serializers.CharField(source="item.matter_version.name", read_only=True)
    standard = serializers.UUIDField(source="standard.public_id", read_only=True)
    inspectors = serializers.SerializerMethodField()
    site_person = serializers.SerializerMethodField()
    slots = SlotSerializer(many=True, read_only=True)
    site_latitude = serializers.DecimalField(
        source="item.case.project.latitude", max_digits=9, decimal_places=6, read_only=True,
        allow_null=True, help_text="the project's site point (its fence, with the radius)",
    )  # fmt: skip
    site_longitude = serializers.DecimalField(
        source="item.case.project.longitude", max_digits=9, decimal_places=6, read_only=True,
        allow_null=True,
    )  # fmt: skip
    site_radius_m = serializers.IntegerField(source="item.case.project.site_radius_m",
                                             read_only=True)  # fmt: skip
    site_polygon = serializers.ListField(
        source="item.case.project.red_line", read_only=True,
        child=serializers.ListField(child=serializers.FloatField()),
        help_text="the project's red line, where it has one (the fence then)",
    )  # fmt: skip

    class Meta:
        model = Inspection
        fields = ["id", "item", "case", "matter", "standard", "status", "reason",
                  "planned_working_days", "inspectors", "site_person", "slots", "rehearsal_at",
                  "rehearsal_result", "started_at", "ended_at", "site_latitude",
                  "site_longitude", "site_radius_m", "site_polygon", "created_at"]  # fmt: skip

    def get_inspectors(self, obj) -> list[str]:
        return sorted(u.full_name or u.username for u in obj.inspectors.all())

    def get_site_person(self, obj) -> str:
        person = obj.site_person
        return (person.full_name or person.username) if person else ""


class InspectionDetailSerializer(InspectionSerializer):
    checklist = ChecklistItemSerializer(source="standard.items", many=True, read_only=True)
    results = serializers.SerializerMethodField()
    snapshots = InspectionSnapshotSerializer(many=True, read_only=True)
    segments = CallSegmentSerializer(many=True, read_only=True)
    locations = LocationSerializer(many=True, read_only=True)
    record = serializers.SerializerMethodField()

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "checklist", "results", "snapshots",
                  "segments", "locations", "record"]  # fmt: skip

    def get_results(self, obj) -> list[dict]:
        return [
            {"checklist_item": str(r.checklist_item.public_id), "result": r.result,
             "note": r.note, "call_offset_ms": r.call_offset_ms}
            for r in obj.results.select_related("checklist_item")
        ]  # fmt: skip

    def get_record(self, obj) -> dict | None:
        record = InspectionRecord.objects.filter(inspection=obj).first()
        return RecordSerializer(record).data if record else None


class InspectionRequestSerializer(serializers.Serializer):
    item = serializers.UUIDField()
    inspectors = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=5)
    slots = serializers.ListField(
        child=serializers.ListField(child=serializers.DateTimeField(), min_length=2, max_length=2),
        min_length=1,
        max_length=10,
        help_text="[[starts_at, ends_at], …]",
    )
    reason = StrictCharField(max_length=2000)
    planned_working_days = serializers.IntegerField(min_value=1, max_value=60)
    site_polygon = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        required=False, default=list, max_length=500,
        help_text="sets the project's red line: [[latitude, longitude], …], 3 or more vertices",
    )  # fmt: skip


class SlotPickSerializer(serializers.Serializer):
    slot = serializers.UUIDField()


class RehearsalSerializer(serializers.Serializer):
    camera = serializers.BooleanField()
    microphone = serializers.BooleanField()
    signalling = serializers.BooleanField()
    ice = serializers.BooleanField()


class SnapshotInputSerializer(serializers.Serializer):
    checklist_item = serializers.UUIDField()
    file = serializers.FileField()
    call_offset_ms = serializers.IntegerField(min_value=0, max_value=86_400_000)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False,
                                        allow_null=True, min_value=-90, max_value=90)  # fmt: skip
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False,
                                         allow_null=True, min_value=-180, max_value=180)  # fmt: skip
    note = StrictCharField(max_length=300, required=False, allow_blank=True, default="")


class LocationInputSerializer(serializers.Serializer):
    latitude = serializers.DecimalField(max_digits=12, decimal_places=8, min_value=-90, max_value=90,
                                        coerce_to_string=False)  # fmt: skip
    longitude = serializers.DecimalField(max_digits=12, decimal_places=8, min_value=-180,
                                         max_value=180, coerce_to_string=False)  # fmt: skip
    accuracy_m = serializers.FloatField(required=False, allow_null=True, min_value=0,
                                        max_value=100000)  # fmt: skip


class InspectionResultInputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=ItemResult.choices)
    note = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")
    call_offset_ms = serializers.IntegerField(min_value=0, max_value=86_400_000, required=False,
                                              allow_null=True)  # fmt: skip


class RecordInputSerializer(serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    summary = StrictCharField(max_length=2000)
    rectifications = serializers.ListField(
        child=StrictCharField(max_length=300), required=False, default=list, max_length=30
    )


class SignInputSerializer(serializers.Serializer):
    note = StrictCharField(max_length=300, required=False, allow_blank=True, default="")


class CancelInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=2000)


class VerificationSerializer(serializers.Serializer):
    number = serializers.CharField()
    content_sm3 = serializers.CharField()
    content_ok = serializers.BooleanField()
    signatures = serializers.ListField(child=serializers.DictField())
    pdf_sm3 = serializers.CharField()
    pdf_ok = serializers.BooleanField(allow_null=True)
    recording = serializers.DictField(allow_null=True)
    complete = serializers.BooleanField()
    ok = serializers.BooleanField()


# -- joint review --------------------------------------------------------------------


class ExpertSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Expert
        fields = ["id", "name", "specialties", "title", "employer", "region_code", "active"]


class ExpertInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=100)
    specialties = serializers.ListField(child=serializers.ChoiceField(choices=Topic.choices),
                                        min_length=1, max_length=7)  # fmt: skip
    title = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    employer = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    region_code = StrictCharField(max_length=12, required=False, allow_blank=True, default="")


class ReviewOpinionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    expert = serializers.CharField(source="expert.name", read_only=True, allow_null=True,
                                   default=None)  # fmt: skip
    department = serializers.CharField(source="department.name", read_only=True,
                                       allow_null=True, default=None)  # fmt: skip

    class Meta:
        model = ReviewOpinion
        fields = ["id", "round", "expert", "department", "topic", "material", "clause",
                  "severity", "position", "text", "created_at"]  # fmt: skip


class ReviewLetterSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    items = serializers.JSONField(source="data.items", read_only=True)

    class Meta:
        model = ReviewLetter
        fields = ["id", "round", "number", "sm3", "issued_at", "must_fix", "items",
                  "responses", "resubmitted_at"]  # fmt: skip


class OpinionSignatureSerializer(serializers.ModelSerializer):
    expert = serializers.CharField(source="expert.name", read_only=True)
    ok = serializers.SerializerMethodField()

    class Meta:
        model = OpinionSignature
        fields = ["round", "expert", "signed_at", "key_id", "signature_hex", "payload", "ok"]

    def get_ok(self, obj) -> bool:
        from kaigong.inspections.joint_services import opinion_signature_verify

        return opinion_signature_verify(obj)


class JointReviewSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    lead_department = serializers.CharField(source="lead_department.name", read_only=True)
    items = serializers.SerializerMethodField()
    panel = ExpertSerializer(many=True, read_only=True)
    draw = serializers.SerializerMethodField()

    class Meta:
        model = JointReview
        fields = ["id", "case", "title", "meeting", "status", "lead_department", "items",
                  "panel_size", "quorum", "round", "specialties", "draw", "recused", "panel",
                  "concluded_at", "created_at"]  # fmt: skip

    def get_items(self, obj) -> list[dict]:
        return [
            {"id": str(i.public_id), "matter": i.matter_version.name,
             "department": i.department.name, "status": i.status}
            for i in obj.items.all()
        ]  # fmt: skip

    def get_draw(self, obj) -> str | None:
        return f"/draws/{obj.draw.public_id}/" if obj.draw_id else None


class JointReviewDetailSerializer(JointReviewSerializer):
    opinions = ReviewOpinionSerializer(many=True, read_only=True)
    letters = ReviewLetterSerializer(many=True, read_only=True)
    opinion_signatures = OpinionSignatureSerializer(many=True, read_only=True)
    quorum_state = serializers.SerializerMethodField()
    conflicts = serializers.SerializerMethodField()

    class Meta(JointReviewSerializer.Meta):
        fields = [*JointReviewSerializer.Meta.fields, "opinions", "letters",
                  "opinion_signatures", "quorum_state", "conflicts", "resolutions"]  # fmt: skip

    def get_quorum_state(self, obj) -> dict:
        from kaigong.inspections.joint_services import quorum_state

        return quorum_state(obj)

    def get_conflicts(self, obj) -> list[dict]:
        from kaigong.inspections.joint_services import conflicts

        return conflicts(obj)


class ConveneInputSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    items = serializers.ListField(child=serializers.UUIDField(), min_length=2, max_length=20)
    title = StrictCharField(max_length=200)
    meeting = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    panel_size = serializers.IntegerField(min_value=1, max_value=15, default=3)
    quorum = serializers.IntegerField(min_value=1, max_value=15, required=False, allow_null=True,
                                      default=None)  # fmt: skip
    specialties = serializers.ListField(child=serializers.ChoiceField(choices=Topic.choices),
                                        required=False, default=list, max_length=7)  # fmt: skip


class RevealInputSerializer(serializers.Serializer):
    witnesses = serializers.ListField(child=StrictCharField(max_length=50), min_length=1,
                                      max_length=10)  # fmt: skip


class ReviewOpinionInputSerializer(serializers.Serializer):
    expert = serializers.UUIDField(required=False, allow_null=True, default=None)
    topic = serializers.ChoiceField(choices=Topic.choices)
    material = StrictCharField(max_length=100)
    clause = StrictCharField(max_length=100)
    severity = serializers.ChoiceField(choices=Severity.choices)
    position = serializers.ChoiceField(choices=Position.choices, default=Position.MODIFY)
    text = StrictCharField(max_length=2000)


class ConflictResolveInputSerializer(serializers.Serializer):
    key = StrictCharField(max_length=320)
    text = StrictCharField(max_length=1000)


class ConsolidatedItemSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    topic = serializers.CharField()
    material = serializers.CharField()
    clause = serializers.CharField()
    severity = serializers.CharField()
    texts = serializers.ListField(child=serializers.CharField())
    experts = serializers.ListField(child=serializers.CharField())
    opinions = serializers.ListField(child=serializers.CharField())
    positions = serializers.DictField(child=serializers.CharField())
    conflict = serializers.BooleanField()
    key = serializers.CharField()
    resolution = serializers.CharField(required=False)


class ResponsesInputSerializer(serializers.Serializer):
    responses = serializers.DictField(child=StrictCharField(max_length=2000, allow_blank=True))
