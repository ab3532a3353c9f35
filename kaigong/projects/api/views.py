"""
Projects API: register and read projects, answer the questionnaire, read the guide
(JSON and PDF) and the timeline, show and rotate service codes. Thin: parse, call one
service or selector, render.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from kaigong.accounts.selectors import enterprise_of_member_get
from kaigong.core.clock import local_date
from kaigong.core.exceptions import NotFound
from kaigong.projects.guide import project_guide
from kaigong.projects.hooks import case_actuals
from kaigong.projects.pdf import guide_pdf
from kaigong.projects.qr import qr_png
from kaigong.projects.selectors import project_get_for, project_list_visible_to
from kaigong.projects.services import (
    project_answers_update,
    project_register,
    project_site_set,
    service_code_for,
    service_code_rotate,
)
from kaigong.projects.timeline import build_timeline

from .serializers import (
    AnswersInputSerializer,
    GuideOutputSerializer,
    GuideQuerySerializer,
    ProjectInputSerializer,
    ProjectOutputSerializer,
    ServiceCodeOutputSerializer,
    SiteInputSerializer,
    TimelineOutputSerializer,
    TimelineQuerySerializer,
)

BUNDLE_PARAM = OpenApiParameter(
    "bundle", str, many=True, description=_("Bundle codes (repeat); default: by track/region.")
)
MATTER_PARAM = OpenApiParameter(
    "matter", str, many=True, description=_("Only these matter codes (repeat).")
)


def _query(serializer_class, request):
    data = {
        key: request.query_params.getlist(key) if key in ("bundle", "matter") else value
        for key, value in request.query_params.items()
    }
    query = serializer_class(data=data)
    query.is_valid(raise_exception=True)
    return query.validated_data


class ProjectListCreateApi(GenericAPIView):
    """
    List the projects you may see, or register one.

    Roles: applicants (their enterprise), helpers and window clerks (on an enterprise's
    behalf, recorded); supervisors read. Errors: ``investment_code_format``,
    ``coordinates``, ``key_project_level``, ``unknown_track``, ``enterprise_required``,
    ``invalid_input`` (400); ``permission_denied`` (403); ``enterprise_not_found`` (404, also to anyone outside the enterprise).
    """

    serializer_class = ProjectOutputSerializer

    def get_queryset(self):
        return project_list_visible_to(self.request.user)

    @extend_schema(responses=ProjectOutputSerializer(many=True), summary="List projects")
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ProjectOutputSerializer(page, many=True).data)

    @extend_schema(
        request=ProjectInputSerializer,
        responses={201: ProjectOutputSerializer},
        summary="Register a project",
    )
    def post(self, request):
        data = ProjectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        project = project_register(
            actor=request.user,
            enterprise_public_id=fields.pop("enterprise", None),
            track_code=fields.pop("track", ""),
            **fields,
        )
        return Response(ProjectOutputSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailApi(APIView):
    """
    One project. Roles: as for the list. Errors: ``project_not_found`` (404) — also for
    projects you may not see.
    """

    @extend_schema(responses=ProjectOutputSerializer, summary="Read a project")
    def get(self, request, public_id):
        return Response(ProjectOutputSerializer(project_get_for(request.user, public_id)).data)


class ProjectAnswersApi(APIView):
    """
    Record situation answers (情形引导); the guide changes at once.

    Roles: the enterprise's applicants, its assigned helper, window clerks. Errors:
    ``unknown_question``, ``invalid_answer`` (400, nothing saved); ``permission_denied``
    (403); ``project_not_found`` (404).
    """

    @extend_schema(
        request=AnswersInputSerializer, responses=ProjectOutputSerializer, summary="Answer"
    )
    def post(self, request, public_id):
        data = AnswersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_answers_update(
            project=project_get_for(request.user, public_id),
            actor=request.user,
            answers=data.validated_data["answers"],
            replace=data.validated_data["replace"],
        )
        return Response(ProjectOutputSerializer(project).data)


class ProjectSiteApi(APIView):
    """
    Set the project's site fence (工程项目红线): point, radius and red-line polygon, which
    every site inspection of the project checks the on-site device against.

    Roles: window clerks of the project's jurisdiction; reviewers of a department with an
    item of the project's cases. Errors: ``coordinates``, ``red_line``, ``site_radius``
    (400); ``permission_denied`` (403); ``project_not_found`` (404).
    """

    @extend_schema(
        request=SiteInputSerializer,
        responses=ProjectOutputSerializer,
        summary="Set the project's site and red line",
        operation_id="project_site_set",
    )
    def put(self, request, public_id):
        data = SiteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_site_set(
            actor=request.user,
            project=project_get_for(request.user, public_id),
            latitude=data.validated_data["latitude"],
            longitude=data.validated_data["longitude"],
            radius_m=data.validated_data.get("radius_m"),
            red_line=data.validated_data["red_line"],
        )
        return Response(ProjectOutputSerializer(project).data)


class ProjectGuideApi(APIView):
    """
    The customised guide ("一张表"): matters by stage, merged materials with the counts
    before and after merging, intermediary services, dependencies, questions.

    Roles: whoever may see the project. Errors: ``unknown_bundle`` (400);
    ``project_not_found`` (404).
    """

    @extend_schema(
        parameters=[BUNDLE_PARAM, MATTER_PARAM],
        responses=GuideOutputSerializer,
        summary="Customised guide",
    )
    def get(self, request, public_id):
        query = _query(GuideQuerySerializer, request)
        guide = project_guide(
            project_get_for(request.user, public_id),
            bundle_codes=query.get("bundle"),
            matter_codes=query.get("matter"),
        )
        return Response(GuideOutputSerializer(guide.as_dict()).data)


class ProjectGuidePdfApi(APIView):
    """The guide as a printable PDF. Roles and errors: as for the guide."""

    @extend_schema(
        parameters=[BUNDLE_PARAM, MATTER_PARAM],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="Customised guide (PDF)",
    )
    def get(self, request, public_id):
        query = _query(GuideQuerySerializer, request)
        project = project_get_for(request.user, public_id)
        guide = project_guide(
            project, bundle_codes=query.get("bundle"), matter_codes=query.get("matter")
        )
        response = HttpResponse(guide_pdf(project, guide), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="guide-{project.public_id}.pdf"'
        return response


class ProjectTimelineApi(APIView):
    """
    The timeline ("一张图") from ``start`` (default today) in three modes — serial
    baseline, parallel, parallel with pre-approvals — with dates, critical path, totals
    and compression; ``mode`` keeps one mode and the baseline. Dates in a year without a
    published calendar are marked provisional. Once cases exist, actual dates are shown
    against the plan.

    Roles: whoever may see the project. Errors: ``invalid_input`` / ``invalid_date``
    (400); ``unknown_bundle`` (400); ``dependency_cycle`` (409); ``project_not_found`` (404).
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description=_("YYYY-MM-DD")),
            OpenApiParameter("mode", str, enum=["serial", "parallel", "pre_approval"]),
            BUNDLE_PARAM,
            MATTER_PARAM,
        ],
        responses=TimelineOutputSerializer,
        summary="Timeline",
    )
    def get(self, request, public_id):
        query = _query(TimelineQuerySerializer, request)
        project = project_get_for(request.user, public_id)
        guide = project_guide(
            project, bundle_codes=query.get("bundle"), matter_codes=query.get("matter")
        )
        timeline = build_timeline(
            guide=guide,
            start=query.get("start") or local_date(),
            region_code=project.region_code,
            actuals=case_actuals(project),
        )
        data = timeline.as_dict()
        if query.get("mode"):
            data["modes"] = {
                k: v for k, v in data["modes"].items() if k in ("serial", query["mode"])
            }
        return Response(TimelineOutputSerializer(data).data)


def _code_data(request, code) -> dict:
    track_url = request.build_absolute_uri(reverse("web:track", args=[code.token]))
    if code.project_id:
        qr = reverse("projects-api:project-service-code-qr", args=[code.project.public_id])
    else:
        qr = reverse("projects-api:enterprise-service-code-qr", args=[code.enterprise.public_id])
    return {
        "public_id": code.public_id,
        "scope": code.scope,
        "token": code.token,
        "track_url": track_url,
        "qr_url": request.build_absolute_uri(qr),
        "created_at": code.created_at,
    }


def _enterprise(request, public_id):
    enterprise = enterprise_of_member_get(request.user, public_id)
    if enterprise is None:
        raise NotFound(_("There is no such enterprise."), code="enterprise_not_found")
    return enterprise


class ProjectServiceCodeApi(APIView):
    """
    The project's service code (一项一码) and its tracking URL. Roles: the enterprise's
    applicants. Errors: ``permission_denied`` (403); ``project_not_found`` (404).
    """

    @extend_schema(responses=ServiceCodeOutputSerializer, summary="Project service code")
    def get(self, request, public_id):
        project = project_get_for(request.user, public_id)
        code = service_code_for(actor=request.user, enterprise=project.enterprise, project=project)
        return Response(ServiceCodeOutputSerializer(_code_data(request, code)).data)


class ProjectServiceCodeRotateApi(APIView):
    """
    Replace the project's service code; the old token stops working at once (404).
    Roles: the enterprise's applicants. Errors: ``permission_denied`` (403);
    ``project_not_found`` (404).
    """

    @extend_schema(request=None, responses=ServiceCodeOutputSerializer, summary="Rotate")
    def post(self, request, public_id):
        project = project_get_for(request.user, public_id)
        code = service_code_rotate(
            enterprise=project.enterprise, project=project, actor=request.user
        )
        return Response(ServiceCodeOutputSerializer(_code_data(request, code)).data)


class ProjectServiceCodeQrApi(APIView):
    """The QR code (PNG) of the project's service code. Roles and errors: as above."""

    @extend_schema(
        responses={(200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY)}, summary="QR"
    )
    def get(self, request, public_id):
        project = project_get_for(request.user, public_id)
        code = service_code_for(actor=request.user, enterprise=project.enterprise, project=project)
        url = request.build_absolute_uri(reverse("web:track", args=[code.token]))
        response = HttpResponse(qr_png(url), content_type="image/png")
        response["Cache-Control"] = "private, no-store"
        return response


class EnterpriseServiceCodeApi(APIView):
    """
    The enterprise's service code (一企一码). Roles: the enterprise's administrator.
    Errors: ``permission_denied`` (403); ``enterprise_not_found`` (404, also to anyone outside the enterprise).
    """

    @extend_schema(responses=ServiceCodeOutputSerializer, summary="Enterprise service code")
    def get(self, request, public_id):
        code = service_code_for(actor=request.user, enterprise=_enterprise(request, public_id))
        return Response(ServiceCodeOutputSerializer(_code_data(request, code)).data)


class EnterpriseServiceCodeRotateApi(APIView):
    """
    Replace the enterprise's service code; the old token stops working at once. Roles:
    the enterprise's administrator. Errors: ``permission_denied`` (403);
    ``enterprise_not_found`` (404, also to anyone outside the enterprise).
    """

    @extend_schema(request=None, responses=ServiceCodeOutputSerializer, summary="Rotate")
    def post(self, request, public_id):
        code = service_code_rotate(enterprise=_enterprise(request, public_id), actor=request.user)
        return Response(ServiceCodeOutputSerializer(_code_data(request, code)).data)


class EnterpriseServiceCodeQrApi(APIView):
    """The QR code (PNG) of the enterprise's service code. Roles and errors: as above."""

    @extend_schema(
        responses={(200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY)}, summary="QR"
    )
    def get(self, request, public_id):
        code = service_code_for(actor=request.user, enterprise=_enterprise(request, public_id))
        url = request.build_absolute_uri(reverse("web:track", args=[code.token]))
        response = HttpResponse(qr_png(url), content_type="image/png")
        response["Cache-Control"] = "private, no-store"
        return response
