"""
Public pages, no login: the home page that says what the service is, and the 办事指南
(service guide) by locality → bundle (一件事 / 主题) → matter. Every published matter version
has a stable address, /guide/matters/<code>/v<number>/; /guide/matters/<code>/ is the one in
force. Thin: parse, call a selector, render.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kaigong.accounts.regions import region_full_name
from kaigong.accounts.selectors import service_center_for_department
from kaigong.assistance.selectors import question_faq_for_matter
from kaigong.catalog.selectors import (
    bundle_detail,
    guide_bundle_list,
    guide_region_codes,
    guide_search,
    matter_get_by_code,
    matter_version_history,
    matter_version_in_force,
    matter_version_published,
)
from kaigong.core.clock import local_date
from kaigong.core.exceptions import NotFound

T = "web/public/"


def public_home(request: HttpRequest) -> HttpResponse:
    today = local_date()
    localities = [{"code": c, "name": region_full_name(c)} for c in guide_region_codes(on=today)]
    return render(request, T + "home.html", {"localities": localities})


def guide(request: HttpRequest) -> HttpResponse:
    """Localities, their bundles, and a search over the matters in force."""
    today = local_date()
    codes = guide_region_codes(on=today)
    region = request.GET.get("region", "")
    if region not in codes:
        region = ""
    q = request.GET.get("q", "").strip()[:100]
    localities = [{"code": c, "name": region_full_name(c)} for c in codes]
    bundles = guide_bundle_list(region_code=region)
    searching = bool(q or region)
    matters = guide_search(on=today, q=q, region_code=region) if searching else []
    context = {
        "localities": localities,
        "region": region,
        "region_label": region_full_name(region) if region else "",
        "q": q,
        "bundles": bundles if not q else [],
        "matters": matters,
        "searching": searching,
    }
    return render(request, T + "guide.html", context)


def bundle_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        bundle = bundle_detail(code, on=local_date())
    except NotFound:
        raise Http404 from None
    if not bundle.is_active:
        raise Http404
    return render(
        request,
        T + "bundle.html",
        {"bundle": bundle, "region_label": region_full_name(bundle.region_code)},
    )


def _matter_context(version, *, in_force: bool) -> dict:
    center = service_center_for_department(version.department)
    return {
        "version": version,
        "matter": version.matter,
        "in_force": in_force,
        "history": matter_version_history(version.matter),
        "center": center,
        "windows": list(center.windows.all()) if center else [],
        "region_label": region_full_name(version.department.region_code),
        "requirements": list(version.requirements.all()),
        "faq": list(question_faq_for_matter(version.matter_id)),
    }


def matter_current(request: HttpRequest, code: str) -> HttpResponse:
    try:
        matter = matter_get_by_code(code)
    except NotFound:
        raise Http404 from None
    version = matter_version_in_force(matter, on=local_date())
    if version is None:
        raise Http404
    return render(request, T + "matter.html", _matter_context(version, in_force=True))


def matter_version(request: HttpRequest, code: str, number: int) -> HttpResponse:
    try:
        version = matter_version_published(code, number)
    except NotFound:
        raise Http404 from None
    current = matter_version_in_force(version.matter, on=local_date())
    in_force = current is not None and current.pk == version.pk
    return render(request, T + "matter.html", _matter_context(version, in_force=in_force))
