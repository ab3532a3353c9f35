"""
``GET /api/v1/track/{token}/``: the public tracking endpoint of a service code (服务专码).

Public (no login), rate limited (scope ``track``). Answers only progress
(``projects.tracking``): no personal data, no files, no opinions. An unknown or rotated
token is a 404, the same as one that never existed.

This module sits at the top layer, the only one allowed to read ``cases``: it registers
the case-progress provider the projects app reads through ``projects.hooks`` (until the
cases app registers it itself in its ``AppConfig.ready()``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import path

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from kaigong.projects import hooks
from kaigong.projects.selectors import service_code_resolve
from kaigong.projects.tracking import track_payload


def case_progress_from_cases(project: Any) -> list[Mapping[str, Any]]:
    """
    Progress rows of the project's cases, read from the cases app, in the shape
    ``projects.hooks`` documents: the due date is the promised one, the actual start the
    case's acceptance day, the actual end the item's decision day; submitted materials are
    named by the catalogue's material names only (never file names).
    """
    try:
        from kaigong.cases.selectors import case_item_progress, case_list_for_project
    except ImportError:  # the cases app does not offer them (yet): no progress to show
        return []
    rows: list[Mapping[str, Any]] = []
    for case in case_list_for_project(project):
        decided = dict(case.items.values_list("public_id", "decided_on"))
        decided = {str(k): v for k, v in decided.items()}
        materials = sorted(
            {m.material.name for m in case.materials.select_related("material") if m.material_id}
        )
        for row in case_item_progress(case):
            rows.append(
                {
                    **row,
                    "due_on": row.get("promised_due_on"),
                    "started_on": getattr(case, "accepted_on", None),
                    "concluded_on": decided.get(str(row.get("item"))),
                    "submitted_materials": materials,
                }
            )
    return rows


if not hooks.has_case_progress_provider():
    hooks.set_case_progress_provider(case_progress_from_cases)


class TrackMatterSerializer(serializers.Serializer):
    name = serializers.CharField()
    department = serializers.CharField()
    status = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    warning = serializers.CharField(help_text="green | yellow | red, or empty before applying")


class TrackProjectSerializer(serializers.Serializer):
    name = serializers.CharField()
    matters = TrackMatterSerializer(many=True)
    submitted_materials = serializers.ListField(child=serializers.CharField())
    next_steps = serializers.ListField(child=serializers.CharField())
    materials_to_prepare = serializers.ListField(child=serializers.CharField())


class TrackOutputSerializer(serializers.Serializer):
    scope = serializers.CharField(help_text="enterprise (一企一码) | project (一项一码)")
    projects = TrackProjectSerializer(many=True)


class TrackApi(APIView):
    """
    Progress behind a service code: per project, the names of the materials submitted,
    each matter's status, due date and warning colour, the next steps and the materials
    to prepare. Public; rate limited.

    Errors: ``service_code_not_found`` (404, also for a rotated code); ``throttled`` (429).
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "track"

    @extend_schema(responses=TrackOutputSerializer, summary="Track progress by service code")
    def get(self, request, token):
        payload = track_payload(service_code_resolve(token))
        return Response(TrackOutputSerializer(payload).data)


urlpatterns = [path("track/<str:token>/", TrackApi.as_view(), name="track")]
