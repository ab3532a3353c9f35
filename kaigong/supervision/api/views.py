"""
Supervision API, read-only (GET only). Roles: supervisors see every department; a
department head sees its own department; reviewers and approvers see their department's
orders and registers; everyone else gets 403 (lists) or 404 (a scoped object).
Errors: ``permission_denied`` (403), ``not_found`` (404), ``supervision_invalid`` (400).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers as drf
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from kaigong.core.api.pagination import CappedCountPagination
from kaigong.supervision import selectors
from kaigong.supervision.models import (
    AuditBatch,
    ReportSnapshot,
    SignalRule,
    StepLimit,
    SupervisionOrder,
)

from . import serializers as s


def _paginated(name: str, row: Any, *, capped: bool = False) -> Any:
    """The schema of a page of ``row``s, as the paginator answers it (``capped``: the
    count stops at 1,000 and ``count_capped`` says there are more)."""
    counted: dict[str, Any] = {"count": drf.IntegerField()}
    if capped:
        counted = {
            "count": drf.IntegerField(help_text="Rows in the queue, exact up to 1,000."),
            "count_capped": drf.BooleanField(
                help_text="True when there are more than ``count`` rows (the count stopped "
                "at its cap; ``?page=last`` counts them all)."
            ),
        }
    return inline_serializer(
        name=name,
        fields={
            **counted,
            "next": drf.URLField(allow_null=True),
            "previous": drf.URLField(allow_null=True),
            "results": row(many=True),
        },
    )


class _Read(GenericAPIView):
    # Each view lists its own model; the base only sets a default.
    queryset: QuerySet[Any] = SupervisionOrder.objects.none()


class DashboardApi(_Read):
    """Red/yellow/green counts, the queues' counts (the seven and 环节超时), signals, time by party, the
    departments ranked by 逾期率 and the denial trend, for the caller's scope."""

    serializer_class = s.DashboardSerializer

    @extend_schema(summary="Read the supervision dashboard", operation_id="supervision_dashboard")
    def get(self, request):
        data = selectors.dashboard(request.user)
        return Response(s.DashboardSerializer(data).data)


class QueueApi(_Read):
    """One of the queues: warning, overdue, correction, special, denied, orders,
    reply_overdue, step_overrun (环节超时: steps over their duration, items within the
    limit) (paginated; ``count`` exact up to 1,000, then ``count_capped``)."""

    serializer_class = s.QueueRowSerializer
    # perf: a queue of a province is not counted in full for its first page (issue #11)
    pagination_class = CappedCountPagination

    @extend_schema(
        summary="List a supervision queue",
        operation_id="supervision_queue",
        responses=_paginated("PaginatedSupervisionQueueRowList", s.QueueRowSerializer, capped=True),
    )
    def get(self, request, queue):
        qs = selectors.queue_queryset_for(request.user, queue)
        page = [selectors.queue_row(queue, obj) for obj in self.paginate_queryset(qs)]
        return self.get_paginated_response(s.QueueRowSerializer(page, many=True).data)


class ItemFiguresApi(_Read):
    """The province's figures of one item, explained (intervals subtracted, days skipped), and
    its steps (环节) each against its own duration."""

    serializer_class = s.ItemFiguresSerializer

    @extend_schema(summary="Read an item's supervision figures", operation_id="supervision_item")
    def get(self, request, public_id):
        item = selectors.item_for_supervision(request.user, public_id)
        fig, steps = selectors.item_steps(item)
        data = s.ItemFiguresSerializer(fig).data
        data["promised_explanation"] = selectors.promised_explanation(item, fig)
        data["steps"] = s.StepSerializer(steps, many=True).data
        return Response(data)


class OrderListApi(_Read):
    """督办 orders in the caller's scope, newest first (paginated)."""

    serializer_class = s.OrderSerializer

    @extend_schema(
        summary="List supervision orders",
        operation_id="supervision_orders",
        responses=_paginated("PaginatedSupervisionOrderList", s.OrderSerializer),
    )
    def get(self, request):
        scope = selectors.ensure_can_view(request.user, selectors.DEPARTMENT_ROLES)
        page = self.paginate_queryset(selectors.order_list(scope).order_by("-issued_at", "-id"))
        return self.get_paginated_response(s.OrderSerializer(page, many=True).data)


class OrderDetailApi(_Read):
    """One order with every step, each timed in working days."""

    serializer_class = s.OrderDetailSerializer

    @extend_schema(summary="Read a supervision order", operation_id="supervision_order")
    def get(self, request, public_id):
        order = selectors.order_get_for(request.user, public_id)
        data = s.OrderSerializer(order).data
        data["steps"] = s.OrderStepSerializer(order.steps.all(), many=True).data
        return Response(data)


class BatchListApi(_Read):
    """The weekly denial registers per unit, late units flagged."""

    serializer_class = s.BatchSerializer
    queryset = AuditBatch.objects.none()

    @extend_schema(
        summary="List weekly denial registers",
        operation_id="supervision_registers",
        responses=_paginated("PaginatedDenialRegisterList", s.BatchSerializer),
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.batch_list_for(request.user))
        return self.get_paginated_response(s.BatchSerializer(page, many=True).data)


class BatchDetailApi(_Read):
    """One unit's register of one week: matter, applicant, facts, reason, basis, officer."""

    serializer_class = s.BatchDetailSerializer
    queryset = AuditBatch.objects.none()

    @extend_schema(summary="Read a weekly denial register", operation_id="supervision_register")
    def get(self, request, public_id):
        batch = selectors.batch_get_for(request.user, public_id)
        batch = next(b for b in selectors.batch_list_for(request.user) if b.pk == batch.pk)
        data = s.BatchSerializer(batch).data
        data["rows"] = s.RegisterRowSerializer(
            selectors.register_rows(selectors.batch_entries(batch)), many=True
        ).data
        return Response(data)


class StatisticsApi(_Read):
    """Counts and rates for a period (day/week/month/quarter/year) by a dimension
    (department, window, bundle, matter, region; none = total), with the change against the
    previous period."""

    serializer_class = s.StatisticsSerializer

    @extend_schema(
        summary="Read supervision statistics",
        operation_id="supervision_statistics",
        parameters=[
            OpenApiParameter(
                "period", OpenApiTypes.STR, enum=["day", "week", "month", "quarter", "year"]
            ),
            OpenApiParameter("day", OpenApiTypes.DATE),
            OpenApiParameter(
                "dimension",
                OpenApiTypes.STR,
                enum=["department", "window", "bundle", "matter", "region"],
            ),
        ],
    )
    def get(self, request):
        data = selectors.statistics_for(
            request.user,
            kind=request.query_params.get("period", "month"),
            day=request.query_params.get("day", ""),
            dimension=request.query_params.get("dimension", ""),
        )
        return Response(s.StatisticsSerializer(data).data)


class ReformApi(_Read):
    """Reform metrics per bundle, before → after, from the catalogue and concluded cases."""

    serializer_class = s.ReformSerializer
    pagination_class = None  # one row per bundle: a plain list

    @extend_schema(
        summary="Read reform metrics",
        operation_id="supervision_reform",
        responses=s.ReformSerializer(many=True),
    )
    def get(self, request):
        rows = selectors.reform_for(request.user)
        return Response(s.ReformSerializer(rows, many=True).data)


class SnapshotListApi(_Read):
    """Frozen month and quarter reports with their SM2 signature and whether it verifies."""

    serializer_class = s.SnapshotSerializer
    queryset = ReportSnapshot.objects.none()

    @extend_schema(
        summary="List signed report snapshots",
        operation_id="supervision_snapshots",
        responses=_paginated("PaginatedReportSnapshotList", s.SnapshotSerializer),
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.snapshots_for(request.user))
        return self.get_paginated_response(s.SnapshotSerializer(page, many=True).data)


class SignalRuleListApi(_Read):
    """The signal ladder's thresholds per matter or department (预警/黄牌/红牌/监察建议书),
    active and deactivated; a department head sees its department's and its matters'."""

    serializer_class = s.SignalRuleSerializer
    queryset = SignalRule.objects.none()

    @extend_schema(
        summary="List signal rules",
        operation_id="supervision_signal_rules",
        responses=_paginated("PaginatedSupervisionSignalRuleList", s.SignalRuleSerializer),
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.signal_rules_for(request.user))
        return self.get_paginated_response(s.SignalRuleSerializer(page, many=True).data)


class StepLimitListApi(_Read):
    """The matters' own step (环节) durations in working days, active and deactivated."""

    serializer_class = s.StepLimitSerializer
    queryset = StepLimit.objects.none()

    @extend_schema(
        summary="List step durations",
        operation_id="supervision_step_limits",
        responses=_paginated("PaginatedSupervisionStepLimitList", s.StepLimitSerializer),
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.step_limits_for(request.user))
        return self.get_paginated_response(s.StepLimitSerializer(page, many=True).data)
