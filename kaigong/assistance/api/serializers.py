from rest_framework import serializers

from kaigong.assistance.constants import (
    AssignmentRole,
    HelperLevel,
    MandateAction,
    NoteTarget,
    PolicyKind,
    SuggestionSource,
    SuggestionStatus,
)
from kaigong.assistance.selectors import mandate_status


class _Person(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="__str__")


class AssistanceAssignmentOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    project = serializers.UUIDField(source="project.public_id")
    project_name = serializers.CharField(source="project.name")
    helper = _Person()
    role = serializers.CharField()
    level = serializers.CharField()
    team = serializers.CharField(source="team.name", default="", allow_null=True)
    since = serializers.DateTimeField()
    until = serializers.DateTimeField(allow_null=True)
    handed_over_to = serializers.UUIDField(
        source="handed_over_to.public_id", default=None, allow_null=True
    )


class AssistanceAssignmentInputSerializer(serializers.Serializer):
    project = serializers.UUIDField()
    helper = serializers.UUIDField()
    level = serializers.ChoiceField(choices=HelperLevel.choices)
    role = serializers.ChoiceField(choices=AssignmentRole.choices, default="project_helper")
    team = serializers.UUIDField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class AssistanceHandOverInputSerializer(serializers.Serializer):
    to_helper = serializers.UUIDField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class AssistanceMandateOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField()
    enterprise = serializers.UUIDField(source="enterprise.public_id")
    enterprise_name = serializers.CharField(source="enterprise.name")
    agent = _Person()
    projects = serializers.SerializerMethodField()
    actions = serializers.ListField(child=serializers.CharField())
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    status = serializers.SerializerMethodField()
    text = serializers.CharField()
    text_sm3 = serializers.CharField()
    signature_key_id = serializers.CharField()
    signature_hex = serializers.CharField()
    signed_by = _Person()
    signed_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)

    def get_projects(self, obj) -> list[str]:
        return [str(p.public_id) for p in obj.projects.all()]

    def get_status(self, obj) -> str:
        return mandate_status(obj)


class AssistanceMandateInputSerializer(serializers.Serializer):
    agent = serializers.UUIDField()
    projects = serializers.ListField(child=serializers.UUIDField(), min_length=1)
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=MandateAction.choices), min_length=1
    )
    valid_until = serializers.DateField()


class AssistanceRevokeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class AssistanceQuestionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    project = serializers.UUIDField(source="project.public_id", default=None, allow_null=True)
    matter = serializers.CharField(source="matter.code", default=None, allow_null=True)
    department = serializers.CharField(source="department.code")
    text = serializers.CharField()
    expert = _Person()
    asked_on = serializers.DateField()
    due_on = serializers.DateField()
    status = serializers.CharField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)


class AssistanceQuestionInputSerializer(serializers.Serializer):
    project = serializers.UUIDField()
    department = serializers.CharField(max_length=64)
    matter = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")
    text = serializers.CharField(max_length=4000)


class AssistanceAnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=8000)


class AssistancePublishInputSerializer(serializers.Serializer):
    faq_question = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    faq_answer = serializers.CharField(required=False, allow_blank=True, max_length=8000)


class AssistancePolicyOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    department = serializers.CharField(source="department.name")
    published_at = serializers.DateTimeField()
    region_code = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())
    stages = serializers.ListField(child=serializers.IntegerField())
    key_projects_only = serializers.BooleanField()
    session_at = serializers.DateTimeField(allow_null=True)
    venue = serializers.CharField()


class AssistancePolicyInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PolicyKind.choices)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    region_code = serializers.RegexField(r"^\d{6}$", required=False, default="")
    categories = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    stages = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=5), required=False, default=list
    )
    key_projects_only = serializers.BooleanField(required=False, default=False)
    session_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    venue = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None)


class AssistanceEnterpriseInputSerializer(serializers.Serializer):
    enterprise = serializers.UUIDField()


class AssistanceSignUpInputSerializer(AssistanceEnterpriseInputSerializer):
    attendee = serializers.CharField(max_length=50)


class AssistanceReceiptOutputSerializer(serializers.Serializer):
    policy = serializers.UUIDField(source="policy.public_id")
    enterprise = serializers.UUIDField(source="enterprise.public_id")
    read_at = serializers.DateTimeField()


class AssistanceSignupOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    policy = serializers.UUIDField(source="policy.public_id")
    enterprise = serializers.UUIDField(source="enterprise.public_id")
    attendee = serializers.CharField()
    attended = serializers.BooleanField(allow_null=True)


class AssistanceNoteSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=NoteTarget.choices)
    code = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")
    text = serializers.CharField(max_length=4000)


class AssistancePreReviewOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    case = serializers.UUIDField(source="case.public_id")
    requested_on = serializers.DateField()
    due_on = serializers.DateField()
    status = serializers.CharField()
    note = serializers.CharField()
    notes = AssistanceNoteSerializer(many=True)
    annotated_at = serializers.DateTimeField(allow_null=True)


class AssistancePreReviewInputSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class AssistanceAnnotateInputSerializer(serializers.Serializer):
    notes = AssistanceNoteSerializer(many=True, required=False, default=list)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class AssistanceWorkbenchCaseSerializer(serializers.Serializer):
    case = serializers.UUIDField(source="case.public_id")
    number = serializers.CharField(source="case.number")
    status = serializers.CharField(source="case.status")
    waiting_on = serializers.CharField(source="side")
    next_step = serializers.CharField()


class AssistanceWorkbenchRowSerializer(serializers.Serializer):
    project = serializers.UUIDField(source="project.public_id")
    project_name = serializers.CharField(source="project.name")
    enterprise = serializers.CharField(source="project.enterprise.name")
    level = serializers.CharField(source="assignment.level")
    mandate = serializers.CharField(source="mandate.number", default=None, allow_null=True)
    cases = AssistanceWorkbenchCaseSerializer(many=True)


class AssistanceTeamOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    service_center = serializers.CharField(source="service_center.name")
    lead = _Person()
    members = _Person(many=True, source="members.all")
    created_at = serializers.DateTimeField()


class AssistanceTeamInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    lead = serializers.UUIDField()
    members = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=50
    )


class AssistanceAttendanceInputSerializer(serializers.Serializer):
    attended = serializers.BooleanField()


class AssistanceSuggestionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    source = serializers.CharField()  # type: ignore[assignment]
    text = serializers.CharField()
    region_code = serializers.CharField()
    enterprise = serializers.UUIDField(source="enterprise.public_id", default=None, allow_null=True)
    owner = serializers.CharField(source="owner.code")
    owner_name = serializers.CharField(source="owner.name")
    deadline = serializers.DateField()
    status = serializers.CharField()
    result = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)


class AssistanceSuggestionInputSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=SuggestionSource.choices)  # type: ignore[assignment]
    text = serializers.CharField(max_length=4000)
    owner = serializers.CharField(max_length=64)
    deadline = serializers.DateField()
    enterprise = serializers.UUIDField(required=False, allow_null=True, default=None)


class AssistanceSuggestionCloseInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[
            (SuggestionStatus.DONE.value, SuggestionStatus.DONE.label),
            (SuggestionStatus.DECLINED.value, SuggestionStatus.DECLINED.label),
        ]
    )
    result = serializers.CharField(max_length=4000)
