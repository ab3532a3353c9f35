"""
Credit API: records (list, read, enter), repair requests and their decisions, and the gate
a staff member asks. Thin: parse, call one selector or service, render.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from kaigong.accounts.models import Enterprise, User
from kaigong.accounts.roles import STAFF_ROLES
from kaigong.accounts.selectors import user_has_role
from kaigong.core.exceptions import InvalidInput, NotFound, PermissionDenied
from kaigong.credit.constants import Gate
from kaigong.credit.models import CreditRecord
from kaigong.credit.selectors import (
    credit_gate,
    credit_record_get_for,
    credit_record_list_visible_to,
    credit_repair_get_for,
)
from kaigong.credit.services import (
    credit_record_create,
    credit_repair_decide,
    credit_repair_request,
)

from .serializers import (
    CreditGateOutputSerializer,
    CreditRecordInputSerializer,
    CreditRecordOutputSerializer,
    CreditRepairDecideInputSerializer,
    CreditRepairInputSerializer,
    CreditRepairOutputSerializer,
)


def _subject(data):
    if data["uscc"]:
        enterprise = Enterprise.objects.filter(uscc=data["uscc"].upper()).first()
        if enterprise is None:
            raise InvalidInput(_("No enterprise with this code."), code="credit_subject_required")
        return enterprise
    if data["person"]:
        person = User.objects.filter(public_id=data["person"]).first()
        if person is None:
            raise InvalidInput(_("No such person."), code="credit_subject_required")
        return person
    raise InvalidInput(
        _("Name the enterprise (USCC) or the person."), code="credit_subject_required"
    )


class CreditRecordListApi(ListAPIView):
    """
    Credit records you may see (supervisors all; department staff those of authorities in
    their region; an enterprise's members its own), and entering one.
    Roles: read any logged-in user; write an approver or head of a department (the authority).
    Errors: ``credit_subject_required``, ``credit_level_mismatch``, ``credit_dates_invalid``
    (400), ``permission_denied`` (403).
    """

    serializer_class = CreditRecordOutputSerializer

    def get_queryset(self):
        return credit_record_list_visible_to(self.request.user)

    @extend_schema(summary="List credit records visible to you", operation_id="credit_record_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Enter a credit record",
        operation_id="credit_record_create",
        request=CreditRecordInputSerializer,
        responses={201: CreditRecordOutputSerializer},
    )
    def post(self, request):
        data = CreditRecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        record = credit_record_create(
            actor=request.user,
            subject=_subject(values),
            list_kind=values["list_kind"],
            level=values["level"],
            reason=values["reason"],
            basis=values["basis"],
            decided_on=values["decided_on"],
            expires_on=values["expires_on"],
        )
        return Response(CreditRecordOutputSerializer(record).data, status=status.HTTP_201_CREATED)


class CreditRecordDetailApi(GenericAPIView):
    """One credit record. Roles: as the list. Errors: ``not_found`` (404)."""

    serializer_class = CreditRecordOutputSerializer
    queryset = CreditRecord.objects.none()

    @extend_schema(summary="Read a credit record", operation_id="credit_record_retrieve")
    def get(self, request, public_id):
        return Response(
            CreditRecordOutputSerializer(credit_record_get_for(request.user, public_id)).data
        )


class CreditRepairRequestApi(GenericAPIView):
    """
    Ask for credit repair (信用修复) of a record, with a statement and evidence.
    Role: a member of the enterprise the record is on (or the person). Errors:
    ``credit_evidence_required`` (400), ``permission_denied`` (403), ``not_found`` (404),
    ``credit_record_not_active``, ``credit_repair_pending`` (409).
    """

    serializer_class = CreditRepairInputSerializer
    queryset = CreditRecord.objects.none()

    @extend_schema(
        summary="Ask for credit repair",
        operation_id="credit_repair_request",
        responses={201: CreditRepairOutputSerializer},
    )
    def post(self, request, public_id):
        record = credit_record_get_for(request.user, public_id)
        data = CreditRepairInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        repair = credit_repair_request(actor=request.user, record=record, **data.validated_data)
        return Response(CreditRepairOutputSerializer(repair).data, status=status.HTTP_201_CREATED)


class CreditRepairDecideApi(GenericAPIView):
    """
    Decide a repair request. Role: approver or head of the authority department.
    Errors: ``invalid_input`` (400), ``permission_denied`` (403), ``not_found`` (404),
    ``credit_repair_decided`` (409).
    """

    serializer_class = CreditRepairDecideInputSerializer
    queryset = CreditRecord.objects.none()

    @extend_schema(
        summary="Decide a credit repair request",
        operation_id="credit_repair_decide",
        responses=CreditRepairOutputSerializer,
    )
    def post(self, request, public_id):
        repair = credit_repair_get_for(request.user, public_id)
        data = CreditRepairDecideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        repair = credit_repair_decide(actor=request.user, repair=repair, **data.validated_data)
        return Response(CreditRepairOutputSerializer(repair).data)


class CreditGateApi(GenericAPIView):
    """
    Ask a credit gate (deferral 容缺, undertaking 告知承诺, marketplace) about an enterprise:
    the decision and the records it cites. Role: staff and supervisors.
    Errors: ``permission_denied`` (403), ``not_found`` (404: unknown gate or enterprise).
    """

    serializer_class = CreditGateOutputSerializer
    queryset = CreditRecord.objects.none()

    @extend_schema(
        summary="Ask a credit gate about an enterprise",
        operation_id="credit_gate",
        parameters=[OpenApiParameter("uscc", str, required=True)],
        responses=CreditGateOutputSerializer,
    )
    def get(self, request, gate):
        if not user_has_role(request.user, *STAFF_ROLES):
            raise PermissionDenied(_("Only staff ask a credit gate."))
        enterprise = Enterprise.objects.filter(
            uscc=str(request.query_params.get("uscc", "")).upper()
        ).first()
        if gate not in Gate.values or enterprise is None:
            raise NotFound(_("No such gate or enterprise."), code="not_found")
        decision = credit_gate(enterprise, gate)
        out = {**decision.__dict__, "message": decision.message}
        return Response(CreditGateOutputSerializer(out).data)
