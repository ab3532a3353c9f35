"""
Certificate pages: the public verification page (the QR code lands here), the e-licence
library of an enterprise (我的空间), one certificate with its PDF, and revocation.
Thin: parse, call one selector or service, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaigong.accounts.selectors import enterprise_list_for, user_enterprise_ids
from kaigong.certificates.constants import RENDERING, RENDERING_LABEL, VerificationStatus
from kaigong.certificates.permissions import can_revoke_certificate
from kaigong.certificates.selectors import (
    certificate_effective_status,
    certificate_get_for,
    certificate_list_valid_for_enterprise,
    certificate_list_visible_to,
    certificate_prerequisites_revoked,
)
from kaigong.certificates.services import certificate_revoke
from kaigong.certificates.verification import (
    certificate_verify_file,
    certificate_verify_identifier,
)
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.web.auth_request import AuthenticatedRequest

from .forms import RevokeForm, VerifyForm

STATUS_LABELS = {**dict(VerificationStatus.choices), RENDERING: RENDERING_LABEL}
PUBLIC_STATUSES = {VerificationStatus.VALID, VerificationStatus.REVOKED, VerificationStatus.EXPIRED}


def certificate_verify(request: HttpRequest) -> HttpResponse:
    """Public: check by identifier (?id= from the QR code, or the form) or by the PDF."""
    result = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            if upload is not None:
                result = certificate_verify_file(upload.read())
            else:
                result = certificate_verify_identifier(form.cleaned_data["identifier"])
    else:
        identifier = request.GET.get("id", "")
        form = VerifyForm(initial={"identifier": identifier})
        if identifier:
            result = certificate_verify_identifier(identifier)
    return render(
        request,
        "web/certificates/verify.html",
        {
            "form": form,
            "result": result,
            "show_details": result is not None and result.status in PUBLIC_STATUSES,
        },
    )


@login_required
def certificate_library(request: AuthenticatedRequest) -> HttpResponse:
    """我的空间: the enterprise's valid certificates; staff see the ones they may see."""
    enterprises = enterprise_list_for(request.user).filter(id__in=user_enterprise_ids(request.user))
    libraries = [
        (enterprise, list(certificate_list_valid_for_enterprise(enterprise)))
        for enterprise in enterprises
    ]
    others = None
    if not libraries:
        others = list(certificate_list_visible_to(request.user)[:200])
        for certificate in others:
            certificate.status_label = STATUS_LABELS[certificate_effective_status(certificate)]
    return render(
        request, "web/certificates/library.html", {"libraries": libraries, "others": others}
    )


def _certificate(request, public_id):
    try:
        return certificate_get_for(request.user, public_id)
    except NotFound:
        raise Http404 from None


@login_required
def certificate_detail(request: AuthenticatedRequest, public_id) -> HttpResponse:
    certificate = _certificate(request, public_id)
    return render(
        request,
        "web/certificates/detail.html",
        {
            "certificate": certificate,
            "status": certificate_effective_status(certificate),
            "status_label": STATUS_LABELS[certificate_effective_status(certificate)],
            "prerequisites_revoked": certificate_prerequisites_revoked(certificate),
            "can_revoke": can_revoke_certificate(request.user, certificate)
            and certificate.status != "revoked",
            "revoke_form": RevokeForm(),
        },
    )


@login_required
def certificate_pdf(request: AuthenticatedRequest, public_id) -> FileResponse:
    certificate = _certificate(request, public_id)
    if certificate.rendering:  # 生成中: no PDF yet
        raise Http404
    return FileResponse(
        certificate.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"{certificate.license_no}.pdf",
    )


@login_required
@require_POST
def certificate_revoke_view(request: AuthenticatedRequest, public_id) -> HttpResponse:
    certificate = _certificate(request, public_id)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            certificate_revoke(
                certificate=certificate, reason=form.cleaned_data["reason"], actor=request.user
            )
            messages.success(request, _("The certificate has been revoked."))
        except DomainError as error:
            messages.error(request, str(error.message))
    return redirect("web:certificate-detail", public_id=certificate.public_id)
