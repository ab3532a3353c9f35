"""
Certificates API: read, download, verify (public), revoke, record a 联发 condition.

Thin: parse, call one selector or service, render. Not visible and not found are the
same 404; visible but not allowed is 403.
"""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from kaigong.certificates.constants import ErrorCode, VerificationStatus
from kaigong.certificates.models import Certificate
from kaigong.certificates.selectors import (
    certificate_get_for,
    certificate_list_visible_to,
    joint_condition_target_get,
)
from kaigong.certificates.services import certificate_revoke, joint_issuance_condition_record
from kaigong.certificates.verification import (
    certificate_verify_file,
    certificate_verify_identifier,
)
from kaigong.core.exceptions import Conflict

from .serializers import (
    CertificateOutputSerializer,
    JointConditionInputSerializer,
    JointConditionOutputSerializer,
    RevokeInputSerializer,
    VerifyInputSerializer,
    VerifyOutputSerializer,
)


class VerifyThrottle(AnonRateThrottle):
    """Everyone, logged in or not, shares the anonymous rate on the public check."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class CertificateListApi(ListAPIView):
    """
    Certificates you may see: supervisors all; staff of a department what it issued;
    members of an enterprise its released certificates. Role: any logged-in user.
    """

    serializer_class = CertificateOutputSerializer

    def get_queryset(self):
        return certificate_list_visible_to(self.request.user)

    @extend_schema(summary="List certificates visible to you", operation_id="certificate_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CertificateDetailApi(GenericAPIView):
    """
    One certificate with its signed data, signature and key. Roles: the holder's members
    once released, staff of the issuing department, supervisors. Errors: ``not_found`` (404).
    """

    serializer_class = CertificateOutputSerializer
    queryset = Certificate.objects.none()

    @extend_schema(summary="Read a certificate", operation_id="certificate_retrieve")
    def get(self, request, public_id):
        certificate = certificate_get_for(request.user, public_id)
        return Response(CertificateOutputSerializer(certificate).data)


class CertificatePdfApi(GenericAPIView):
    """
    The certificate's PDF. Roles as for reading it. Errors: ``not_found`` (404).
    """

    queryset = Certificate.objects.none()

    @extend_schema(
        summary="Download a certificate's PDF",
        operation_id="certificate_pdf",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request, public_id):
        certificate = certificate_get_for(request.user, public_id)
        if certificate.rendering:
            raise Conflict(
                _("The certificate is being generated; its PDF follows in a moment."),
                code=ErrorCode.RENDERING,
            )
        return FileResponse(
            certificate.pdf.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"{certificate.license_no}.pdf",
        )


class CertificateVerifyApi(GenericAPIView):
    """
    Check a certificate by its identifier (JSON) or by uploading its PDF (multipart).

    Public (no login), throttled. Answers ``valid``, ``held``, ``revoked`` (with date and
    reason), ``expired``, ``unknown`` or ``tampered``; details are given only for genuine,
    released certificates. Errors: ``invalid_input`` (400), 429 when throttled.
    """

    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]
    # parsers: the defaults (JSON, form, multipart; kaigong/api/parsers.py)
    serializer_class = VerifyInputSerializer

    @extend_schema(
        summary="Verify a certificate",
        operation_id="certificate_verify",
        request={
            "application/json": VerifyInputSerializer,
            "multipart/form-data": VerifyInputSerializer,
        },
        responses=VerifyOutputSerializer,
    )
    def post(self, request):
        query = VerifyInputSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        upload = query.validated_data.get("file")
        if upload is not None:
            result = certificate_verify_file(upload.read())
        else:
            result = certificate_verify_identifier(query.validated_data["identifier"])
        public = result.status in (
            VerificationStatus.VALID,
            VerificationStatus.REVOKED,
            VerificationStatus.EXPIRED,
        )
        body = {
            "status": result.status,
            "identifier": result.identifier,
            "type_name": result.type_name if public else "",
            "holder_name": result.holder_name if public else "",
            "issuer_name": result.issuer_name if public else "",
            "issued_on": result.issued_on if public else None,
            "valid_to": result.valid_to if public else None,
            "revoked_at": result.revoked_at,
            "revocation_reason": result.revocation_reason,
            "prerequisite_revoked": result.prerequisite_revoked if public else False,
            "prerequisites_revoked": result.prerequisites_revoked,
        }
        return Response(VerifyOutputSerializer(body).data)


class CertificateRevokeApi(GenericAPIView):
    """
    Revoke a certificate, with a reason. Role: approver of the issuing department.
    Errors: ``revocation_reason_required`` (400), ``permission_denied`` (403),
    ``not_found`` (404), ``certificate_already_revoked`` (409).
    """

    serializer_class = RevokeInputSerializer
    queryset = Certificate.objects.none()

    @extend_schema(
        summary="Revoke a certificate",
        operation_id="certificate_revoke",
        responses=CertificateOutputSerializer,
    )
    def post(self, request, public_id):
        certificate = certificate_get_for(request.user, public_id)
        data = RevokeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = certificate_revoke(
            certificate=certificate, reason=data.validated_data["reason"], actor=request.user
        )
        return Response(CertificateOutputSerializer(certificate).data)


class JointConditionApi(GenericAPIView):
    """
    Record that a joint-issuance condition (e.g. the land-use right) is met for a project,
    with evidence; the certificates it held are released in one event. Role: reviewer or
    approver of the bundle's lead department, or a clerk of a centre serving it.
    Errors: ``evidence_required`` (400), ``permission_denied`` (403, to whoever sees the
    project but may not record), ``not_found`` (404, also to outsiders),
    ``condition_already_recorded`` (409).
    """

    serializer_class = JointConditionInputSerializer
    queryset = Certificate.objects.none()

    @extend_schema(
        summary="Record a joint-issuance condition",
        operation_id="certificate_joint_condition_record",
        responses={201: JointConditionOutputSerializer, 404: OpenApiResponse()},
    )
    def post(self, request):
        data = JointConditionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        rule, project = joint_condition_target_get(
            request.user,
            bundle_code=values["bundle"],
            rule_code=values["rule"],
            project_public_id=values["project"],
        )
        fulfilment = joint_issuance_condition_record(
            rule=rule,
            project_id=project.id if project else None,
            evidence=values["evidence"],
            evidence_reference=values["evidence_reference"],
            actor=request.user,
        )
        return Response(
            JointConditionOutputSerializer(fulfilment).data, status=status.HTTP_201_CREATED
        )
