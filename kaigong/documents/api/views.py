"""
Documents API: a case's official documents (受理通知书, 补正告知书, 决定书 …) and their PDFs.

Roles: whoever may see the case (its enterprise, the window, the departments of its items,
supervisors; ``cases.selectors.case_get_for``). Others 404.
"""

from __future__ import annotations

from django.http import FileResponse

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from kaigong.cases.api.schema import responses
from kaigong.documents.models import OfficialDocument
from kaigong.documents.selectors import document_list_visible_to
from kaigong.documents.services import document_download

from .serializers import OfficialDocumentOutputSerializer


class CaseDocumentListApi(GenericAPIView):
    """The case's documents, oldest first, with digest, signature and links.
    Errors: ``case_not_found`` (404)."""

    serializer_class = OfficialDocumentOutputSerializer
    queryset = OfficialDocument.objects.none()
    pagination_class = None

    @extend_schema(
        summary="List a case's official documents",
        operation_id="case_documents",
        responses=responses(OfficialDocumentOutputSerializer(many=True), 404),
    )
    def get(self, request, case_id):
        documents = document_list_visible_to(request.user, case_id).select_related("case")
        return Response(OfficialDocumentOutputSerializer(documents, many=True).data)


class CaseDocumentPdfApi(GenericAPIView):
    """The signed PDF of one document. Errors: ``case_not_found``, ``document_not_found`` (404),
    ``document_being_prepared`` (409: recorded with its event, rendered in a moment)."""

    queryset = OfficialDocument.objects.none()

    @extend_schema(
        summary="Download an official document's PDF",
        operation_id="case_document_pdf",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            **{code: r for code, r in responses(None, 404, 409).items() if code != 200},
        },
    )
    def get(self, request, case_id, doc_id):
        document = document_download(request.user, case_id, doc_id)
        return FileResponse(
            document.pdf.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"{document.number}.pdf",
        )
