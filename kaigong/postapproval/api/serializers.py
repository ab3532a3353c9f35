from rest_framework import serializers

from kaigong.core.fields import StrictCharField
from kaigong.postapproval.constants import ObjectType, SampleKind, Severity, TargetResult


class CheckItemSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    code = StrictCharField(max_length=64)
    name = StrictCharField(max_length=200)
    basis = StrictCharField(max_length=4000)
    object_type = serializers.ChoiceField(choices=ObjectType.choices)
    matter_code = StrictCharField(max_length=64, required=False, default="")
    ratio_percent = serializers.IntegerField(min_value=1, max_value=100)
    frequency = StrictCharField(max_length=60)
    method = StrictCharField(max_length=100)
    inspector_requirements = StrictCharField(max_length=200, required=False, default="")
    department = serializers.CharField(source="department.name", read_only=True)


class PlanInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = StrictCharField(max_length=200)
    items = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=50)


class CheckItemUpdateSerializer(serializers.Serializer):
    """A check item's fields that may change (its code stays)."""

    name = StrictCharField(max_length=200)
    basis = StrictCharField(max_length=4000)
    object_type = serializers.ChoiceField(choices=ObjectType.choices)
    matter_code = StrictCharField(max_length=64, required=False, default="")
    ratio_percent = serializers.IntegerField(min_value=1, max_value=100)
    frequency = StrictCharField(max_length=60)
    method = StrictCharField(max_length=100)
    inspector_requirements = StrictCharField(max_length=200, required=False, default="")


class GenerateTasksInputSerializer(serializers.Serializer):
    sample_kind = serializers.ChoiceField(choices=SampleKind.choices)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    inspectors_per_target = serializers.IntegerField(min_value=1, max_value=5, default=2)


class SkippedItemSerializer(serializers.Serializer):
    item = serializers.CharField(help_text="the check item's code")
    reason = serializers.CharField(help_text="task_exists or pool_empty")


class GenerateTasksOutputSerializer(serializers.Serializer):
    tasks = serializers.ListField(child=serializers.DictField())
    skipped = SkippedItemSerializer(many=True)


class PlanOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    year = serializers.IntegerField()
    title = serializers.CharField()
    department = serializers.CharField(source="department.name")
    items = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField()

    def get_items(self, plan) -> list[str]:
        return [i.code for i in plan.items.all()]

    def get_tasks(self, plan) -> list[dict[str, str]]:
        return [
            {"id": str(t.public_id), "code": t.code, "status": t.status} for t in plan.tasks.all()
        ]


class TaskInputSerializer(serializers.Serializer):
    plan = serializers.UUIDField()
    item = serializers.UUIDField()
    code = StrictCharField(max_length=60)
    sample_kind = serializers.ChoiceField(choices=SampleKind.choices)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    inspectors_per_target = serializers.IntegerField(
        min_value=1, max_value=5, required=False, default=2
    )


class TaskOutputSerializer(serializers.Serializer):
    id = serializers.CharField()
    code = serializers.CharField()
    plan = serializers.CharField()
    department = serializers.CharField()
    item = serializers.CharField()
    basis = serializers.CharField()
    ratio_percent = serializers.IntegerField()
    sample_kind = serializers.CharField()
    status = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    pool_size = serializers.IntegerField()
    pool_hash = serializers.CharField()
    target_count = serializers.IntegerField()
    target_draw = serializers.CharField(allow_null=True)
    inspector_draw = serializers.CharField(allow_null=True)
    recusals = serializers.ListField(child=serializers.DictField())
    targets = serializers.ListField(child=serializers.DictField())
    results_published_at = serializers.DateTimeField(allow_null=True)


class WitnessInputSerializer(serializers.Serializer):
    witnesses = serializers.ListField(
        child=StrictCharField(max_length=50), min_length=1, max_length=10
    )


class ResultInputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=[c for c in TargetResult.choices if c[0] != "pending"])
    note = StrictCharField(max_length=4000, required=False, default="")


class FindingInputSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    description = StrictCharField(max_length=4000)
    basis = StrictCharField(max_length=300)
    rectify_days = serializers.IntegerField(min_value=1, max_value=120, required=False, default=15)


class FindingOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    severity = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    rectify_due_on = serializers.DateField(allow_null=True)
    revoked_certificate = serializers.CharField()
    flagged_dependants = serializers.ListField(child=serializers.CharField())
    credit_record = serializers.UUIDField(source="credit_record_public_id", allow_null=True)


class ReasonInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=2000)


class CommitmentCheckSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    case = serializers.UUIDField(source="case.public_id")
    case_number = serializers.CharField(source="case.number")
    department = serializers.CharField(source="department.name")
    due_on = serializers.DateField()
    status = serializers.CharField()
    note = serializers.CharField()


class CommitmentCheckInputSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    note = StrictCharField(max_length=4000, required=False, default="")
