"""
Official document pages: the public verification page (the documents' QR codes land here)
and the PDF of a case's document for whoever may see the case (404 for everyone else).
Thin: parse, call one selector, render.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kaigong.core.exceptions import Conflict, NotFound
from kaigong.documents.services import document_download
from kaigong.documents.verification import document_verify

MAX_UPLOAD = 20 * 1024 * 1024


class DocumentFileForm(forms.Form):
    file = forms.FileField(
        label=_("The PDF you received"),
        help_text=_("Checked against the SM3 digest and the SM2 signature recorded at issue."),
    )


def document_verify_page(request: HttpRequest, public_id) -> HttpResponse:
    """Public: the document's identity and whether its digest and signature verify."""
    form = DocumentFileForm()
    uploaded = False
    if request.method == "POST":
        form = DocumentFileForm(request.POST, request.FILES)
        if form.is_valid() and form.cleaned_data["file"].size <= MAX_UPLOAD:
            result = document_verify(public_id, content=form.cleaned_data["file"].read())
            uploaded = True
        else:
            result = document_verify(public_id)
    else:
        result = document_verify(public_id)
    status = 404 if result.status == "unknown" else 200
    return render(
        request,
        "web/documents/verify.html",
        {"form": form, "result": result, "uploaded": uploaded, "public_id": public_id},
        status=status,
    )


@login_required
def case_document_pdf(request: HttpRequest, case_id, public_id) -> HttpResponseBase:
    """
    The PDF, inline, for whoever may see the case; 404 for everyone else; a page saying
    it is being prepared (409) while it is 生成中.
    """
    try:
        document = document_download(request.user, case_id, public_id)
    except NotFound:
        raise Http404 from None
    except Conflict as error:  # 生成中: the relay renders it in a moment
        return render(
            request, "web/documents/being_prepared.html", {"message": error.message}, status=409
        )
    return FileResponse(
        document.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"{document.number}.pdf",
    )
