"""
Feedback API (/api/v1/feedback/…) and complaints API (/api/v1/complaints/…).

Roles: see kaigong/feedback/selectors.py (reads) and permissions.py (writes); outsiders of a
centre or department get 404 on its objects. The invitation read and the rating take the
signed token instead of a login; the 12345 intake and status take the hotline's HMAC
signature (docs/feedback.md#12345).
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from kaigong.accounts.models import Department, ServiceCenter
from kaigong.cases.api.serializers import CaseProblemSerializer
from kaigong.cases.selectors import case_get_for
from kaigong.core.api.input import validated
from kaigong.core.exceptions import InvalidInput, NotFound
from kaigong.feedback.constants import Level
from kaigong.feedback.models import CallbackTask, Complaint, Evaluation, Ticket
from kaigong.feedback.permissions import CENTRE_FEEDBACK_ROLES
from kaigong.feedback.selectors import (
    appeal_get_for,
    callback_figures,
    callback_get_for,
    callback_worklist,
    complaint_for_hotline,
    complaint_get_for,
    complaint_list_visible_to,
    evaluation_get_for,
    evaluation_list_visible_to,
    evaluation_results,
    ticket_get_for,
    ticket_list_visible_to,
)
from kaigong.feedback.services.callbacks import callback_record
from kaigong.feedback.services.complaints import (
    HEADER_KEY,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    complaint_act,
    complaint_hotline_intake,
    complaint_register,
    hotline_authenticate,
)
from kaigong.feedback.services.evaluations import (
    appeal_decide,
    appeal_file,
    evaluation_submit,
    indicator_sets,
    invitation_resolve,
)
from kaigong.feedback.services.tickets import ticket_act
from kaigong.feedback.throttling import HotlineIpThrottle, RatingIpThrottle

from .serializers import (
    AppealDecisionInputSerializer,
    AppealInputSerializer,
    AppealOutputSerializer,
    CallbackFiguresSerializer,
    CallbackOutcomeInputSerializer,
    CallbackOutputSerializer,
    ComplaintActionInputSerializer,
    ComplaintInputSerializer,
    ComplaintOutputSerializer,
    EvaluationInputSerializer,
    EvaluationOutputSerializer,
    HotlineInputSerializer,
    HotlineReplySerializer,
    InvitationOutputSerializer,
    ResultsSerializer,
    TicketActionInputSerializer,
    TicketOutputSerializer,
)

_ERRORS = {
    400: _lazy("Invalid input (RFC 7807; ``invalid_params`` lists each field)."),
    401: _lazy("Not authenticated (or, for the hotline, not signed, badly signed or stale)."),
    403: _lazy("Permission denied (the role does not allow it)."),
    404: _lazy("Not found, or not visible to you (the same answer on purpose)."),
    409: _lazy("The state does not allow it, or it was done already."),
    410: _lazy("The invitation has expired."),
    429: _lazy("Too many requests from this address (``throttled``, with ``Retry-After``)."),
}


def responses(ok, *errors: int, status: int = 200) -> dict:
    result = {status: ok}
    for code in sorted({401, *errors}):
        result[code] = OpenApiResponse(CaseProblemSerializer, description=str(_ERRORS[code]))
    return result


def _department(public_id) -> Department | None:
    if public_id is None:
        return None
    department = Department.objects.filter(public_id=public_id).first()
    if department is None:
        raise InvalidInput(
            _("No such department."),
            invalid_params=[{"name": "department", "code": "not_found", "reason": _("Unknown.")}],
        )
    return department


# -- evaluations ------------------------------------------------------------------------------


class InvitationApi(GenericAPIView):
    """What a signed invitation is about and the indicators to rate with (public: the token
    is the credential). Errors: ``invitation_invalid`` (404), ``invitation_used`` (409),
    ``invitation_expired`` (410)."""

    permission_classes = [AllowAny]
    serializer_class = InvitationOutputSerializer

    @extend_schema(
        summary="Read an evaluation invitation",
        operation_id="feedback_invitation",
        responses=responses(InvitationOutputSerializer, 404, 409, 410),
    )
    def get(self, request, token):
        invitation = invitation_resolve(token)
        national, local = indicator_sets(request.query_params.get("channel") or "online")
        body = {
            "invitation": invitation,
            "levels": [{"value": v, "label": str(label)} for v, label in Level.choices],
            "sets": [s for s in (national, local) if s is not None],
        }
        return Response(InvitationOutputSerializer(body).data)


class EvaluationListApi(GenericAPIView):
    """GET: the evaluations you may see. POST: rate with a signed invitation token (once per
    case and occasion). A bad rating opens a rectification ticket. Errors: 400, 404
    ``invitation_invalid``, 409 ``invitation_used``, 410 ``invitation_expired``."""

    serializer_class = EvaluationOutputSerializer
    queryset = Evaluation.objects.none()

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else super().get_permissions()

    def get_throttles(self):
        # the public rating is counted per address (shared with the rating page)
        if self.request.method == "POST":
            return [RatingIpThrottle()]
        return super().get_throttles()

    @extend_schema(
        summary="List evaluations",
        operation_id="feedback_evaluations",
        responses=EvaluationOutputSerializer(many=True),
    )
    def get(self, request):
        rows = evaluation_list_visible_to(request.user).order_by("-rated_at", "-id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(EvaluationOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Rate a service occasion",
        operation_id="feedback_evaluation_submit",
        request=EvaluationInputSerializer,
        responses=responses(EvaluationOutputSerializer, 400, 404, 409, 410, 429, status=201),
    )
    def post(self, request):
        data = validated(EvaluationInputSerializer, request.data)
        evaluation = evaluation_submit(**data, rater=request.user)
        return Response(EvaluationOutputSerializer(evaluation).data, status=201)


class EvaluationDetailApi(GenericAPIView):
    """One evaluation. Errors: ``evaluation_not_found`` (404)."""

    serializer_class = EvaluationOutputSerializer

    @extend_schema(
        summary="Read an evaluation",
        operation_id="feedback_evaluation",
        responses=responses(EvaluationOutputSerializer, 404),
    )
    def get(self, request, public_id):
        return Response(
            EvaluationOutputSerializer(evaluation_get_for(request.user, public_id)).data
        )


class EvaluationAppealApi(GenericAPIView):
    """申诉复核: the rated department or person contests the rating, with evidence.
    Errors: 400, 403, 404, ``appeal_state`` (409)."""

    serializer_class = AppealInputSerializer

    @extend_schema(
        summary="Appeal against a rating",
        operation_id="feedback_evaluation_appeal",
        request=AppealInputSerializer,
        responses=responses(AppealOutputSerializer, 400, 403, 404, 409, status=201),
    )
    def post(self, request, public_id):
        evaluation = evaluation_get_for(request.user, public_id)
        data = AppealInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = appeal_file(evaluation=evaluation, actor=request.user, **data.validated_data)
        return Response(AppealOutputSerializer(appeal).data, status=201)


class AppealDecisionApi(GenericAPIView):
    """A second person (the centre's feedback staff, neither filer nor rated) decides.
    Errors: 400, 403 (``appeal_same_person``), 404, ``appeal_state`` (409)."""

    serializer_class = AppealDecisionInputSerializer

    @extend_schema(
        summary="Decide an appeal",
        operation_id="feedback_appeal_decide",
        request=AppealDecisionInputSerializer,
        responses=responses(AppealOutputSerializer, 400, 403, 404, 409),
    )
    def post(self, request, public_id):
        appeal = appeal_get_for(request.user, public_id)
        data = AppealDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = appeal_decide(appeal=appeal, actor=request.user, **data.validated_data)
        return Response(AppealOutputSerializer(appeal).data)


class ResultsApi(GenericAPIView):
    """Public: aggregate results by department and by service centre (annulled ratings left
    out); satisfaction rate = (非常满意 + 满意 + 基本满意) / all."""

    permission_classes = [AllowAny]
    serializer_class = ResultsSerializer

    @extend_schema(summary="Published evaluation results", operation_id="feedback_results")
    def get(self, request):
        body = {
            "by_department": evaluation_results(by="department"),
            "by_service_center": evaluation_results(by="service_center"),
            "by_window": evaluation_results(by="window"),
        }
        return Response(ResultsSerializer(body).data)


# -- tickets ----------------------------------------------------------------------------------


def _ticket_body(ticket: Ticket, user) -> dict:
    return TicketOutputSerializer(ticket, context={"user": user}).data


class TicketListApi(GenericAPIView):
    """The rectification tickets you may see, newest first."""

    serializer_class = TicketOutputSerializer
    queryset = Ticket.objects.none()

    @extend_schema(
        summary="List rectification tickets",
        operation_id="feedback_tickets",
        responses=TicketOutputSerializer(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(ticket_list_visible_to(request.user).order_by("-id"))
        return self.get_paginated_response([_ticket_body(t, request.user) for t in page])


class TicketDetailApi(GenericAPIView):
    """One ticket with the actions open to you. Errors: ``ticket_not_found`` (404)."""

    serializer_class = TicketOutputSerializer

    @extend_schema(
        summary="Read a rectification ticket",
        operation_id="feedback_ticket",
        responses=responses(TicketOutputSerializer, 404),
    )
    def get(self, request, public_id):
        return Response(_ticket_body(ticket_get_for(request.user, public_id), request.user))


class TicketActionApi(GenericAPIView):
    """One step: ``verify`` (核实), ``assign`` (交办, with the deadline of the rule),
    ``rectify`` (整改), ``feedback`` (反馈; a follow-up callback closes the ticket).
    Errors: 400, 403, 404, ``ticket_state`` (409)."""

    serializer_class = TicketActionInputSerializer

    @extend_schema(
        summary="Take a step of a rectification ticket",
        operation_id="feedback_ticket_act",
        request=TicketActionInputSerializer,
        responses=responses(TicketOutputSerializer, 400, 403, 404, 409),
    )
    def post(self, request, public_id):
        ticket = ticket_get_for(request.user, public_id)
        data = TicketActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = ticket_act(
            ticket=ticket,
            actor=request.user,
            action=data.validated_data["action"],
            note=data.validated_data["note"],
            department=_department(data.validated_data.get("department")),
        )
        return Response(_ticket_body(ticket, request.user))


# -- callbacks --------------------------------------------------------------------------------


class CallbackListApi(GenericAPIView):
    """This morning's callback lists of your centres and the open follow-ups of tickets."""

    serializer_class = CallbackOutputSerializer
    queryset = CallbackTask.objects.none()

    @extend_schema(
        summary="The callback worklist",
        operation_id="feedback_callbacks",
        responses=CallbackOutputSerializer(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(callback_worklist(request.user))
        return self.get_paginated_response(CallbackOutputSerializer(page, many=True).data)


class CallbackOutcomeApi(GenericAPIView):
    """Record a call: reached, not reached (stays open), satisfied, or a problem (opens a
    ticket). Errors: 400, 403, 404, ``callback_done`` (409)."""

    serializer_class = CallbackOutcomeInputSerializer

    @extend_schema(
        summary="Record a callback's outcome",
        operation_id="feedback_callback_record",
        request=CallbackOutcomeInputSerializer,
        responses=responses(CallbackOutputSerializer, 400, 403, 404, 409),
    )
    def post(self, request, public_id):
        task = callback_get_for(request.user, public_id)
        data = CallbackOutcomeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = callback_record(task=task, actor=request.user, **data.validated_data)
        return Response(CallbackOutputSerializer(task).data)


class CallbackFiguresApi(GenericAPIView):
    """Callback figures (done, reached, satisfied) of your centres; all for supervisors."""

    serializer_class = CallbackFiguresSerializer

    @extend_schema(
        summary="Callback figures",
        operation_id="feedback_callback_figures",
        responses=responses(CallbackFiguresSerializer, 404),
    )
    def get(self, request):
        from kaigong.accounts.roles import Role
        from kaigong.accounts.selectors import user_has_role, user_service_center_ids

        centres = None
        if not user_has_role(request.user, Role.SUPERVISOR):
            centres = user_service_center_ids(request.user, CENTRE_FEEDBACK_ROLES)
            if not centres:
                raise NotFound()
        return Response(
            CallbackFiguresSerializer(callback_figures(service_center_ids=centres)).data
        )


# -- complaints -------------------------------------------------------------------------------


def _complaint_body(complaint: Complaint, user) -> dict:
    return ComplaintOutputSerializer(complaint, context={"user": user}).data


class ComplaintListApi(GenericAPIView):
    """GET: the complaints you may see. POST: a 办不成事 complaint, online (any signed-in
    user) or at the counter (``channel=window``: the centre's window staff). Errors: 400, 403."""

    serializer_class = ComplaintOutputSerializer
    queryset = Complaint.objects.none()

    @extend_schema(
        summary="List complaints",
        operation_id="complaints_list",
        responses=ComplaintOutputSerializer(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(complaint_list_visible_to(request.user).order_by("-id"))
        return self.get_paginated_response([_complaint_body(c, request.user) for c in page])

    @extend_schema(
        summary="File a 办不成事 complaint",
        operation_id="complaints_create",
        request=ComplaintInputSerializer,
        responses=responses(ComplaintOutputSerializer, 400, 403, status=201),
    )
    def post(self, request):
        data = ComplaintInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        centre = ServiceCenter.objects.filter(public_id=values.pop("service_center")).first()
        if centre is None:
            raise InvalidInput(
                _("No such service centre."),
                invalid_params=[
                    {"name": "service_center", "code": "not_found", "reason": _("Unknown.")}
                ],
            )
        case_id = values.pop("case", None)
        case = case_get_for(request.user, case_id) if case_id else None
        complaint = complaint_register(
            actor=request.user,
            service_center=centre,
            channel=values.pop("channel"),
            data=values,
            case=case,
        )
        return Response(_complaint_body(complaint, request.user), status=201)


class ComplaintDetailApi(GenericAPIView):
    """One complaint with the actions open to you. Errors: ``complaint_not_found`` (404)."""

    serializer_class = ComplaintOutputSerializer

    @extend_schema(
        summary="Read a complaint",
        operation_id="complaints_read",
        responses=responses(ComplaintOutputSerializer, 404),
    )
    def get(self, request, public_id):
        return Response(_complaint_body(complaint_get_for(request.user, public_id), request.user))


class ComplaintActionApi(GenericAPIView):
    """``assign`` to a unit, ``answer``, ``confirm`` (closes with the complainant's
    confirmation) or ``escalate``. Errors: 400, 403, 404, ``complaint_state`` (409)."""

    serializer_class = ComplaintActionInputSerializer

    @extend_schema(
        summary="Take a step of a complaint",
        operation_id="complaints_act",
        request=ComplaintActionInputSerializer,
        responses=responses(ComplaintOutputSerializer, 400, 403, 404, 409),
    )
    def post(self, request, public_id):
        complaint = complaint_get_for(request.user, public_id)
        data = ComplaintActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = complaint_act(
            complaint=complaint,
            actor=request.user,
            action=data.validated_data["action"],
            text=data.validated_data["text"],
            department=_department(data.validated_data.get("department")),
        )
        return Response(_complaint_body(complaint, request.user))


# -- the 12345 hotline ------------------------------------------------------------------------

HOTLINE_HEADERS = [
    OpenApiParameter(HEADER_KEY, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                     description=_lazy("The hotline client's key id.")),
    OpenApiParameter(HEADER_TIMESTAMP, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                     description=_lazy("Unix seconds; refused outside ±300 s (the replay window).")),
    OpenApiParameter(HEADER_SIGNATURE, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                     description=_lazy(
                         "hex HMAC-SHA256 with the shared secret of "
                         "``timestamp + '.' + METHOD + '.' + path + '.' + raw body``."
                     )),
]  # fmt: skip


def _hotline_client(request):
    body = request.body  # the raw bytes, before anything parses them
    client = hotline_authenticate(
        key_id=request.headers.get(HEADER_KEY, ""),
        timestamp=request.headers.get(HEADER_TIMESTAMP, ""),
        signature=request.headers.get(HEADER_SIGNATURE, ""),
        method=request.method,
        path=request.path,
        body=body,
    )
    return client, body


def _hotline_reply(complaint: Complaint, created: bool) -> dict:
    return HotlineReplySerializer(
        {
            "number": complaint.number,
            "hotline_ticket": complaint.hotline_ticket,
            "created": created,
            "status": complaint.status,
            "status_label": complaint.get_status_display(),
            "category": complaint.category,
            "received_on": complaint.received_on,
            "due_on": complaint.due_on,
            "department": complaint.department.name if complaint.department else "",
            "answer": complaint.answer,
            "answered_on": complaint.answered_on,
            "closed_at": complaint.closed_at,
        }
    ).data


class HotlineIntakeApi(GenericAPIView):
    """
    The 12345 hotline hands over a work order. Signed (see the headers); idempotent on
    ``ticket_no``: a repeat with the same content answers 200 with ``created: false``, with
    other content 409 ``hotline_ticket_reused``. A new one answers 201. Errors: 400, 401
    ``hotline_unsigned`` / ``hotline_bad_signature`` / ``hotline_stale``, 409, 429
    ``throttled`` (per address).
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [HotlineIpThrottle]
    serializer_class = HotlineInputSerializer

    @extend_schema(
        summary="12345: hand over a complaint",
        operation_id="complaints_hotline_intake",
        parameters=HOTLINE_HEADERS,
        request=HotlineInputSerializer,
        responses={
            **responses(HotlineReplySerializer, 400, 409, 429, status=201),
            200: HotlineReplySerializer,
        },
    )
    def post(self, request):
        client, body = _hotline_client(request)
        try:
            payload = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput(_("The body is not JSON.")) from None
        data = HotlineInputSerializer(data=payload if isinstance(payload, dict) else {})
        data.is_valid(raise_exception=True)
        complaint, created = complaint_hotline_intake(client=client, data=data.validated_data)
        return Response(_hotline_reply(complaint, created), status=201 if created else 200)


class HotlineStatusApi(GenericAPIView):
    """The 12345 hotline fetches the status of its ticket (signed, empty body).
    Errors: 401, ``complaint_not_found`` (404), 429 ``throttled`` (per address)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [HotlineIpThrottle]
    serializer_class = HotlineReplySerializer

    @extend_schema(
        summary="12345: the status of a complaint",
        operation_id="complaints_hotline_status",
        parameters=HOTLINE_HEADERS,
        responses=responses(HotlineReplySerializer, 404, 429),
    )
    def get(self, request, ticket_no):
        client, _body = _hotline_client(request)
        return Response(_hotline_reply(complaint_for_hotline(client, ticket_no), False))
