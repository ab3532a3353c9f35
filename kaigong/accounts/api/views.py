"""Accounts API: enterprise registration and the inbox (动态告知). Thin views."""

from django.db.models import Count, Q, Window
from django.utils.translation import gettext as _

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from kaigong.accounts.models import User
from kaigong.accounts.services import enterprise_sign_up
from kaigong.core.api.input import FALSE_VALUES, TRUE_VALUES
from kaigong.core.api.pagination import CompiledList, CountedPagePagination
from kaigong.core.exceptions import InvalidInput
from kaigong.core.models import Notification
from kaigong.core.selectors import (
    notification_get_for,
    notification_list_for,
    notification_unread_count,
)
from kaigong.core.services import notification_mark_all_read, notification_mark_read

from .serializers import (
    EnterpriseInputSerializer,
    NotificationOutputSerializer,
    NotificationReadInputSerializer,
    RegistrationOutputSerializer,
)


class EnterpriseRegisterApi(APIView):
    """
    Register an enterprise with its applicant user (self sign-up, no login needed), or —
    logged in as a helper or window clerk — on the enterprise's behalf (recorded).

    Errors: ``uscc_length``, ``uscc_charset``, ``uscc_category``, ``uscc_checksum``,
    ``weak_password``, ``username_required``, ``invalid_input`` (400);
    ``permission_denied`` (403); ``enterprise_exists`` (409, names the administrator to
    ask), ``username_taken`` (409); ``throttled`` (429).
    """

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        request=EnterpriseInputSerializer,
        responses={201: RegistrationOutputSerializer},
        summary="Register an enterprise",
    )
    def post(self, request):
        data = EnterpriseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = enterprise_sign_up(actor=request.user, **data.validated_data)
        return Response(
            RegistrationOutputSerializer(registration).data, status=status.HTTP_201_CREATED
        )


class InboxPagination(CountedPagePagination):
    """The inbox's page, its total and its unread count in one query."""

    window_totals = {"_unread": Window(Count("pk", filter=Q(read_at__isnull=True)))}


class InboxApi(GenericAPIView):
    """
    Your inbox: messages to you, to your enterprises and to your departments, newest
    first; ``unread=true`` keeps the unread ones. Roles: any logged-in user. Errors:
    ``invalid_boolean`` (400: ``unread`` is not true, false, 1, 0, yes or no).
    """

    serializer_class = NotificationOutputSerializer
    pagination_class = InboxPagination

    def _unread_only(self) -> bool:
        raw = self.request.query_params.get("unread", "").strip().lower()
        if raw not in TRUE_VALUES | FALSE_VALUES:
            reason = _("true or false.")
            raise InvalidInput(
                reason,
                code="invalid_boolean",
                invalid_params=[{"name": "unread", "code": "invalid_boolean", "reason": reason}],
            )
        return raw in TRUE_VALUES

    def get_queryset(self):
        return notification_list_for(self.request.user, unread_only=self._unread_only())

    def _inbox(self):
        """
        perf (issue #16 §2): the inbox's page SQL compiled once per process and run with the
        caller's id (``CompiledList``: the selector built for a stand-in user that has only
        an id and is active, which is all it reads of a user); the queryset otherwise.
        """
        user = self.request.user
        if not (getattr(user, "is_active", False) and user.pk is not None):
            return self.get_queryset()
        unread_only = self._unread_only()

        def build(pk):
            return notification_list_for(User(pk=pk, is_active=True), unread_only=unread_only)

        return CompiledList(("inbox", unread_only), Notification, build, user.pk)

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool)],
        responses=NotificationOutputSerializer(many=True),
        summary="Inbox",
    )
    def get(self, request):
        page = self.paginate_queryset(self._inbox())
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        # read in the page's own query; counted apart only for ?page=last
        unread = self.paginator.totals["_unread"]
        if unread is None:
            unread = notification_unread_count(request.user)
        response.data["unread_count"] = unread
        return response


class InboxReadApi(APIView):
    """
    Mark one message read (or, with ``read: false``, unread). Roles: a recipient.
    Errors: ``notification_not_found`` (404).
    """

    @extend_schema(
        request=NotificationReadInputSerializer,
        responses=NotificationOutputSerializer,
        summary="Mark a message read",
    )
    def post(self, request, public_id):
        data = NotificationReadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notification = notification_mark_read(
            notification=notification_get_for(request.user, public_id),
            actor=request.user,
            read=data.validated_data["read"],
        )
        return Response(NotificationOutputSerializer(notification).data)


class InboxReadAllApi(APIView):
    """Mark every message of your inbox read. Roles: any logged-in user."""

    @extend_schema(
        request=None,
        responses=inline_serializer("InboxReadAllOutput", {"marked": serializers.IntegerField()}),
        summary="Mark all read",
    )
    def post(self, request):
        count = notification_mark_all_read(
            notifications=notification_list_for(request.user), actor=request.user
        )
        return Response({"marked": count})
