"""Read-only shapes of the supervision API."""

from rest_framework import serializers


class PartySerializer(serializers.Serializer):
    government = serializers.IntegerField()
    applicant = serializers.IntegerField()
    special = serializers.IntegerField()
    intermediary = serializers.IntegerField()
    prerequisite = serializers.IntegerField()


class SegmentSerializer(serializers.Serializer):
    party = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    working_days = serializers.IntegerField()
    reason = serializers.CharField()


class SkippedSerializer(serializers.Serializer):
    day = serializers.DateField()
    kind = serializers.CharField()
    reason = serializers.CharField()


class StepSerializer(serializers.Serializer):
    """One step (环节): its days used against its own duration, with what was subtracted."""

    step = serializers.CharField(help_text="acceptance (受理), review (审查), decision (决定)")
    start = serializers.DateField(allow_null=True, help_text="its days are (start, end]")
    end = serializers.DateField(allow_null=True)
    allowed_days = serializers.IntegerField(help_text="the step's duration (working days)")
    gross_days = serializers.IntegerField()
    used_days = serializers.IntegerField(help_text="gross minus the subtracted runs")
    subtracted = SegmentSerializer(many=True)
    running = serializers.BooleanField()
    overrun = serializers.BooleanField()
    warning = serializers.BooleanField(help_text="overrun although the item is within its limit")
    duration_source = serializers.CharField(
        source="source", help_text="matter: the matter's own durations; default"
    )


class ItemFiguresSerializer(serializers.Serializer):
    """The province's figures of one item, each explained."""

    received_on = serializers.DateField(allow_null=True, help_text="接件")
    accepted_on = serializers.DateField(allow_null=True, help_text="受理 (the item's day 0)")
    finished_on = serializers.DateField(allow_null=True, help_text="办结")
    limit_days = serializers.IntegerField()
    promised_on = serializers.DateField(allow_null=True, help_text="承诺办结时间")
    gross_days = serializers.IntegerField(help_text="working days 受理 → 办结 (or now)")
    correction_days = serializers.IntegerField(help_text="补正用时 subtracted")
    special_days = serializers.IntegerField(help_text="特别程序用时 subtracted")
    intermediary_days = serializers.IntegerField(help_text="中介服务用时 subtracted")
    approval_days = serializers.IntegerField(help_text="审批用时")
    span_days = serializers.IntegerField(help_text="跨度用时 (natural days)")
    overdue = serializers.BooleanField(help_text="是否超期")
    open = serializers.BooleanField()
    by_party = PartySerializer()
    segments = SegmentSerializer(many=True)
    subtracted = SegmentSerializer(many=True)
    skipped = SkippedSerializer(many=True)
    adjusted = serializers.ListField(child=serializers.DateField())
    promised_explanation = serializers.CharField(
        required=False, help_text="The calendar's sentence for 承诺办结时间 (days skipped, why)"
    )
    steps = StepSerializer(many=True, required=False)


class QueueRowSerializer(serializers.Serializer):
    id = serializers.CharField()
    case = serializers.CharField()
    matter = serializers.CharField()
    unit = serializers.CharField()
    status = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)


class SupervisionCallbackFiguresSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="callbacks listed")
    done = serializers.IntegerField()
    reached = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    problems = serializers.IntegerField()
    not_reached = serializers.IntegerField()
    reach_rate = serializers.FloatField(allow_null=True, help_text="reached / listed, %")
    satisfaction_rate = serializers.FloatField(allow_null=True, help_text="satisfied / reached, %")


class SupervisionEvaluationFiguresSerializer(serializers.Serializer):
    rated = serializers.IntegerField()
    satisfaction_rate = serializers.FloatField(allow_null=True)
    bad = serializers.IntegerField(help_text="差评")
    rectified = serializers.IntegerField(help_text="bad reviews whose ticket is closed")
    rectified_rate = serializers.FloatField(allow_null=True)


class SupervisionFeedbackFiguresSerializer(serializers.Serializer):
    callbacks = SupervisionCallbackFiguresSerializer()
    evaluations = SupervisionEvaluationFiguresSerializer()


class DashboardSerializer(serializers.Serializer):
    on = serializers.DateField()
    colours = serializers.DictField(child=serializers.IntegerField())
    queues = serializers.DictField(child=serializers.IntegerField())
    signals = serializers.DictField(child=serializers.IntegerField())
    party = serializers.DictField(child=serializers.IntegerField())
    ranking = serializers.ListField(child=serializers.DictField())
    denials = serializers.ListField(child=serializers.DictField())
    feedback = SupervisionFeedbackFiguresSerializer(
        help_text="回访 and 好差评 figures in scope (live)"
    )
    reform = serializers.ListField(
        child=serializers.DictField(), help_text="reform metrics per bundle, before → after"
    )
    as_of = serializers.DateField(allow_null=True)


class OrderStepSerializer(serializers.Serializer):
    kind = serializers.CharField()
    actor = serializers.CharField(source="actor.username")
    at = serializers.DateTimeField()
    text = serializers.CharField()
    working_days = serializers.IntegerField()


class OrderSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField()
    department = serializers.CharField(source="department.name")
    subject = serializers.CharField()
    instruction = serializers.CharField()
    status = serializers.CharField()
    level = serializers.IntegerField()
    issued_at = serializers.DateTimeField()
    reply_due_on = serializers.DateField()
    replied_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class OrderDetailSerializer(OrderSerializer):
    steps = OrderStepSerializer(many=True)


class BatchSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    department = serializers.CharField(source="department.name")
    week_start = serializers.DateField()
    compiled_on = serializers.DateField()
    confirm_due_on = serializers.DateField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    late = serializers.BooleanField()
    entries = serializers.IntegerField(source="entry_count")


class RegisterRowSerializer(serializers.Serializer):
    id = serializers.CharField()
    date = serializers.DateField()
    kind = serializers.CharField()
    case = serializers.CharField()
    matter = serializers.CharField()
    applicant = serializers.CharField()
    facts = serializers.CharField()
    reason = serializers.CharField()
    note = serializers.CharField()
    legal_basis = serializers.CharField()
    officer = serializers.CharField()
    finding = serializers.CharField()


class BatchDetailSerializer(BatchSerializer):
    rows = RegisterRowSerializer(many=True)


class StatisticsSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    rows = serializers.ListField(child=serializers.DictField())


class BeforeVersionSerializer(serializers.Serializer):
    matter = serializers.CharField()
    version = serializers.IntegerField()
    effective_from = serializers.DateField(allow_null=True)
    from_catalogue = serializers.BooleanField()


class ReformSerializer(serializers.Serializer):
    bundle = serializers.CharField(source="bundle.name")
    matters = serializers.IntegerField()
    materials_before = serializers.IntegerField()
    materials_after = serializers.IntegerField()
    visits_before = serializers.IntegerField()
    visits_after = serializers.IntegerField()
    steps_before = serializers.IntegerField()
    steps_after = serializers.IntegerField()
    promised_days_before = serializers.IntegerField()
    promised_days_after = serializers.IntegerField()
    time_saved_percent = serializers.FloatField(allow_null=True)
    actual_median_days = serializers.FloatField(allow_null=True)
    concluded_cases = serializers.IntegerField()
    base_on = serializers.DateField(help_text="the reform's base date: the day before the bundle")
    before_source = serializers.ChoiceField(
        choices=["catalogue", "mixed", "rule"],
        help_text="catalogue: the versions in force on base_on; rule: those in force now, unmerged",
    )
    before_versions = BeforeVersionSerializer(many=True)


class SnapshotSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    revision = serializers.IntegerField()
    reason = serializers.CharField()
    digest = serializers.CharField()
    signature = serializers.CharField()
    public_key_hex = serializers.CharField()
    verified = serializers.BooleanField()
    figures = serializers.DictField()


class SignalRuleSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    matter_code = serializers.CharField(
        source="matter.code", allow_null=True, default=None, help_text="the matter it applies to"
    )
    matter = serializers.CharField(source="matter.name", allow_null=True, default=None)
    department_code = serializers.CharField(
        source="department.code", allow_null=True, default=None,
        help_text="the department it applies to (when not a matter)",
    )  # fmt: skip
    department = serializers.CharField(source="department.name", allow_null=True, default=None)
    prompt_percent = serializers.IntegerField(help_text="预警 at % of the limit")
    prompt_days_before = serializers.IntegerField(
        allow_null=True, help_text="or 预警 N working days before the limit"
    )
    yellow_percent = serializers.IntegerField(help_text="黄牌 at % of the limit")
    advice_after_days = serializers.IntegerField(
        help_text="监察建议书 after N working days overdue"
    )
    active = serializers.BooleanField()


class StepLimitSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    matter_code = serializers.CharField(source="matter.code")
    matter = serializers.CharField(source="matter.name")
    step = serializers.ChoiceField(choices=["acceptance", "review", "decision"])
    working_days = serializers.IntegerField(help_text="the step's own duration (环节时限)")
    active = serializers.BooleanField()
