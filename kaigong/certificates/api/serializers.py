"""Input and output serializers of the certificates API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kaigong.certificates.constants import VerificationStatus
from kaigong.certificates.selectors import (
    certificate_effective_status,
    certificate_prerequisites_revoked,
)
from kaigong.core.fields import StrictCharField


class SurfaceFieldSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField()


class CertificateOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    identifier = serializers.CharField()
    license_no = serializers.CharField()
    type_code = serializers.CharField(source="certificate_type.type_code")
    type_name = serializers.CharField(source="certificate_type.name")
    holder_name = serializers.CharField(source="holder.name")
    holder_code = serializers.CharField(source="holder.uscc")
    issuer_name = serializers.CharField(source="issuer.name")
    issuer_code = serializers.SerializerMethodField()
    project = serializers.UUIDField(source="project.public_id", allow_null=True)
    project_name = serializers.CharField(source="project.name", allow_null=True)
    issued_on = serializers.DateField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    status = serializers.SerializerMethodField()
    released_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField()
    surface = serializers.SerializerMethodField()
    prerequisite_revoked = serializers.SerializerMethodField(
        help_text=_("A certificate this one was issued on the basis of has been revoked.")
    )
    prerequisite_revoked_at = serializers.DateTimeField(allow_null=True)
    prerequisites_revoked = serializers.SerializerMethodField()
    pdf_sm3 = serializers.CharField()
    content_digest = serializers.CharField()
    signature = serializers.CharField(source="signature_hex")
    # empty (null) while the certificate is being generated (status "rendering")
    key_id = serializers.CharField(source="signing_key.key_id", allow_null=True)
    public_key = serializers.CharField(source="signing_key.public_key_hex", allow_null=True)

    def get_issuer_code(self, obj) -> str:
        return obj.data.get("issuer_code", "")

    @extend_schema_field(
        serializers.ChoiceField(choices=["rendering", "held", "valid", "revoked", "expired"])
    )
    def get_status(self, obj) -> str:
        return str(certificate_effective_status(obj))

    @extend_schema_field(SurfaceFieldSerializer(many=True))
    def get_surface(self, obj):
        return obj.data.get("surface", [])

    def get_prerequisite_revoked(self, obj) -> bool:
        return obj.prerequisite_revoked_at is not None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_prerequisites_revoked(self, obj):
        return [c.identifier for c in certificate_prerequisites_revoked(obj)]


class VerifyInputSerializer(serializers.Serializer):
    identifier = StrictCharField(
        required=False, max_length=120, help_text=_("The e-licence identifier (电子证照标识).")
    )
    file = serializers.FileField(required=False, help_text=_("The certificate's PDF."))

    def validate(self, attrs):
        if not attrs.get("identifier") and not attrs.get("file"):
            raise serializers.ValidationError(
                _("Give the identifier or upload the PDF."), code="identifier_or_file"
            )
        return attrs


class VerifyOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=VerificationStatus.choices)
    identifier = serializers.CharField()
    type_name = serializers.CharField()
    holder_name = serializers.CharField()
    issuer_name = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField()
    prerequisite_revoked = serializers.BooleanField(
        help_text=_("A certificate this one was issued on the basis of has been revoked.")
    )
    prerequisites_revoked = serializers.ListField(child=serializers.CharField())


class RevokeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=1000, allow_blank=True, help_text=_("Why it is revoked (shown on verification).")
    )


class JointConditionInputSerializer(serializers.Serializer):
    bundle = serializers.CharField(help_text=_("Code of the bundle."))
    rule = serializers.CharField(help_text=_("Code of the joint issuance rule of the bundle."))
    project = serializers.UUIDField(help_text=_("The project the condition is met for."))
    evidence = serializers.CharField(max_length=2000, allow_blank=True)
    evidence_reference = serializers.CharField(max_length=200, required=False, default="")


class JointConditionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    rule = serializers.CharField(source="rule.code")
    condition = serializers.CharField(source="rule.condition_name")
    project = serializers.UUIDField(source="project.public_id")
    evidence = serializers.CharField()
    evidence_reference = serializers.CharField()
    recorded_at = serializers.DateTimeField(source="created_at")
