"""
Items API (DESIGN.md §6): the departments' worklist ordered by due date with its warning
colours, and the commands on one item, each calling exactly one service.

Roles: reviewer of the item's department (opinion, pause, resume, extension request);
approver of the item's department (decision, pre-approval, extension approval); the
acceptor, reviewer and approver of an item are three people (``separation_of_duties``).
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param

from kaigong.cases.models import CaseItem
from kaigong.cases.selectors import extension_get_for, item_clock, item_get_for, item_worklist
from kaigong.cases.services.clock import (
    item_extension_approve,
    item_extension_reject,
    item_extension_request,
    item_pause,
    item_resume,
)
from kaigong.cases.services.decision import (
    item_consent_letter_issue,
    item_decide,
    item_pre_approve,
)
from kaigong.cases.services.review import item_opinion_submit
from kaigong.core.api.input import validated
from kaigong.core.keyset import capped_count, keyset_page

from .schema import responses
from .serializers import (
    ConditionalResultOutputSerializer,
    ConsentLetterInputSerializer,
    DecideInputSerializer,
    ExtendInputSerializer,
    ExtensionApproveInputSerializer,
    ExtensionDecisionInputSerializer,
    ExtensionOutputSerializer,
    ItemClockOutputSerializer,
    ItemOutputSerializer,
    OpinionInputSerializer,
    OpinionOutputSerializer,
    PauseInputSerializer,
    PreApproveInputSerializer,
    WorklistPageSerializer,
    WorklistQuerySerializer,
)

# perf: the count stops here ("more than 1,000"): a province's queue is not scanned for it
WORKLIST_COUNT_CAP = 1000

EXTENSION_ID = OpenApiParameter(
    "extension_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="Public id of the extension request.",
)


class _ItemSchema(AutoSchema):
    """The worklist answers one page object (keyset pages), not a bare list of items."""

    def _is_list_view(self, serializer=None) -> bool:
        if getattr(self.view, "action", None) == "list":
            return False
        return super()._is_list_view(serializer)


class ItemViewSet(viewsets.GenericViewSet):
    """Case items (one matter in one department). Writes are commands, never PUT/PATCH."""

    queryset = CaseItem.objects.none()  # for the schema only; reads go through the selectors
    serializer_class = ItemOutputSerializer
    # the worklist pages itself (keyset pages; the numbered ones behind ?page=)
    pagination_class = None
    schema = _ItemSchema()
    lookup_field = "public_id"
    lookup_url_kwarg = "public_id"

    def _item(self) -> CaseItem:
        return item_get_for(self.request.user, self.kwargs["public_id"])

    @extend_schema(
        summary="The worklist, by due date",
        operation_id="items_list",
        parameters=[
            OpenApiParameter("department", OpenApiTypes.STR, description="Department code."),
            OpenApiParameter(
                "status", OpenApiTypes.STR, description="Item status (default: open items)."
            ),
            OpenApiParameter("warning", OpenApiTypes.STR, enum=["green", "yellow", "red", "none"]),
            OpenApiParameter(
                "cursor",
                OpenApiTypes.STR,
                description="The page after (or before) the one that gave this cursor: "
                "the ``next`` or ``previous`` link of a page. Omit it for the first page.",
            ),
            OpenApiParameter(
                "page_size", OpenApiTypes.INT, description="Rows per page, 1 to 500 (50)."
            ),
            OpenApiParameter(
                "page",
                OpenApiTypes.INT,
                deprecated=True,
                description="Deprecated (until 2027-06): the numbered, fully counted pages of "
                "before 2026-12. With ``page`` the answer is the old ``{count, next, "
                "previous, results}`` with an exact count and ``?page=`` links.",
            ),
        ],
        responses=responses(WorklistPageSerializer, 400),
    )
    def list(self, request):
        """
        Your departments' items ordered by promised due date (every item for a
        supervisor), each with its warning colour: yellow when at most N working days
        remain, red when overdue. Pages are keyset pages (``cursor``): any page costs what
        the first costs; ``count`` is exact up to 1,000 and ``count_capped`` says when there
        are more. Role: reviewer, approver, inspector, supervisor (others get an empty
        list). Errors: ``invalid_input`` (400, unknown status or colour), ``invalid_cursor``
        (400, a page link that was altered or is from elsewhere).
        """
        query = validated(WorklistQuerySerializer, request.query_params)
        qs = item_worklist(
            request.user,
            department=query.get("department") or None,
            status=query.get("status") or None,
            warning=query.get("warning") or None,
        )
        if "page" in request.query_params:  # the counted pages, kept for one release
            paginator = api_settings.DEFAULT_PAGINATION_CLASS()
            page = paginator.paginate_queryset(qs, request, view=self)
            return paginator.get_paginated_response(ItemOutputSerializer(page, many=True).data)
        size = query.get("page_size") or api_settings.PAGE_SIZE
        page = keyset_page(qs, field="promised_due_on", cursor=query.get("cursor"), size=size)
        count, capped = capped_count(qs, cap=WORKLIST_COUNT_CAP)
        url = request.build_absolute_uri()

        def link(cursor: str | None) -> str | None:
            return replace_query_param(url, "cursor", cursor) if cursor else None

        return Response(
            {
                "count": count,
                "count_capped": capped,
                "next": link(page.next_cursor),
                "previous": link(page.previous_cursor),
                "results": ItemOutputSerializer(page.rows, many=True).data,
            }
        )

    @extend_schema(summary="Read an item", responses=responses(ItemOutputSerializer, 404))
    def retrieve(self, request, public_id=None):
        """One item. Role: whoever may see it. Errors: ``item_not_found`` (404)."""
        return Response(ItemOutputSerializer(self._item()).data)

    @extend_schema(
        summary="The item's clocks explained day by day",
        responses=responses(ItemClockOutputSerializer, 404, 409),
    )
    @action(detail=True, methods=["get"])
    def clock(self, request, public_id=None):
        """
        Promised and statutory due dates: start, limit, every counted day, every skipped
        day with its reason (weekend, holiday, pause). Role: whoever may see the item.
        Errors: ``item_not_found`` (404); ``clock_not_started`` (409, a waiting item).
        """
        item = self._item()
        due = item_clock(item)
        return Response(
            ItemClockOutputSerializer(
                {"item": item.public_id, "promised": due.promised, "statutory": due.statutory}
            ).data
        )

    @extend_schema(
        summary="Give the department's opinion",
        request=OpinionInputSerializer,
        responses=responses(OpinionOutputSerializer, 400, 403, 404, 409, status=201),
    )
    @action(detail=True, methods=["post"])
    def opinions(self, request, public_id=None):
        """
        The reviewer's opinion with a recommendation; the item then awaits the approver.
        Role: reviewer of the item's department (not its acceptor or approver).
        Errors: ``reason_required``, ``invalid_input`` (400); ``permission_denied``,
        ``separation_of_duties`` (403); ``item_not_found`` (404);
        ``transition_not_allowed``, ``stale_version`` (409).
        """
        data = validated(OpinionInputSerializer, request.data)
        opinion = item_opinion_submit(
            item=self._item(),
            actor=request.user,
            text=data["text"],
            recommendation=data["recommendation"],
        )
        return Response(OpinionOutputSerializer(opinion).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Decide (approve or deny)",
        request=DecideInputSerializer,
        responses=responses(ItemOutputSerializer, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, public_id=None):
        """
        Approve, or deny (不予许可) with reason, legal basis and the applicant's rights.
        The bundle concludes when its last item is decided.
        Role: approver of the item's department (not its acceptor or reviewer).
        Errors: ``reason_required``, ``legal_basis_required``, ``rights_required``,
        ``invalid_input`` (400); ``permission_denied``, ``separation_of_duties`` (403);
        ``item_not_found`` (404); ``transition_not_allowed``, ``stale_version`` (409).
        """
        data = validated(DecideInputSerializer, request.data)
        item = item_decide(item=self._item(), actor=request.user, **data)
        return Response(ItemOutputSerializer(item).data)

    @extend_schema(
        summary="Pause the clock (special procedure)",
        request=PauseInputSerializer,
        responses=responses(ItemOutputSerializer, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def pause(self, request, public_id=None):
        """
        Stop the item's clock from today for a special procedure (听证, 检测, 专家评审 …;
        行政许可法 art. 45) with reason, evidence and the planned working days (the planned end
        is computed on the working-day calendar; a 特别程序告知书 is issued).
        Role: reviewer of the item's department. Errors: ``reason_required``,
        ``invalid_input`` (400); ``permission_denied``, ``separation_of_duties`` (403);
        ``item_not_found`` (404); ``transition_not_allowed``, ``stale_version`` (409).
        """
        data = validated(PauseInputSerializer, request.data)
        item = item_pause(item=self._item(), actor=request.user, **data)
        return Response(ItemOutputSerializer(item).data)

    @extend_schema(
        summary="Resume the clock",
        request=None,
        responses=responses(ItemOutputSerializer, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def resume(self, request, public_id=None):
        """
        Restart the clock today; the paused working days move the due dates.
        Role: reviewer of the item's department. Errors: ``permission_denied``,
        ``separation_of_duties`` (403); ``item_not_found`` (404);
        ``transition_not_allowed``, ``stale_version`` (409).
        """
        return Response(
            ItemOutputSerializer(item_resume(item=self._item(), actor=request.user)).data
        )

    @extend_schema(
        summary="Request an extension",
        request=ExtendInputSerializer,
        responses=responses(ExtensionOutputSerializer, 400, 403, 404, 409, status=201),
    )
    @action(detail=True, methods=["post"])
    def extend(self, request, public_id=None):
        """
        Ask for 1–15 more working days with a reason (行政许可法 art. 42); the approver
        grants it with ``…/extend/approve/``. Role: reviewer of the item's department.
        Errors: ``extension_invalid``, ``reason_required``, ``invalid_input`` (400);
        ``permission_denied``, ``separation_of_duties`` (403); ``item_not_found`` (404);
        ``extension_invalid`` (409, one extension per item), ``transition_not_allowed`` (409).
        """
        data = validated(ExtendInputSerializer, request.data)
        extension = item_extension_request(item=self._item(), actor=request.user, **data)
        return Response(ExtensionOutputSerializer(extension).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve the requested extension",
        request=ExtensionApproveInputSerializer,
        responses=responses(ItemOutputSerializer, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path="extend/approve")
    def extend_approve(self, request, public_id=None):
        """
        Grant the requested extension: both limits grow, the due dates are recomputed and
        the applicant is told. Role: approver of the item's department.
        Errors: ``invalid_input`` (400); ``permission_denied``, ``separation_of_duties``
        (403); ``item_not_found``, ``extension_not_found`` (404); ``extension_not_pending``,
        ``transition_not_allowed``, ``stale_version`` (409).
        """
        data = validated(ExtensionApproveInputSerializer, request.data)
        item = self._item()
        extension = extension_get_for(item, data["extension"])
        return Response(
            ItemOutputSerializer(
                item_extension_approve(extension=extension, actor=request.user)
            ).data
        )

    @extend_schema(
        summary="Pre-approve (预审批)",
        request=PreApproveInputSerializer,
        responses=responses(ConditionalResultOutputSerializer, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path="pre-approve")
    def pre_approve(self, request, public_id=None):
        """
        Issue a pre-approval where the matter allows it; items that accept it may start.
        Role: approver of the item's department. Errors: ``invalid_input`` (400);
        ``permission_denied``, ``separation_of_duties`` (403); ``item_not_found`` (404);
        ``pre_approval_not_allowed``, ``transition_not_allowed``, ``stale_version`` (409).
        """
        data = validated(PreApproveInputSerializer, request.data)
        result = item_pre_approve(item=self._item(), actor=request.user, **data)
        return Response(ConditionalResultOutputSerializer(result).data)

    @extend_schema(
        summary="The item's extension requests",
        responses=responses(ExtensionOutputSerializer(many=True), 404),
    )
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list
    def extensions(self, request, public_id=None):
        """
        Every extension request of the item with its state (pending, approved, rejected)
        and the approver's reason. Role: whoever may see the item.
        Errors: ``item_not_found`` (404).
        """
        item = self._item()
        rows = item.extensions.select_related("requested_by", "approved_by", "rejected_by")
        return Response(ExtensionOutputSerializer(rows, many=True).data)

    @extend_schema(
        summary="Grant an extension request",
        request=ExtensionDecisionInputSerializer,
        parameters=[EXTENSION_ID],
        responses=responses(ItemOutputSerializer, 400, 403, 404, 409),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"extensions/(?P<extension_id>[^/.]+)/approve",
        url_name="extension-approve",
    )
    def extension_approve(self, request, public_id=None, extension_id=None):
        """
        Grant the extension with an optional reason: both limits grow, the due dates are
        recomputed and the applicant is told (行政许可法 art. 42).
        Role: approver of the item's department. Errors: ``invalid_input`` (400);
        ``permission_denied``, ``separation_of_duties`` (403); ``item_not_found``,
        ``extension_not_found`` (404); ``extension_not_pending``, ``transition_not_allowed``,
        ``stale_version`` (409).
        """
        data = validated(ExtensionDecisionInputSerializer, request.data)
        extension = extension_get_for(self._item(), extension_id)
        item = item_extension_approve(extension=extension, actor=request.user, **data)
        return Response(ItemOutputSerializer(item).data)

    @extend_schema(
        summary="Refuse an extension request",
        request=ExtensionDecisionInputSerializer,
        parameters=[EXTENSION_ID],
        responses=responses(ExtensionOutputSerializer, 400, 403, 404, 409),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"extensions/(?P<extension_id>[^/.]+)/reject",
        url_name="extension-reject",
    )
    def extension_reject(self, request, public_id=None, extension_id=None):
        """
        Refuse the extension with a reason; the limits stay and the reviewer may ask
        again. Role: approver of the item's department. Errors: ``reason_required``,
        ``invalid_input`` (400); ``permission_denied``, ``separation_of_duties`` (403);
        ``item_not_found``, ``extension_not_found`` (404); ``extension_not_pending``,
        ``transition_not_allowed`` (409).
        """
        data = validated(ExtensionDecisionInputSerializer, request.data)
        extension = extension_get_for(self._item(), extension_id)
        extension = item_extension_reject(extension=extension, actor=request.user, **data)
        return Response(ExtensionOutputSerializer(extension).data)

    @extend_schema(
        summary="Issue a consent letter (同意函)",
        request=ConsentLetterInputSerializer,
        responses=responses(ConditionalResultOutputSerializer, 400, 403, 404, 409, status=201),
    )
    @action(detail=True, methods=["post"], url_path="consent-letter")
    def consent_letter(self, request, public_id=None):
        """
        Issue a consent letter where the matter version allows one; the items that can
        start on it start. Role: approver of the item's department.
        Errors: ``invalid_input`` (400); ``permission_denied``, ``separation_of_duties``
        (403); ``item_not_found`` (404); ``consent_letter_not_allowed``,
        ``transition_not_allowed``, ``stale_version`` (409).
        """
        data = validated(ConsentLetterInputSerializer, request.data)
        result = item_consent_letter_issue(item=self._item(), actor=request.user, **data)
        return Response(
            ConditionalResultOutputSerializer(result).data, status=status.HTTP_201_CREATED
        )
