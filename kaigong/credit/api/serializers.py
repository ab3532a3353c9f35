from rest_framework import serializers

from kaigong.core.fields import StrictCharField
from kaigong.credit.constants import Level, ListKind


class CreditRecordOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    subject_kind = serializers.CharField()
    subject_name = serializers.CharField()
    subject_uscc = serializers.CharField(source="enterprise.uscc", default="")
    list_kind = serializers.CharField()
    list_label = serializers.CharField(source="get_list_kind_display")
    level = serializers.CharField()
    level_label = serializers.CharField(source="get_level_display")
    reason = serializers.CharField()
    authority = serializers.CharField(source="authority_name")
    basis = serializers.CharField()
    decided_on = serializers.DateField()
    listed_on = serializers.DateField()
    expires_on = serializers.DateField(allow_null=True)
    source = serializers.CharField()  # type: ignore[assignment]  # the field is named source
    source_reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    ended_at = serializers.DateTimeField(allow_null=True)
    end_reason = serializers.CharField()


class CreditRecordInputSerializer(serializers.Serializer):
    uscc = StrictCharField(max_length=18, required=False, default="")
    person = serializers.UUIDField(required=False, allow_null=True, default=None)
    list_kind = serializers.ChoiceField(choices=ListKind.choices)
    level = serializers.ChoiceField(choices=Level.choices)
    reason = StrictCharField(max_length=2000)
    basis = StrictCharField(max_length=300)
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)


class CreditRepairInputSerializer(serializers.Serializer):
    statement = StrictCharField(max_length=4000)
    evidence = StrictCharField(max_length=4000, required=False, allow_blank=True, default="")
    evidence_file = serializers.FileField(required=False, allow_null=True, default=None)


class CreditRepairDecideInputSerializer(serializers.Serializer):
    grant = serializers.BooleanField()
    reason = StrictCharField(max_length=2000)


class CreditRepairOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    record = serializers.UUIDField(source="record.public_id")
    statement = serializers.CharField()
    evidence = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class CreditGateOutputSerializer(serializers.Serializer):
    gate = serializers.CharField()
    allowed = serializers.BooleanField()
    on = serializers.DateField()
    standing = serializers.CharField()
    records = CreditRecordOutputSerializer(many=True)
    message = serializers.CharField()
