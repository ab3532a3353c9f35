from django.urls import path

from . import views

urlpatterns = [
    path(
        "documents/verify/<uuid:public_id>/",
        views.document_verify_page,
        name="document-verify",
    ),
    path(
        "cases/<uuid:case_id>/documents/<uuid:public_id>/pdf/",
        views.case_document_pdf,
        name="case-document-pdf",
    ),
]
