"""
Public pages, no login: the home page that says what the service is, and the 办事指南
(service guide) by locality → bundle (一件事 / 主题) → matter. Every published matter version
has a stable address, /guide/matters/<code>/v<number>/; /guide/matters/<code>/ is the one in
force. Thin: parse, call a selector, render.
"""

from __future__ import annotations

from typing import cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.http import content_disposition_header

from kaigong.accounts.models import User
from kaigong.accounts.regions import region_full_name
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import service_center_for_department, user_has_role
from kaigong.assistance.selectors import question_faq_for_matter
from kaigong.catalog.selectors import (
    bundle_detail,
    guide_bundle_list,
    guide_region_codes,
    guide_search,
    material_file_get,
    material_file_kinds,
    matter_get_by_code,
    matter_version_history,
    matter_version_in_force,
    matter_version_published,
)
from kaigong.core.clock import local_date
from kaigong.core.draw_selectors import draw_public_get
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


def _matter_context(request: HttpRequest, version, *, in_force: bool) -> dict:
    center = service_center_for_department(version.department_id)
    return {
        # the next step of a signed-in applicant: an application starts from a project
        "can_apply": request.user.is_authenticated
        and user_has_role(cast(User, request.user), Role.APPLICANT),
        "version": version,
        "matter": version.matter,
        "in_force": in_force,
        "history": matter_version_history(version.matter),
        "center": center,
        "windows": list(center.windows.all()) if center else [],
        "region_label": region_full_name(version.department.region_code),
        "requirements": with_material_files(list(version.requirements.all())),
        "faq": list(question_faq_for_matter(version.matter_id)),
    }


def with_material_files(rows: list) -> list:
    """Each requirement (or material need) with ``files``: the kinds of file the guide
    offers for its material (sample, blank), for links next to it."""
    kinds = material_file_kinds({row.material_id for row in rows})
    for row in rows:
        row.files = kinds.get(row.material_id, [])
    return rows


def material_file(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """The sample (示例样表) or blank form (空白表格) of a material: public, a PDF or an
    image opens in the browser, other formats download."""
    try:
        row = material_file_get(code, kind)
    except NotFound:
        raise Http404 from None
    response = HttpResponse(bytes(row.content), content_type=row.content_type)
    inline = row.content_type == "application/pdf" or row.content_type.startswith("image/")
    disposition = "inline" if inline and request.GET.get("download") != "1" else "attachment"
    # Never None: a material file always has a name (``file_name`` is required).
    response["Content-Disposition"] = cast(
        str, content_disposition_header(disposition == "attachment", row.file_name)
    )
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def matter_current(request: HttpRequest, code: str) -> HttpResponse:
    try:
        matter = matter_get_by_code(code)
    except NotFound:
        raise Http404 from None
    version = matter_version_in_force(matter, on=local_date())
    if version is None:
        raise Http404
    return render(request, T + "matter.html", _matter_context(request, version, in_force=True))


def matter_version(request: HttpRequest, code: str, number: int) -> HttpResponse:
    try:
        version = matter_version_published(code, number)
    except NotFound:
        raise Http404 from None
    current = matter_version_in_force(version.matter, on=local_date())
    in_force = current is not None and current.pk == version.pk
    return render(request, T + "matter.html", _matter_context(request, version, in_force=in_force))


def draw_page(request: HttpRequest, public_id) -> HttpResponse:
    """A verifiable draw (摇号/抽取), public: the inputs as published and their re-run."""
    try:
        record = draw_public_get(public_id)
    except NotFound:
        raise Http404 from None
    labels = {c["id"]: c["label"] for c in record["candidates"]}
    times = {
        key: parse_datetime(record[key]) if record[key] else None
        for key in ("prepared_at", "revealed_at")
    }
    return render(
        request,
        T + "draw.html",
        {
            "draw": record,
            "times": times,
            "drawn": [(i, labels.get(i, i)) for i in record["result"]],
        },
    )
