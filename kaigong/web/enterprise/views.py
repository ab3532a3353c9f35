"""
Enterprise pages: registration, projects, the questionnaire with the guide (htmx), the
guide PDF, the timeline with its Gantt chart, service codes, the inbox and the public
tracking page. Thin: parse, call one service or selector, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaigong.accounts.selectors import enterprise_list_for, enterprise_of_member_get
from kaigong.accounts.services import enterprise_sign_up
from kaigong.assistance.selectors import policy_list_for_project, policy_read_ids
from kaigong.catalog.models import Question
from kaigong.core.clock import local_date
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.core.selectors import (
    notification_get_for,
    notification_list_for,
    notification_unread_count,
)
from kaigong.core.services import notification_mark_all_read, notification_mark_read
from kaigong.core.throttling import TrackIpThrottle
from kaigong.projects.constants import TimelineMode
from kaigong.projects.guide import project_guide
from kaigong.projects.hooks import case_actuals
from kaigong.projects.models import Project
from kaigong.projects.pdf import guide_pdf
from kaigong.projects.permissions import can_edit_project, can_register_on_behalf, can_set_site
from kaigong.projects.qr import qr_png
from kaigong.projects.selectors import (
    project_get_for,
    project_list_visible_to,
    service_code_resolve,
)
from kaigong.projects.services import (
    project_answers_update,
    project_register,
    project_site_set,
    service_code_for,
    service_code_rotate,
)
from kaigong.projects.timeline import build_timeline
from kaigong.projects.tracking import track_payload
from kaigong.web.auth_request import AuthenticatedRequest
from kaigong.web.forms import domain_error_to_form
from kaigong.web.ratelimit import rate_limited

from .forms import EnterpriseSignUpForm, ProjectForm, SiteForm, TimelineForm, answers_from_post
from .gantt import gantt

T = "web/enterprise/"


def _project(request: AuthenticatedRequest, public_id) -> Project:
    try:
        return project_get_for(request.user, public_id)
    except NotFound:
        raise Http404 from None


def _enterprise(request: AuthenticatedRequest, public_id):
    enterprise = enterprise_of_member_get(request.user, public_id)
    if enterprise is None:
        raise Http404
    return enterprise


# --- registration ---------------------------------------------------------------------------


def enterprise_register(request: HttpRequest) -> HttpResponse:
    on_behalf = request.user.is_authenticated
    if on_behalf and not can_register_on_behalf(request.user):
        return render(request, T + "forbidden.html", status=403)
    form = EnterpriseSignUpForm(request.POST or None, on_behalf=on_behalf)
    if request.method == "POST" and form.is_valid():
        try:
            registration = enterprise_sign_up(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            domain_error_to_form(form, error)
        else:
            if not on_behalf:
                login(
                    request, registration.user, backend="django.contrib.auth.backends.ModelBackend"
                )
                messages.success(request, _("Welcome. Register your first project."))
                return redirect("web:project-create")
            messages.success(
                request,
                _("%(name)s is registered on its behalf.") % {"name": registration.enterprise},
            )
            return redirect("web:project-create")
    return render(request, T + "register.html", {"form": form, "on_behalf": on_behalf})


# --- projects -------------------------------------------------------------------------------


@login_required
def project_list(request: AuthenticatedRequest) -> HttpResponse:
    projects = project_list_visible_to(request.user)[:200]
    return render(request, T + "project_list.html", {"projects": projects})


@login_required
def project_create(request: AuthenticatedRequest) -> HttpResponse:
    enterprises = enterprise_list_for(request.user)
    form = ProjectForm(request.POST or None, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enterprise = data.pop("enterprise")
        track = data.pop("track")
        try:
            project = project_register(
                actor=request.user,
                enterprise_public_id=enterprise.public_id if enterprise else None,
                track_code=track.code if track else "",
                **data,
            )
        except DomainError as error:
            domain_error_to_form(form, error)
        else:
            messages.success(request, _("Project registered. Answer the questions below."))
            return redirect("web:project-detail", public_id=project.public_id)
    return render(request, T + "project_form.html", {"form": form})


def _guide_context(request: AuthenticatedRequest, project, *, error: str = "") -> dict:
    bundles = request.GET.getlist("bundle") or None
    guide = project_guide(project, bundle_codes=bundles)
    return {
        "project": project,
        "guide": guide,
        "can_edit": can_edit_project(request.user, project),
        "error": error,
        "bundle_query": "&".join(f"bundle={b}" for b in bundles or []),
    }


@login_required
def project_detail(request: AuthenticatedRequest, public_id) -> HttpResponse:
    project = _project(request, public_id)
    site_form = _site_form(request, project)
    if site_form is not None and site_form.is_bound and site_form.is_valid():
        return redirect(reverse("web:project-detail", args=[project.public_id]) + "#project-site")
    try:
        context = _guide_context(request, project)
    except DomainError as error:
        return render(request, T + "error.html", {"error": error}, status=error.status)
    read = policy_read_ids(request.user)
    context["policies"] = [
        {"policy": p, "read": p.pk in read} for p in policy_list_for_project(project)
    ]
    context["site_form"] = site_form
    return render(request, T + "project_detail.html", context)


def _site_form(request: AuthenticatedRequest, project: Project) -> SiteForm | None:
    """The project's site fence (工程项目红线) for authorised staff; a valid POST saves it."""
    if not can_set_site(request.user, project):
        return None
    if request.method != "POST" or request.POST.get("action") != "site":
        lines = "\n".join(f"{lat},{lon}" for lat, lon in project.red_line or [])
        return SiteForm(initial={"latitude": project.latitude, "longitude": project.longitude,
                                 "radius_m": project.site_radius_m, "red_line": lines})  # fmt: skip
    form = SiteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            project_site_set(actor=request.user, project=project, latitude=data["latitude"],
                             longitude=data["longitude"], radius_m=data["radius_m"],
                             red_line=data["red_line"])  # fmt: skip
        except DomainError as error:
            domain_error_to_form(form, error)
    return form


@login_required
@require_POST
def project_answers(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """hx-post of the questionnaire: save the answers, answer with the new guide fragment."""
    project = _project(request, public_id)
    asked = request.POST.getlist("asked")
    questions = list(Question.objects.filter(code__in=asked))
    error = ""
    try:
        project = project_answers_update(
            project=project, actor=request.user, answers=answers_from_post(request.POST, questions)
        )
    except DomainError as exc:
        error = "；".join(str(p.get("reason")) for p in exc.invalid_params) or str(exc.message)
    context = _guide_context(request, project, error=error)
    if request.htmx:
        return render(request, T + "_guide.html", context)
    return redirect("web:project-detail", public_id=project.public_id)


@login_required
def project_guide_pdf(request: AuthenticatedRequest, public_id) -> HttpResponse:
    project = _project(request, public_id)
    guide = project_guide(project, bundle_codes=request.GET.getlist("bundle") or None)
    response = HttpResponse(guide_pdf(project, guide), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="guide-{project.public_id}.pdf"'
    return response


@login_required
def project_timeline(request: AuthenticatedRequest, public_id) -> HttpResponse:
    project = _project(request, public_id)
    form = TimelineForm(request.GET or None)
    start = local_date()
    if form.is_valid() and form.cleaned_data.get("start"):
        start = form.cleaned_data["start"]
    mode = request.GET.get("mode") or TimelineMode.PRE_APPROVAL
    if mode not in TimelineMode.values:
        mode = TimelineMode.PRE_APPROVAL
    try:
        guide = project_guide(project, bundle_codes=request.GET.getlist("bundle") or None)
        timeline = build_timeline(
            guide=guide,
            start=start,
            region_code=project.region_code,
            actuals=case_actuals(project),
        )
    except DomainError as error:
        return render(request, T + "error.html", {"error": error}, status=error.status)
    chosen = timeline.modes[mode]
    return render(
        request,
        T + "timeline.html",
        {
            "project": project,
            "form": form,
            "timeline": timeline,
            "mode": chosen,
            "modes": list(timeline.modes.values()),
            "chart": gantt(chosen),
            "start": start,
        },
    )


# --- service codes --------------------------------------------------------------------------


def _code_page(request, *, enterprise, project, rotate_url, qr_url) -> HttpResponse:
    try:
        code = service_code_for(actor=request.user, enterprise=enterprise, project=project)
    except DomainError as error:
        return render(request, T + "error.html", {"error": error}, status=error.status)
    track_url = request.build_absolute_uri(reverse("web:track", args=[code.token]))
    return render(
        request,
        T + "service_code.html",
        {
            "enterprise": enterprise,
            "project": project,
            "code": code,
            "track_url": track_url,
            "rotate_url": rotate_url,
            "qr_url": qr_url,
        },
    )


@login_required
def project_service_code(request: AuthenticatedRequest, public_id) -> HttpResponse:
    project = _project(request, public_id)
    if request.method == "POST":
        try:
            service_code_rotate(enterprise=project.enterprise, project=project, actor=request.user)
        except DomainError as error:
            return render(request, T + "error.html", {"error": error}, status=error.status)
        messages.success(request, _("A new service code was issued; the old one no longer works."))
        return redirect("web:project-service-code", public_id=public_id)
    return _code_page(
        request,
        enterprise=project.enterprise,
        project=project,
        rotate_url=reverse("web:project-service-code", args=[public_id]),
        qr_url=reverse("web:project-service-code-qr", args=[public_id]),
    )


@login_required
def enterprise_service_code(request: AuthenticatedRequest, public_id) -> HttpResponse:
    enterprise = _enterprise(request, public_id)
    if request.method == "POST":
        try:
            service_code_rotate(enterprise=enterprise, actor=request.user)
        except DomainError as error:
            return render(request, T + "error.html", {"error": error}, status=error.status)
        messages.success(request, _("A new service code was issued; the old one no longer works."))
        return redirect("web:enterprise-service-code", public_id=public_id)
    return _code_page(
        request,
        enterprise=enterprise,
        project=None,
        rotate_url=reverse("web:enterprise-service-code", args=[public_id]),
        qr_url=reverse("web:enterprise-service-code-qr", args=[public_id]),
    )


def _qr(request, code) -> HttpResponse:
    url = request.build_absolute_uri(reverse("web:track", args=[code.token]))
    response = HttpResponse(qr_png(url), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def project_service_code_qr(request: AuthenticatedRequest, public_id) -> HttpResponse:
    project = _project(request, public_id)
    try:
        code = service_code_for(actor=request.user, enterprise=project.enterprise, project=project)
    except DomainError:
        raise Http404 from None
    return _qr(request, code)


@login_required
def enterprise_service_code_qr(request: AuthenticatedRequest, public_id) -> HttpResponse:
    enterprise = _enterprise(request, public_id)
    try:
        code = service_code_for(actor=request.user, enterprise=enterprise)
    except DomainError:
        raise Http404 from None
    return _qr(request, code)


# --- inbox ----------------------------------------------------------------------------------


@login_required
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    return render(
        request,
        T + "inbox.html",
        {
            "notifications": notification_list_for(request.user, unread_only=unread_only)[:200],
            "unread_count": notification_unread_count(request.user),
            "unread_only": unread_only,
        },
    )


@login_required
@require_POST
def inbox_read(request: AuthenticatedRequest, public_id) -> HttpResponse:
    try:
        notification = notification_get_for(request.user, public_id)
    except NotFound:
        raise Http404 from None
    notification_mark_read(
        notification=notification, actor=request.user, read=request.POST.get("read") != "0"
    )
    if request.htmx:
        return render(request, T + "_notification.html", {"n": notification})
    return redirect("web:inbox")


@login_required
@require_POST
def inbox_read_all(request: AuthenticatedRequest) -> HttpResponse:
    notification_mark_all_read(
        notifications=notification_list_for(request.user), actor=request.user
    )
    return redirect("web:inbox")


# --- public tracking ------------------------------------------------------------------------


@rate_limited(TrackIpThrottle)
def track(request: HttpRequest, token: str) -> HttpResponse:
    """The public page behind a service code: progress only, no login."""
    try:
        code = service_code_resolve(token)
    except NotFound:
        raise Http404 from None
    response = render(request, T + "track.html", {"payload": track_payload(code)})
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
