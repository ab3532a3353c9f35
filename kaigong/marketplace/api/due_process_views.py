"""
Marketplace API, due process: sanctions on an agency (notice, statement, decision, appeal,
appeal decision) and objections to a published selection (raise, decide).
Thin: parse, call one selector or service, render.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from kaigong.core.api.input import validated
from kaigong.marketplace import due_process
from kaigong.marketplace.models import Objection, Sanction
from kaigong.marketplace.selectors import (
    agency_get_for_review,
    objection_get_for,
    objection_list_visible_to,
    sanction_get_for,
    sanction_list_visible_to,
    winner_get_public,
)

from . import serializers as s


def _sanction(row: Sanction) -> dict:
    return s.SanctionOutputSerializer(row).data


class SanctionListApi(GenericAPIView):
    """
    GET: the sanctions you may see (centre administrators and supervisors all; an agency its
    own). POST: a centre administrator serves notice of an intended suspension or
    blacklisting (告知), with the grounds; the agency has 5 working days to state its case.
    Errors: ``permission_denied`` (403), ``not_found`` (404), ``invalid_input`` (400).
    """

    pagination_class = None  # a plain list (at most 200 rows), as documented
    serializer_class = s.SanctionOutputSerializer
    queryset = Sanction.objects.none()

    @extend_schema(
        summary="List the sanctions visible to you",
        operation_id="marketplace_sanction_list",
        responses=s.SanctionOutputSerializer(many=True),
    )
    def get(self, request):
        rows = sanction_list_visible_to(request.user)[:200]
        return Response(s.SanctionOutputSerializer(rows, many=True).data)

    @extend_schema(
        summary="Serve notice of a sanction",
        operation_id="marketplace_sanction_open",
        request=s.SanctionOpenInputSerializer,
        responses={201: s.SanctionOutputSerializer},
    )
    def post(self, request):
        values = validated(s.SanctionOpenInputSerializer, request.data)
        agency = agency_get_for_review(request.user, values.pop("agency"))
        row = due_process.sanction_open(actor=request.user, agency=agency, **values)
        return Response(_sanction(row), status=status.HTTP_201_CREATED)


class SanctionDetailApi(GenericAPIView):
    """A sanction with its history. Who may see it: as the list (404 otherwise)."""

    serializer_class = s.SanctionOutputSerializer
    queryset = Sanction.objects.none()

    @extend_schema(summary="Read a sanction", operation_id="marketplace_sanction_retrieve")
    def get(self, request, public_id):
        return Response(_sanction(sanction_get_for(request.user, public_id)))


class _SanctionStep(GenericAPIView):
    queryset = Sanction.objects.none()
    input_class: type = s.SanctionStatementInputSerializer

    def parse(self, request, public_id):
        return sanction_get_for(request.user, public_id), validated(self.input_class, request.data)


class SanctionStatementApi(_SanctionStep):
    """The agency states its case (陈述申辩) within the period. Role: intermediary of the agency.
    Errors: 400, 403, 404, ``sanction_step_invalid`` (409)."""

    serializer_class = s.SanctionStatementInputSerializer
    input_class = s.SanctionStatementInputSerializer

    @extend_schema(
        summary="State the agency's case",
        operation_id="marketplace_sanction_statement",
        responses=s.SanctionOutputSerializer,
    )
    def post(self, request, public_id):
        row, values = self.parse(request, public_id)
        return Response(
            _sanction(due_process.sanction_statement(actor=request.user, sanction=row, **values))
        )


class SanctionDecideApi(_SanctionStep):
    """Decide after the statement or its period: upheld (suspended or blacklisted until the
    end, a credit record written, the decision published) or dismissed. Role: centre
    administrator. Errors: 400, 403, 404, ``sanction_step_invalid`` (409)."""

    serializer_class = s.SanctionDecideInputSerializer
    input_class = s.SanctionDecideInputSerializer

    @extend_schema(
        summary="Decide a sanction",
        operation_id="marketplace_sanction_decide",
        responses=s.SanctionOutputSerializer,
    )
    def post(self, request, public_id):
        row, values = self.parse(request, public_id)
        return Response(
            _sanction(due_process.sanction_decide(actor=request.user, sanction=row, **values))
        )


class SanctionAppealApi(_SanctionStep):
    """The agency asks for review (复核) of a decided sanction. Role: intermediary of the
    agency. Errors: 400, 403, 404, ``sanction_step_invalid`` (409)."""

    serializer_class = s.SanctionAppealInputSerializer
    input_class = s.SanctionAppealInputSerializer

    @extend_schema(
        summary="Appeal a sanction",
        operation_id="marketplace_sanction_appeal",
        responses=s.SanctionOutputSerializer,
    )
    def post(self, request, public_id):
        row, values = self.parse(request, public_id)
        return Response(
            _sanction(due_process.sanction_appeal(actor=request.user, sanction=row, **values))
        )


class SanctionAppealDecideApi(_SanctionStep):
    """Decide the appeal: overturned, the agency is listed again and the credit record ends.
    Role: centre administrator. Errors: 400, 403, 404, ``sanction_step_invalid`` (409)."""

    serializer_class = s.SanctionAppealDecideInputSerializer
    input_class = s.SanctionAppealDecideInputSerializer

    @extend_schema(
        summary="Decide the appeal of a sanction",
        operation_id="marketplace_sanction_appeal_decide",
        responses=s.SanctionOutputSerializer,
    )
    def post(self, request, public_id):
        row, values = self.parse(request, public_id)
        return Response(
            _sanction(
                due_process.sanction_appeal_decide(actor=request.user, sanction=row, **values)
            )
        )


class ObjectionListApi(GenericAPIView):
    """The objections you may see: centre administrators and supervisors all; the owner those
    on its requests; the chosen agency those on its selections; anyone those they raised."""

    pagination_class = None  # a plain list (at most 200 rows), as documented
    serializer_class = s.ObjectionOutputSerializer
    queryset = Objection.objects.none()

    @extend_schema(
        summary="List the objections visible to you",
        operation_id="marketplace_objection_list",
        responses=s.ObjectionOutputSerializer(many=True),
    )
    def get(self, request):
        rows = objection_list_visible_to(request.user)[:200]
        return Response(s.ObjectionOutputSerializer(rows, many=True).data)


class ObjectionRaiseApi(GenericAPIView):
    """Object to a published selection (公示期异议) within its objection period. Role: anyone
    signed in but the chosen agency's people. Errors: 400, 403, 404 (not published),
    ``request_wrong_state``, ``objection_period_closed`` (409)."""

    serializer_class = s.ObjectionInputSerializer
    queryset = Objection.objects.none()

    @extend_schema(
        summary="Object to a published selection",
        operation_id="marketplace_objection_raise",
        responses={201: s.ObjectionOutputSerializer},
    )
    def post(self, request, public_id):
        row = winner_get_public(public_id)
        values = validated(s.ObjectionInputSerializer, request.data)
        objection = due_process.objection_raise(actor=request.user, request=row, **values)
        return Response(s.ObjectionOutputSerializer(objection).data, status=status.HTTP_201_CREATED)


class ObjectionDecideApi(GenericAPIView):
    """Decide an objection: upheld, the winning bid is excluded and the selection runs again
    (a new draw, or 流标); dismissed, it stands. Role: centre administrator. Errors: 400,
    403, 404, ``objection_decided`` (409)."""

    serializer_class = s.ObjectionDecideInputSerializer
    queryset = Objection.objects.none()

    @extend_schema(
        summary="Decide an objection",
        operation_id="marketplace_objection_decide",
        responses=s.ObjectionOutputSerializer,
    )
    def post(self, request, public_id):
        row = objection_get_for(request.user, public_id)
        values = validated(s.ObjectionDecideInputSerializer, request.data)
        done = due_process.objection_decide(actor=request.user, objection=row, **values)
        return Response(s.ObjectionOutputSerializer(done).data)
