"""Serializers of the feedback and complaints API: input shapes and output documents."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kaigong.core.fields import StrictCharField
from kaigong.feedback.constants import (
    AppealGround,
    CallbackOutcome,
    Channel,
    ComplaintAction,
    ComplaintCategory,
    Level,
    TicketAction,
)
from kaigong.feedback.services.complaints import complaint_actions_for
from kaigong.feedback.services.tickets import ticket_actions_for


class RefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the field is named label


class IndicatorSetSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    channel = serializers.CharField()
    kind = serializers.CharField()
    name = serializers.CharField()
    indicators = IndicatorSerializer(many=True)


class InvitationOutputSerializer(serializers.Serializer):
    """What an invitation is about, and the indicator sets to rate with."""

    case_number = serializers.CharField(source="invitation.case.number")
    occasion = serializers.CharField(source="invitation.occasion")
    occasion_label = serializers.CharField(source="invitation.get_occasion_display")
    department = serializers.CharField(source="invitation.department.name", default="")
    service_center = serializers.CharField(source="invitation.service_center.name", default="")
    matter = serializers.CharField(source="invitation.matter_version.name", default="")
    staff = serializers.CharField(source="invitation.staff.get_full_name", default="")
    expires_at = serializers.DateTimeField(source="invitation.expires_at")
    levels = serializers.ListField(child=serializers.DictField())
    sets = IndicatorSetSerializer(many=True)


class EvaluationInputSerializer(serializers.Serializer):
    token = StrictCharField(max_length=200)
    level = serializers.ChoiceField(choices=Level.choices)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.ONLINE)
    indicators = serializers.ListField(
        child=StrictCharField(max_length=40), default=list, max_length=20
    )
    local_indicators = serializers.ListField(
        child=StrictCharField(max_length=40), default=list, max_length=20
    )
    text = serializers.CharField(max_length=2000, allow_blank=True, default="")


class EvaluationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    case_number = serializers.CharField(source="case.number")
    occasion = serializers.CharField()
    level = serializers.IntegerField()
    level_label = serializers.CharField(source="get_level_display")
    channel = serializers.CharField()
    indicator_set = serializers.CharField(source="indicator_set.code")
    indicator_set_version = serializers.IntegerField(source="indicator_set.version")
    indicators = serializers.ListField(child=serializers.CharField())
    local_indicators = serializers.ListField(child=serializers.CharField())
    text = serializers.CharField()
    department = serializers.CharField(source="department.name", default="")
    service_center = serializers.CharField(source="service_center.name", default="")
    matter_version = serializers.CharField(source="matter_version.name", default="")
    staff = serializers.CharField(source="staff.get_full_name", default="")
    status = serializers.CharField()
    rated_at = serializers.DateTimeField()


class AppealInputSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=AppealGround.choices)
    reason = serializers.CharField(max_length=4000)
    evidence = serializers.CharField(max_length=8000)


class AppealDecisionInputSerializer(serializers.Serializer):
    upheld = serializers.BooleanField()
    note = serializers.CharField(max_length=4000)


class AppealOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    evaluation = serializers.UUIDField(source="evaluation.public_id")
    ground = serializers.CharField()
    reason = serializers.CharField()
    evidence = serializers.CharField()
    status = serializers.CharField()
    review_note = serializers.CharField()
    reviewed_at = serializers.DateTimeField(allow_null=True)


class TicketActionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=TicketAction.choices)
    note = serializers.CharField(max_length=4000)
    department = serializers.UUIDField(required=False, help_text="assign: the unit (public id)")


class TicketOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # the field is named source
    case_number = serializers.CharField(source="case.number")
    evaluation = serializers.UUIDField(source="evaluation.public_id", default=None, allow_null=True)
    service_center = serializers.CharField(source="service_center.name")
    department = serializers.CharField(source="department.name", default="")
    problem = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    opened_on = serializers.DateField()
    due_on = serializers.DateField(allow_null=True)
    verification = serializers.CharField()
    measures = serializers.CharField()
    feedback = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    actions = serializers.SerializerMethodField(help_text="the steps open to you now")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, ticket) -> list[str]:
        return ticket_actions_for(self.context.get("user"), ticket)


class CallbackOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    case_number = serializers.CharField(source="case.number")
    enterprise = serializers.CharField(source="case.enterprise.name")
    project = serializers.CharField(source="case.project.name")
    reason = serializers.CharField()
    list_on = serializers.DateField(source="callback_list.on", default=None, allow_null=True)
    ticket = serializers.CharField(source="ticket.number", default="")
    outcome = serializers.CharField()
    note = serializers.CharField()
    attempts = serializers.IntegerField()
    done_at = serializers.DateTimeField(allow_null=True)


class CallbackOutcomeInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=CallbackOutcome.choices)
    note = serializers.CharField(max_length=4000, allow_blank=True, default="")


class CallbackFiguresSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    reached = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    problems = serializers.IntegerField()
    not_reached = serializers.IntegerField()


class ResultRowSerializer(serializers.Serializer):
    unit = serializers.CharField()
    total = serializers.IntegerField()
    l5 = serializers.IntegerField(help_text="非常满意")
    l4 = serializers.IntegerField(help_text="满意")
    l3 = serializers.IntegerField(help_text="基本满意")
    l2 = serializers.IntegerField(help_text="不满意")
    l1 = serializers.IntegerField(help_text="非常不满意")
    bad = serializers.IntegerField()
    rectified = serializers.IntegerField()
    rate = serializers.CharField(help_text="satisfaction rate in %, (l5+l4+l3)/total")


class ResultsSerializer(serializers.Serializer):
    by_department = ResultRowSerializer(many=True)
    by_service_center = ResultRowSerializer(many=True)
    by_window = ResultRowSerializer(
        many=True, help_text="the acceptance ratings of the cases each window accepted"
    )


class ComplaintInputSerializer(serializers.Serializer):
    service_center = serializers.UUIDField(help_text="the centre's public id")
    channel = serializers.ChoiceField(
        choices=[("online", "online"), ("window", "window")], default="online"
    )
    category = serializers.ChoiceField(choices=ComplaintCategory.choices, default="simple")
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=8000)
    complainant_name = serializers.CharField(max_length=100)
    complainant_phone = serializers.CharField(max_length=30, allow_blank=True, default="")
    case = serializers.UUIDField(required=False, help_text="a case of yours it concerns")


class ComplaintActionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ComplaintAction.choices)
    text = serializers.CharField(max_length=8000, allow_blank=True, default="")
    department = serializers.UUIDField(required=False, help_text="assign: the unit (public id)")


class ComplaintOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField()
    channel = serializers.CharField()
    hotline_ticket = serializers.CharField()
    category = serializers.CharField()
    title = serializers.CharField()
    content = serializers.CharField()
    complainant_name = serializers.CharField()
    service_center = serializers.CharField(source="service_center.name")
    department = serializers.CharField(source="department.name", default="")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    received_on = serializers.DateField()
    due_on = serializers.DateField()
    answer = serializers.CharField()
    answered_on = serializers.DateField(allow_null=True)
    closing_note = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    actions = serializers.SerializerMethodField(help_text="the steps open to you now")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, complaint) -> list[str]:
        return complaint_actions_for(self.context.get("user"), complaint)


class HotlineInputSerializer(serializers.Serializer):
    """A 12345 work order. ``ticket_no`` is the hotline's own number (idempotency key)."""

    ticket_no = StrictCharField(max_length=64)
    category = serializers.ChoiceField(choices=ComplaintCategory.choices, default="simple")
    title = StrictCharField(max_length=200)
    content = StrictCharField(max_length=8000)
    complainant_name = StrictCharField(max_length=100)
    complainant_phone = StrictCharField(max_length=30, allow_blank=True, default="")


class HotlineReplySerializer(serializers.Serializer):
    """
    The reply to the hotline system (intake and status): our number, its ticket number,
    status code and label, the deadline, and the answer once given.
    """

    number = serializers.CharField(help_text="Kaigong's complaint number, BBCS-YYYY-NNNNNN")
    ticket_no = serializers.CharField(source="hotline_ticket")
    created = serializers.BooleanField(help_text="false when the same ticket was sent before")
    status = serializers.ChoiceField(
        choices=["received", "assigned", "answered", "closed", "escalated"]
    )
    status_label = serializers.CharField()
    category = serializers.CharField()
    received_on = serializers.DateField()
    due_on = serializers.DateField(help_text="answer due, working days by category")
    department = serializers.CharField(help_text="handling unit, empty until assigned")
    answer = serializers.CharField()
    answered_on = serializers.DateField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
