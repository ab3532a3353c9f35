"""The public record of a verifiable draw (kaigong/core/draws.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from kaigong.core.draw_selectors import draw_public_get


class DrawCandidateSerializer(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the field is named label
    weight = serializers.IntegerField()


class DrawVerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    list_hash_ok = serializers.BooleanField()
    commitment_ok = serializers.BooleanField()
    result_ok = serializers.BooleanField()
    recomputed = serializers.ListField(child=serializers.CharField())


class DrawOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    purpose = serializers.CharField()
    algorithm = serializers.CharField()
    candidates = DrawCandidateSerializer(many=True)
    candidates_hash = serializers.CharField()
    count = serializers.IntegerField()
    seed_commitment = serializers.CharField()
    prepared_at = serializers.DateTimeField()
    seed = serializers.CharField(allow_null=True)
    revealed_at = serializers.DateTimeField(allow_null=True)
    witnesses = serializers.ListField(child=serializers.CharField())
    result = serializers.ListField(child=serializers.CharField())
    verification = DrawVerificationSerializer(allow_null=True)


class DrawApi(APIView):
    """
    A draw as published: the frozen candidates and their hash, the seed commitment, and once
    revealed the seed, the witnesses, the result and its re-computation.

    Role: none (public). Errors: ``not_found`` (404).
    """

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        summary=_("A verifiable draw and its re-computation"),
        operation_id="draw_get",
        responses={200: DrawOutputSerializer},
    )
    def get(self, request, public_id):
        return Response(DrawOutputSerializer(draw_public_get(public_id)).data)
