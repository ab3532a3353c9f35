from rest_framework import serializers

from kaigong.cases.constants import OfficialDocumentKind


class OfficialDocumentOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(choices=OfficialDocumentKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    number = serializers.CharField()
    title = serializers.CharField()
    case = serializers.UUIDField(source="case.public_id")
    item = serializers.UUIDField(source="item.public_id", allow_null=True, default=None)
    matter = serializers.SerializerMethodField()
    issuer_name = serializers.CharField()
    issued_at = serializers.DateTimeField()
    # false while the PDF is being prepared (rendered after commit): no PDF, digest or
    # signature yet (empty strings), and its pdf_url answers 409 document_being_prepared
    rendered = serializers.BooleanField(source="is_rendered")
    rendered_at = serializers.DateTimeField(allow_null=True)
    pdf_sm3 = serializers.CharField()
    content_digest = serializers.CharField()
    key_id = serializers.CharField()
    signature = serializers.CharField(source="signature_hex")
    pdf_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    def get_matter(self, obj) -> str:
        return obj.item.matter_version.name if obj.item_id else ""

    def get_pdf_url(self, obj) -> str:
        return f"/api/v1/cases/{obj.case.public_id}/documents/{obj.public_id}/pdf/"

    def get_verify_url(self, obj) -> str:
        return f"/documents/verify/{obj.public_id}/"
