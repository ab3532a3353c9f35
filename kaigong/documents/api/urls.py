from django.urls import path

from . import views

app_name = "documents-api"

urlpatterns = [
    path(
        "cases/<uuid:case_id>/documents/",
        views.CaseDocumentListApi.as_view(),
        name="case-documents",
    ),
    path(
        "cases/<uuid:case_id>/documents/<uuid:doc_id>/pdf/",
        views.CaseDocumentPdfApi.as_view(),
        name="case-document-pdf",
    ),
]
