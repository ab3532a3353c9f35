"""
Marketplace API (中介超市): agencies (public list and page, registration, review,
qualifications), requests (open, read, bid, choose, contract, deliverable, attach to the
case, rate), the public winners (公示) and the supervisor's collusion signals.
Thin: parse, call one selector or service, render.
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from kaigong.accounts.models import Enterprise
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_has_role
from kaigong.cases.selectors import case_get_for
from kaigong.core.exceptions import NotFound, PermissionDenied
from kaigong.marketplace import services
from kaigong.marketplace.models import Agency, ServiceRequest
from kaigong.marketplace.selectors import (
    agency_get_for_review,
    agency_get_public,
    agency_list_public,
    agency_of,
    bids_visible,
    collusion_signals,
    composite_score,
    intermediary_segments,
    service_request_get_for,
    service_request_list_visible_to,
    winners_public,
)
from kaigong.projects.selectors import project_get_for

from . import serializers as s


def _agency_out(agency: Agency) -> dict:
    data = s.AgencyOutputSerializer(agency).data
    score = composite_score(agency)
    data["composite"] = {
        "score": str(score["score"]) if score["score"] is not None else None,
        "parts": {k: (str(v) if v is not None else None) for k, v in score["parts"].items()},
        "weights": score["weights"],
        "ratings": score["ratings"],
    }
    return data


def _request_out(request: ServiceRequest, user) -> dict:
    data = s.RequestOutputSerializer(request).data
    data["bids"] = s.BidOutputSerializer(bids_visible(request, user), many=True).data
    data["events"] = [
        {"from": e.from_status, "to": e.to_status, "action": e.action, "at": e.at.isoformat()}
        for e in request.events.all()
    ]
    data["clock"] = [
        {
            **dataclasses.asdict(c),
            "start": c.start.isoformat(),
            "end": c.end.isoformat() if c.end else None,
        }
        for c in intermediary_segments(project=request.project)
        if c.request == str(request.public_id)
    ]
    return data


class AgencyListApi(GenericAPIView):
    """
    GET: the listed agencies with their composite scores (public). POST: an intermediary
    registers its enterprise as an agency. Errors: ``permission_denied`` (403),
    ``invalid_input`` (400), ``agency_exists`` (409).
    """

    pagination_class = None  # a plain list (at most 200 rows), as documented

    serializer_class = s.AgencyOutputSerializer
    queryset = Agency.objects.none()

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()

    def get_throttles(self):
        return [AnonRateThrottle()] if self.request.method == "GET" else super().get_throttles()

    @extend_schema(
        summary="List the agencies (public)",
        operation_id="marketplace_agency_list",
        responses=s.AgencyOutputSerializer(many=True),
    )
    def get(self, request):
        return Response([_agency_out(a) for a in agency_list_public()[:200]])

    @extend_schema(
        summary="Register an agency",
        operation_id="marketplace_agency_register",
        request=s.AgencyInputSerializer,
        responses={201: s.AgencyOutputSerializer},
    )
    def post(self, request):
        data = s.AgencyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        enterprise = Enterprise.objects.filter(uscc=values.pop("uscc").upper()).first()
        if enterprise is None:
            raise NotFound(_("No enterprise with this code."), code="not_found")
        agency = services.agency_register(actor=request.user, enterprise=enterprise, **values)
        return Response(_agency_out(agency), status=status.HTTP_201_CREATED)


class AgencyDetailApi(GenericAPIView):
    """An agency's public page: qualifications, completed services, composite score."""

    serializer_class = s.AgencyOutputSerializer
    queryset = Agency.objects.none()
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(summary="Read an agency (public)", operation_id="marketplace_agency_retrieve")
    def get(self, request, public_id):
        return Response(_agency_out(agency_get_public(public_id)))


class AgencyReviewApi(GenericAPIView):
    """The centre reviews a registered agency. Role: centre administrator. Errors: 403, 404, 409."""

    serializer_class = s.ReviewInputSerializer
    queryset = Agency.objects.none()

    @extend_schema(
        summary="Review an agency",
        operation_id="marketplace_agency_review",
        responses=s.AgencyOutputSerializer,
    )
    def post(self, request, public_id):
        agency = agency_get_for_review(request.user, public_id)
        data = s.ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            _agency_out(
                services.agency_review(actor=request.user, agency=agency, **data.validated_data)
            )
        )


class QualificationApi(GenericAPIView):
    """Declare a qualification of an agency. Role: intermediary of the agency. Errors: 400, 403, 404."""

    serializer_class = s.QualificationSerializer
    queryset = Agency.objects.none()

    @extend_schema(
        summary="Declare a qualification",
        operation_id="marketplace_qualification_add",
        responses={201: s.QualificationSerializer},
    )
    def post(self, request, public_id):
        agency = agency_get_for_review(request.user, public_id)
        data = s.QualificationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.qualification_add(actor=request.user, agency=agency, **data.validated_data)
        return Response(s.QualificationSerializer(row).data, status=status.HTTP_201_CREATED)


class RequestListApi(GenericAPIView):
    """
    GET: the requests you may see. POST: the owner opens a request for a project (and case).
    Errors: ``permission_denied`` (403), ``not_found`` (404), ``method_not_allowed``,
    ``designation_forbidden``, ``window_invalid``, ``price_invalid``, ``witness_required`` (400).
    """

    pagination_class = None  # a plain list (at most 200 rows), as documented

    serializer_class = s.RequestOutputSerializer
    queryset = ServiceRequest.objects.none()

    @extend_schema(
        summary="List service requests visible to you",
        operation_id="marketplace_request_list",
        responses=s.RequestOutputSerializer(many=True),
    )
    def get(self, request):
        rows = service_request_list_visible_to(request.user)[:200]
        return Response(s.RequestOutputSerializer(rows, many=True).data)

    @extend_schema(
        summary="Open a service request",
        operation_id="marketplace_request_open",
        request=s.RequestInputSerializer,
        responses={201: s.RequestOutputSerializer},
    )
    def post(self, request):
        data = s.RequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        project = project_get_for(request.user, values.pop("project"))
        case_id, agency_id = values.pop("case"), values.pop("direct_agency")
        case = case_get_for(request.user, case_id) if case_id else None
        agency = agency_get_public(agency_id) if agency_id else None
        row = services.service_request_open(
            actor=request.user, project=project, case=case, direct_agency=agency, **values
        )
        return Response(s.RequestOutputSerializer(row).data, status=status.HTTP_201_CREATED)


class RequestDetailApi(GenericAPIView):
    """A request with its bids (as disclosed), its state log and the intermediary clock."""

    serializer_class = s.RequestDetailSerializer
    queryset = ServiceRequest.objects.none()

    @extend_schema(summary="Read a service request", operation_id="marketplace_request_retrieve")
    def get(self, request, public_id):
        return Response(
            _request_out(service_request_get_for(request.user, public_id), request.user)
        )


class _RequestAction(GenericAPIView):
    queryset = ServiceRequest.objects.none()
    input_class: type = s.AttachInputSerializer

    def parse(self, request, public_id):
        row = service_request_get_for(request.user, public_id)
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        return row, dict(data.validated_data)


class BidApi(_RequestAction):
    """An agency bids (报名). Role: intermediary of a listed agency. Errors: 400, 403, 404, 409."""

    serializer_class = s.BidInputSerializer
    input_class = s.BidInputSerializer

    @extend_schema(
        summary="Bid on a service request",
        operation_id="marketplace_bid_submit",
        responses={201: s.BidOutputSerializer},
    )
    def post(self, request, public_id):
        row, values = self.parse(request, public_id)
        agency = agency_of(request.user)
        if agency is None:
            raise PermissionDenied(_("Only an agency's intermediaries bid."))
        bid = services.bid_submit(actor=request.user, request=row, agency=agency, **values)
        return Response(s.BidOutputSerializer(bid).data, status=status.HTTP_201_CREATED)


class ChooseApi(_RequestAction):
    """Run the selection at choice time (reveal the draw before the witnesses; or pick, 择优). Role: owner."""

    serializer_class = s.ChooseInputSerializer
    input_class = s.ChooseInputSerializer

    @extend_schema(
        summary="Run the selection",
        operation_id="marketplace_request_choose",
        responses=s.RequestOutputSerializer,
    )
    def post(self, request, public_id):
        row, values = self.parse(request, public_id)
        bid = row.bids.filter(public_id=values["bid"]).first() if values["bid"] else None
        done = services.service_request_choose(
            request=row, actor=request.user, bid=bid, witnesses=values["witnesses"]
        )
        return Response(s.RequestOutputSerializer(done).data)


class ContractApi(_RequestAction):
    """File the contract after the objection period. Role: owner. Errors: 400, 403, 404, 409."""

    serializer_class = s.ContractInputSerializer
    input_class = s.ContractInputSerializer

    @extend_schema(
        summary="File the contract",
        operation_id="marketplace_contract_file",
        responses={201: s.RequestOutputSerializer},
    )
    def post(self, request, public_id):
        row, values = self.parse(request, public_id)
        services.contract_file(actor=request.user, request=row, **values)
        row.refresh_from_db()
        return Response(s.RequestOutputSerializer(row).data, status=status.HTTP_201_CREATED)


class DeliverableApi(_RequestAction):
    """The chosen agency files its report. Role: intermediary of the winner. Errors: 400, 403, 404, 409."""

    serializer_class = s.DeliverableInputSerializer
    input_class = s.DeliverableInputSerializer

    @extend_schema(
        summary="File the deliverable",
        operation_id="marketplace_deliverable_file",
        responses={201: s.RequestOutputSerializer},
    )
    def post(self, request, public_id):
        row, values = self.parse(request, public_id)
        services.deliverable_file(actor=request.user, request=row, **values)
        row.refresh_from_db()
        return Response(s.RequestOutputSerializer(row).data, status=status.HTTP_201_CREATED)


class AttachApi(_RequestAction):
    """Attach the report to the case as its material. Role: the owner's applicant. Errors: 400, 403, 404, 409."""

    serializer_class = s.AttachInputSerializer
    input_class = s.AttachInputSerializer

    @extend_schema(
        summary="Attach the report to the case",
        operation_id="marketplace_deliverable_attach",
        responses=s.RequestOutputSerializer,
    )
    def post(self, request, public_id):
        row, values = self.parse(request, public_id)
        case = case_get_for(request.user, values["case"]) if values["case"] else None
        services.deliverable_attach_to_case(actor=request.user, request=row, case=case)
        row.refresh_from_db()
        return Response(s.RequestOutputSerializer(row).data)


class RatingApi(_RequestAction):
    """
    Rate a delivered request: the owner on the five dimensions (``scores``, 1–5 each), the
    centre administrator with ``score`` (0–100). The department's rating is derived, never
    typed. Errors: 400, 403, 404, 409.
    """

    serializer_class = s.RatingInputSerializer
    input_class = s.RatingInputSerializer

    @extend_schema(
        summary="Rate a delivered request",
        operation_id="marketplace_rating_create",
        responses={201: s.RatingOutputSerializer},
    )
    def post(self, request, public_id):
        row, values = self.parse(request, public_id)
        if user_has_role(request.user, Role.CENTRE_ADMIN):
            rating = services.rating_centre(
                actor=request.user, request=row, score=values["score"], comment=values["comment"]
            )
        else:
            rating = services.rating_owner(
                actor=request.user, request=row, scores=values["scores"], comment=values["comment"]
            )
        return Response(s.RatingOutputSerializer(rating).data, status=status.HTTP_201_CREATED)


class WinnerListApi(GenericAPIView):
    """公示: the chosen requests with the winner, the price, the draw and the objection period (public)."""

    pagination_class = None  # a plain list (at most 200 rows), as documented

    serializer_class = s.RequestOutputSerializer
    queryset = ServiceRequest.objects.none()
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        summary="Published winners (public)",
        operation_id="marketplace_winner_list",
        responses=s.RequestOutputSerializer(many=True),
    )
    def get(self, request):
        return Response(s.RequestOutputSerializer(winners_public()[:200], many=True).data)


class SignalListApi(GenericAPIView):
    """Anti-collusion signals for the supervisor. Role: supervisor or centre administrator."""

    pagination_class = None  # a plain list (at most 200 rows), as documented

    serializer_class = s.SignalSerializer
    queryset = ServiceRequest.objects.none()

    @extend_schema(
        summary="Anti-collusion signals",
        operation_id="marketplace_signal_list",
        responses=s.SignalSerializer(many=True),
    )
    def get(self, request):
        if not user_has_role(request.user, Role.SUPERVISOR, Role.CENTRE_ADMIN):
            raise PermissionDenied(_("Only supervisors read the signals."))
        return Response(s.SignalSerializer(collusion_signals(), many=True).data)
