"""
Post-approval API (双随机、一公开): check items, plans and tasks (public reads), the draws of
targets and inspectors, results and findings, the revocation of a permit for a serious
breach, and the 告知承诺 verification tasks. Thin: parse, call one service, render.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from kaigong.core.exceptions import NotFound, PermissionDenied
from kaigong.postapproval import services
from kaigong.postapproval.models import CheckItem, Plan
from kaigong.postapproval.selectors import (
    check_item_get_for_staff,
    check_items_public,
    commitment_check_get_for,
    commitment_checks_for,
    finding_get_for,
    plan_get_for_staff,
    plans_public,
    target_get_for,
    task_get_public,
    task_public_record,
)

from . import serializers as s


def _department(user):
    department = services.planner_department(user)
    if department is None:
        raise PermissionDenied(_("Only a department's head or approver plans checks."))
    return department


class _PublicGetMixin:
    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()

    def get_throttles(self):
        return [AnonRateThrottle()] if self.request.method == "GET" else super().get_throttles()


class CheckItemListApi(_PublicGetMixin, GenericAPIView):
    """GET (public): 抽查事项清单. POST: a department's head or approver adds one. Errors: 400, 403, 409."""

    pagination_class = None  # a plain list (at most 200 rows), as documented

    serializer_class = s.CheckItemSerializer
    queryset = CheckItem.objects.none()

    @extend_schema(
        summary="List the check items (public)",
        operation_id="postapproval_item_list",
        responses=s.CheckItemSerializer(many=True),
    )
    def get(self, request):
        return Response(s.CheckItemSerializer(check_items_public()[:500], many=True).data)

    @extend_schema(
        summary="Add a check item",
        operation_id="postapproval_item_create",
        responses={201: s.CheckItemSerializer},
    )
    def post(self, request):
        data = s.CheckItemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.check_item_create(
            actor=request.user, department=_department(request.user), **data.validated_data
        )
        return Response(s.CheckItemSerializer(item).data, status=status.HTTP_201_CREATED)


class PlanListApi(_PublicGetMixin, GenericAPIView):
    """GET (public): 计划公告. POST: an annual plan over the department's items. Errors: 400, 403."""

    pagination_class = None  # a plain list (at most 200 rows), as documented

    serializer_class = s.PlanOutputSerializer
    queryset = Plan.objects.none()

    @extend_schema(
        summary="List the published plans (public)",
        operation_id="postapproval_plan_list",
        responses=s.PlanOutputSerializer(many=True),
    )
    def get(self, request):
        return Response(s.PlanOutputSerializer(plans_public()[:200], many=True).data)

    @extend_schema(
        summary="Create an annual plan",
        operation_id="postapproval_plan_create",
        request=s.PlanInputSerializer,
        responses={201: s.PlanOutputSerializer},
    )
    def post(self, request):
        data = s.PlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        department = _department(request.user)
        items = list(
            CheckItem.objects.filter(
                public_id__in=data.validated_data["items"], department=department
            )
        )
        plan = services.plan_create(
            actor=request.user,
            department=department,
            year=data.validated_data["year"],
            title=data.validated_data["title"],
            items=items,
        )
        return Response(s.PlanOutputSerializer(plan).data, status=status.HTTP_201_CREATED)


class CheckItemDetailApi(GenericAPIView):
    """
    PUT: change a check item of your department (its code stays; tasks already made keep
    their frozen pool). Role: the department's head or approver. Errors: 400, 403 (the
    department's other staff), 404 (anyone else).
    """

    serializer_class = s.CheckItemUpdateSerializer
    queryset = CheckItem.objects.none()

    @extend_schema(
        summary="Change a check item",
        operation_id="postapproval_item_update",
        responses=s.CheckItemSerializer,
    )
    def put(self, request, public_id):
        data = s.CheckItemUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.check_item_update(
            actor=request.user,
            item=check_item_get_for_staff(request.user, public_id),
            **data.validated_data,
        )
        return Response(s.CheckItemSerializer(item).data)


class PlanDetailApi(GenericAPIView):
    """
    PUT: change a plan's year, title or check items (an item that already has a task stays).
    Role: the department's head or approver. Errors: 400, 403, 404.
    """

    serializer_class = s.PlanInputSerializer
    queryset = Plan.objects.none()

    @extend_schema(
        summary="Change an annual plan",
        operation_id="postapproval_plan_update",
        responses=s.PlanOutputSerializer,
    )
    def put(self, request, public_id):
        data = s.PlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = plan_get_for_staff(request.user, public_id)
        items = list(
            CheckItem.objects.filter(
                public_id__in=data.validated_data["items"], department_id=plan.department_id
            )
        )
        plan = services.plan_update(
            actor=request.user,
            plan=plan,
            year=data.validated_data["year"],
            title=data.validated_data["title"],
            items=items,
        )
        return Response(s.PlanOutputSerializer(plan).data)


class PlanGenerateTasksApi(GenericAPIView):
    """
    Turn the plan into tasks: one task (pool frozen, seed committed) for each of its check
    items without a task in the period; items with nothing to draw from are skipped and
    named. Role: the department's head or approver. Errors: 400, 403, 404, 409
    ``nothing_to_generate`` (with ``skipped``).
    """

    serializer_class = s.GenerateTasksInputSerializer
    queryset = Plan.objects.none()

    @extend_schema(
        summary="Generate a plan's tasks",
        operation_id="postapproval_plan_generate_tasks",
        responses={201: s.GenerateTasksOutputSerializer},
    )
    def post(self, request, public_id):
        data = s.GenerateTasksInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = services.plan_generate_tasks(
            actor=request.user,
            plan=plan_get_for_staff(request.user, public_id),
            **data.validated_data,
        )
        return Response(
            {"tasks": [task_public_record(t) for t in made["tasks"]], "skipped": made["skipped"]},
            status=status.HTTP_201_CREATED,
        )


class TaskCreateApi(GenericAPIView):
    """Create a task of a plan: pool snapshot, target count, target draw prepared. Errors: 400, 403, 404, 409."""

    serializer_class = s.TaskInputSerializer
    queryset = Plan.objects.none()

    @extend_schema(
        summary="Create a check task",
        operation_id="postapproval_task_create",
        responses={201: s.TaskOutputSerializer},
    )
    def post(self, request):
        data = s.TaskInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        plan = Plan.objects.filter(
            public_id=values.pop("plan"), department=_department(request.user)
        ).first()
        item = CheckItem.objects.filter(public_id=values.pop("item")).first()
        if plan is None or item is None:
            raise NotFound(_("No such plan or item."), code="not_found")
        task = services.task_create(actor=request.user, plan=plan, item=item, **values)
        return Response(task_public_record(task), status=status.HTTP_201_CREATED)


class TaskDetailApi(GenericAPIView):
    """A task as published: draws, drawn list, and results once published (public)."""

    serializer_class = s.TaskOutputSerializer
    queryset = Plan.objects.none()
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(summary="Read a check task (public)", operation_id="postapproval_task_retrieve")
    def get(self, request, public_id):
        return Response(task_public_record(task_get_public(public_id)))


class _TaskStep(GenericAPIView):
    serializer_class = s.WitnessInputSerializer
    queryset = Plan.objects.none()
    step = staticmethod(services.task_draw_targets)

    def post(self, request, public_id):
        task = task_get_public(public_id)
        data = self.serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(task_public_record(self.run(request.user, task, data.validated_data)))


class TaskDrawTargetsApi(_TaskStep):
    """Reveal the target draw before the witnesses; freeze the inspectors after recusal. Errors: 400, 403, 404, 409."""

    def run(self, user, task, values):
        return services.task_draw_targets(actor=user, task=task, witnesses=values["witnesses"])

    @extend_schema(
        summary="Draw the targets",
        operation_id="postapproval_task_draw_targets",
        responses=s.TaskOutputSerializer,
    )
    def post(self, request, public_id):
        return super().post(request, public_id)


class TaskDrawInspectorsApi(_TaskStep):
    """Reveal the inspector draw and assign the inspectors. Errors: 400, 403, 404, 409."""

    def run(self, user, task, values):
        return services.task_draw_inspectors(actor=user, task=task, witnesses=values["witnesses"])

    @extend_schema(
        summary="Draw the inspectors",
        operation_id="postapproval_task_draw_inspectors",
        responses=s.TaskOutputSerializer,
    )
    def post(self, request, public_id):
        return super().post(request, public_id)


class TaskPublishApi(GenericAPIView):
    """Publish the results (结果公告). Role: head or approver of the department. Errors: 403, 404, 409."""

    serializer_class = s.TaskOutputSerializer
    queryset = Plan.objects.none()

    @extend_schema(
        summary="Publish a task's results", operation_id="postapproval_task_publish", request=None
    )
    def post(self, request, public_id):
        task = services.task_results_publish(actor=request.user, task=task_get_public(public_id))
        return Response(task_public_record(task))


class TargetResultApi(GenericAPIView):
    """A drawn inspector records the result. Errors: 400, 403, 404, 409."""

    serializer_class = s.ResultInputSerializer
    queryset = Plan.objects.none()

    @extend_schema(summary="Record a target's result", operation_id="postapproval_target_result")
    def post(self, request, public_id):
        target = target_get_for(request.user, public_id)
        data = s.ResultInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = services.target_result_record(
            actor=request.user, target=target, **data.validated_data
        )
        return Response({"id": str(target.public_id), "result": target.result})


class FindingCreateApi(GenericAPIView):
    """A drawn inspector records a finding (rectify by working days, or serious). Errors: 400, 403, 404."""

    serializer_class = s.FindingInputSerializer
    queryset = Plan.objects.none()

    @extend_schema(
        summary="Record a finding",
        operation_id="postapproval_finding_create",
        responses={201: s.FindingOutputSerializer},
    )
    def post(self, request, public_id):
        target = target_get_for(request.user, public_id)
        data = s.FindingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = services.finding_record(actor=request.user, target=target, **data.validated_data)
        return Response(s.FindingOutputSerializer(finding).data, status=status.HTTP_201_CREATED)


class FindingRevokeApi(GenericAPIView):
    """
    Serious breach: revoke the permit (approver of the issuing department, through the
    certificates service; dependants flagged) and write the credit record. Errors: 400, 403, 404, 409.
    """

    serializer_class = s.ReasonInputSerializer
    queryset = Plan.objects.none()

    @extend_schema(
        summary="Revoke the permit for a serious finding",
        operation_id="postapproval_finding_revoke",
        responses=s.FindingOutputSerializer,
    )
    def post(self, request, public_id):
        finding = finding_get_for(request.user, public_id)
        data = s.ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = services.finding_revoke_permit(
            actor=request.user, finding=finding, reason=data.validated_data["reason"]
        )
        return Response(s.FindingOutputSerializer(finding).data)


class FindingRectifiedApi(GenericAPIView):
    """The inspector confirms the rectification. Errors: 403, 404, 409."""

    serializer_class = s.ReasonInputSerializer
    queryset = Plan.objects.none()

    @extend_schema(
        summary="Confirm a rectification",
        operation_id="postapproval_finding_rectified",
        responses=s.FindingOutputSerializer,
    )
    def post(self, request, public_id):
        finding = finding_get_for(request.user, public_id)
        data = s.ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = services.finding_rectified(
            actor=request.user, finding=finding, note=data.validated_data["reason"]
        )
        return Response(s.FindingOutputSerializer(finding).data)


class CommitmentCheckListApi(GenericAPIView):
    """The 告知承诺 verification tasks of your departments (supervisors: all)."""

    pagination_class = None  # a plain list (at most 200 rows), as documented

    serializer_class = s.CommitmentCheckSerializer
    queryset = Plan.objects.none()

    @extend_schema(
        summary="List 告知承诺 verification tasks",
        operation_id="postapproval_commitment_check_list",
        responses=s.CommitmentCheckSerializer(many=True),
    )
    def get(self, request):
        return Response(
            s.CommitmentCheckSerializer(commitment_checks_for(request.user)[:200], many=True).data
        )


class CommitmentCheckRecordApi(GenericAPIView):
    """Record the verification through the cases service. Errors: 403, 404, 409."""

    serializer_class = s.CommitmentCheckInputSerializer
    queryset = Plan.objects.none()

    @extend_schema(
        summary="Record a 告知承诺 verification",
        operation_id="postapproval_commitment_check_record",
        responses=s.CommitmentCheckSerializer,
    )
    def post(self, request, public_id):
        check = commitment_check_get_for(request.user, public_id)
        data = s.CommitmentCheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        check = services.commitment_check_record(
            actor=request.user, check=check, **data.validated_data
        )
        return Response(s.CommitmentCheckSerializer(check).data)
