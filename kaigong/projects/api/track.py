"""
``GET /api/v1/track/{token}/``: the public tracking endpoint of a service code (服务专码).

Public (no login), rate limited (scope ``track``). Answers only progress
(``projects.tracking``): no personal data, no files, no opinions. An unknown or rotated
token is a 404, the same as one that never existed. Case progress comes through
``projects.hooks``, filled by the cases app.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from kaigong.core.throttling import TrackIpThrottle
from kaigong.projects.selectors import service_code_resolve
from kaigong.projects.tracking import track_payload


class TrackMatterSerializer(serializers.Serializer):
    name = serializers.CharField()
    department = serializers.CharField()
    status = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    warning = serializers.CharField(help_text="green | yellow | red, or empty before applying")


class TrackHeldCertificateSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The certificate type's name")
    reasons = serializers.ListField(child=serializers.CharField())


class TrackProjectSerializer(serializers.Serializer):
    name = serializers.CharField()
    matters = TrackMatterSerializer(many=True)
    submitted_materials = serializers.ListField(child=serializers.CharField())
    next_steps = serializers.ListField(child=serializers.CharField())
    materials_to_prepare = serializers.ListField(child=serializers.CharField())
    certificates_held = TrackHeldCertificateSerializer(
        many=True, help_text="Certificates not yet released (the case is not 已出证), and why"
    )


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
    throttle_classes = [TrackIpThrottle]

    @extend_schema(responses=TrackOutputSerializer, summary="Track progress by service code")
    def get(self, request, token):
        payload = track_payload(service_code_resolve(token))
        return Response(TrackOutputSerializer(payload).data)
