"""Archive pages: the ledger (台账) with live progress, and one project's folder."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kaigong.archives.constants import Classification
from kaigong.archives.package import package_build
from kaigong.archives.selectors import archive_folder_get_for, archive_ledger
from kaigong.core.exceptions import NotFound


@login_required
def archive_ledger_page(request: HttpRequest) -> HttpResponse:
    classification = request.GET.get("classification", "")
    if classification not in Classification.values:
        classification = ""
    rows = archive_ledger(request.user, classification=classification)
    return render(
        request,
        "web/certificates/archive_ledger.html",
        {"rows": rows, "classification": classification, "classifications": Classification.choices},
    )


def _folder(request, public_id):
    try:
        return archive_folder_get_for(request.user, public_id)
    except NotFound:
        raise Http404 from None


@login_required
def archive_folder_page(request: HttpRequest, public_id) -> HttpResponse:
    folder = _folder(request, public_id)
    return render(
        request,
        "web/certificates/archive_folder.html",
        {"folder": folder, "documents": folder.documents.order_by("kind", "created_at")},
    )


@login_required
def archive_package_download(request: HttpRequest, public_id) -> HttpResponse:
    folder = _folder(request, public_id)
    response = HttpResponse(package_build(folder), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="archive-{public_id}.zip"'
    return response
