from rest_framework import serializers

from kaigong.core.fields import StrictCharField
from kaigong.marketplace.constants import FundsType, Method, SanctionKind


class StaffSerializer(serializers.Serializer):
    name = StrictCharField(max_length=60)
    certificate_no = StrictCharField(max_length=60, required=False, default="")
    phone = StrictCharField(max_length=20, required=False, default="")


class QualificationSerializer(serializers.Serializer):
    kind = StrictCharField(max_length=100)
    level = StrictCharField(max_length=30, required=False, default="")
    certificate_no = StrictCharField(max_length=60)
    valid_to = serializers.DateField()


class AgencyInputSerializer(serializers.Serializer):
    uscc = StrictCharField(max_length=18)
    service_types = serializers.ListField(child=StrictCharField(max_length=100), max_length=30)
    contact_phone = StrictCharField(max_length=20)
    staff = StaffSerializer(many=True, required=False, default=list)
    introduction = StrictCharField(max_length=2000, required=False, default="")


class AgencyOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="enterprise.name")
    uscc = serializers.CharField(source="enterprise.uscc")
    province_code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    service_types = serializers.ListField(child=serializers.CharField())
    qualifications = QualificationSerializer(many=True, source="qualifications.all")
    composite = serializers.DictField(required=False)


class ReviewInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = StrictCharField(max_length=300, required=False, default="")


class RequestInputSerializer(serializers.Serializer):
    project = serializers.UUIDField()
    case = serializers.UUIDField(required=False, allow_null=True, default=None)
    title = StrictCharField(max_length=200)
    service_type = StrictCharField(max_length=100)
    stage = StrictCharField(max_length=60, required=False, default="")
    material_code = StrictCharField(max_length=64, required=False, default="")
    funds_type = serializers.ChoiceField(choices=FundsType.choices)
    method = serializers.ChoiceField(choices=Method.choices)
    qualification_kind = StrictCharField(max_length=100, required=False, default="")
    price_min = serializers.DecimalField(max_digits=12, decimal_places=2)
    price_max = serializers.DecimalField(max_digits=12, decimal_places=2)
    registration_closes_at = serializers.DateTimeField()
    choice_at = serializers.DateTimeField()
    witnesses = serializers.ListField(
        child=StrictCharField(max_length=50), max_length=10, required=False, default=list
    )
    direct_agency = serializers.UUIDField(required=False, allow_null=True, default=None)
    disclose_bids = serializers.BooleanField(required=False, default=True)
    complaint_phone = StrictCharField(max_length=30, required=False, default="")


class BidOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    agency = serializers.CharField(source="agency.enterprise.name")
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    created_at = serializers.DateTimeField()


class RequestOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    title = serializers.CharField()
    owner = serializers.CharField(source="owner.name")
    service_type = serializers.CharField()
    funds_type = serializers.CharField()
    method = serializers.CharField()
    method_label = serializers.CharField(source="get_method_display")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    price_min = serializers.DecimalField(max_digits=12, decimal_places=2)
    price_max = serializers.DecimalField(max_digits=12, decimal_places=2)
    registration_closes_at = serializers.DateTimeField()
    choice_at = serializers.DateTimeField()
    witnesses = serializers.ListField(child=serializers.CharField())
    draw = serializers.UUIDField(source="draw.public_id", default=None, allow_null=True)
    base_draw = serializers.UUIDField(source="base_draw.public_id", default=None, allow_null=True)
    base_rate = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    reference_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    winner = serializers.CharField(
        source="winner.agency.enterprise.name", default=None, allow_null=True
    )
    winning_price = serializers.DecimalField(
        source="winner.price", max_digits=12, decimal_places=2, default=None, allow_null=True
    )
    objection_until = serializers.DateField(allow_null=True)


class RequestDetailSerializer(RequestOutputSerializer):
    bids = BidOutputSerializer(many=True)
    events = serializers.ListField(child=serializers.DictField())
    clock = serializers.ListField(child=serializers.DictField())


class BidInputSerializer(serializers.Serializer):
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    contact_phone = StrictCharField(max_length=20, required=False, default="")
    staff = StaffSerializer(many=True, required=False, default=list)


class ChooseInputSerializer(serializers.Serializer):
    bid = serializers.UUIDField(required=False, allow_null=True, default=None)
    witnesses = serializers.ListField(
        child=StrictCharField(max_length=50), max_length=10, required=False, default=list
    )


class ContractInputSerializer(serializers.Serializer):
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    period_days = serializers.IntegerField(min_value=1, max_value=365)
    signed_on = serializers.DateField()
    file = serializers.FileField(required=False, allow_null=True, default=None)


class DeliverableInputSerializer(serializers.Serializer):
    file = serializers.FileField()


class AttachInputSerializer(serializers.Serializer):
    case = serializers.UUIDField(required=False, allow_null=True, default=None)


class RatingInputSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.IntegerField(), required=False, default=dict)
    score = serializers.IntegerField(required=False, allow_null=True, default=None)
    comment = StrictCharField(max_length=2000, required=False, default="")


class RatingOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    rater_kind = serializers.CharField()
    overall = serializers.DecimalField(max_digits=5, decimal_places=2)
    scores = serializers.DictField()
    derived_from = serializers.DictField()


class SignalSerializer(serializers.Serializer):
    kind = serializers.CharField()
    request = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField()
    agencies = serializers.ListField(child=serializers.CharField())


# -- due process: sanctions and objections ------------------------------------------------


class SanctionOpenInputSerializer(serializers.Serializer):
    agency = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=SanctionKind.choices)
    grounds = StrictCharField(max_length=4000)


class SanctionStatementInputSerializer(serializers.Serializer):
    statement = StrictCharField(max_length=4000)


class SanctionDecideInputSerializer(serializers.Serializer):
    uphold = serializers.BooleanField()
    decision = StrictCharField(max_length=4000)
    months = serializers.IntegerField(min_value=1, max_value=60, required=False, default=12)


class SanctionAppealInputSerializer(serializers.Serializer):
    appeal = StrictCharField(max_length=4000)


class SanctionAppealDecideInputSerializer(serializers.Serializer):
    overturn = serializers.BooleanField()
    decision = StrictCharField(max_length=4000)


class SanctionStepSerializer(serializers.Serializer):
    to = serializers.CharField()
    at = serializers.CharField()
    text = serializers.CharField()


class SanctionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    agency = serializers.UUIDField(source="agency.public_id")
    agency_name = serializers.CharField(source="agency.enterprise.name")
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    grounds = serializers.CharField()
    statement_due_on = serializers.DateField()
    statement = serializers.CharField()
    decision = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    appeal = serializers.CharField()
    appeal_decision = serializers.CharField()
    credit_record = serializers.UUIDField(source="credit_record_public_id", allow_null=True)
    history = SanctionStepSerializer(many=True)


class ObjectionInputSerializer(serializers.Serializer):
    grounds = StrictCharField(max_length=4000)
    contact = StrictCharField(max_length=60, required=False, default="")


class ObjectionDecideInputSerializer(serializers.Serializer):
    uphold = serializers.BooleanField()
    decision = StrictCharField(max_length=4000)


class ObjectionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    request = serializers.UUIDField(source="request.public_id")
    title = serializers.CharField(source="request.title")
    winner = serializers.CharField(source="bid.agency.enterprise.name")
    raiser_kind = serializers.CharField()
    raiser_kind_label = serializers.CharField(source="get_raiser_kind_display")
    grounds = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    decision = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
