"""
The applicant's pages: the application wizard (bundle and matters → the one merged form →
one set of materials → submit) and the case page with its items, clocks and history.
Thin: parse, call one service or selector, render.
"""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaigong.cases.applicable import case_current_materials, case_form_schema, case_material_needs
from kaigong.cases.deadlines import item_due_dates
from kaigong.cases.holds import case_certificate_holds
from kaigong.cases.permissions import can_edit_case, can_handle_at_window, can_submit_case
from kaigong.cases.selectors import (
    case_actions_for,
    case_event_list,
    case_item_progress,
    case_list_visible_to,
)
from kaigong.cases.services.drafting import case_create_draft, case_form_data_set
from kaigong.cases.services.intake import case_resubmit, case_submit, case_withdraw
from kaigong.cases.services.materials import case_material_upload
from kaigong.catalog.selectors import bundle_list
from kaigong.core.clock import local_date
from kaigong.core.exceptions import DomainError
from kaigong.projects.selectors import project_get_for, project_list_visible_to

from .common import T, form_errors, joint_condition_rows, load_case
from .forms import CaseStartForm, MergedForm


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    cases = case_list_visible_to(request.user).order_by("-created_at", "-id")[:100]
    return render(request, T + "case_list.html", {"cases": cases})


@login_required
def case_start(request: HttpRequest) -> HttpResponse:
    """Step 1: the project, the bundle and the optional matters."""
    projects = project_list_visible_to(request.user)
    bundles = bundle_list()
    initial = {"project": request.GET.get("project"), "bundle": request.GET.get("bundle")}
    form = CaseStartForm(request.POST or None, projects=projects, bundles=bundles, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_create_draft(
                actor=request.user,
                project=project_get_for(request.user, form.cleaned_data["project"]),
                bundle_code=form.cleaned_data["bundle"],
                matter_codes=form.cleaned_data["matters"],
            )
        except DomainError as error:
            form_errors(form, error)
        else:
            return redirect("web:case-form", public_id=case.public_id)
    return render(request, T + "start.html", {"form": form, "bundles": bundles, "step": 1})


@login_required
def case_form(request: HttpRequest, public_id) -> HttpResponse:
    """Step 2: the one merged form of every chosen matter."""
    case = load_case(request, public_id)
    schema = case_form_schema(case)
    initial = {k: v for k, v in (case.form_data or {}).items()}
    for key, prop in schema["properties"].items():
        if key not in initial and "default" in prop:
            initial[key] = prop["default"]
    form = MergedForm(request.POST or None, schema=schema, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case_form_data_set(case=case, actor=request.user, data=form.form_data())
        except DomainError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The form is saved."))
            return redirect("web:case-materials", public_id=case.public_id)
    return render(
        request,
        T + "form.html",
        {"case": case, "form": form, "step": 2, "editable": can_edit_case(request.user, case)},
    )


@login_required
def case_materials(request: HttpRequest, public_id) -> HttpResponse:
    """Step 3: one set of materials for every chosen matter, merged (one upload each)."""
    case = load_case(request, public_id)
    needs = case_material_needs(case)
    errors: list[str] = []
    if request.method == "POST":
        for need in needs:
            upload = request.FILES.get(f"file-{need.code}")
            if upload is None:
                continue
            try:
                case_material_upload(
                    case=case, actor=request.user, material_code=need.code, file=upload
                )
            except DomainError as error:
                errors.append(f"{need.name}: {error.message}")
        if not errors:
            messages.success(request, _("The materials are saved."))
            return redirect("web:case-materials", public_id=case.public_id)
    have = case_current_materials(case)
    rows = [{"need": n, "current": have.get(n.material_id)} for n in needs]
    return render(
        request,
        T + "materials.html",
        {
            "case": case,
            "rows": rows,
            "errors": errors,
            "step": 3,
            "editable": can_edit_case(request.user, case),
            "can_submit": can_submit_case(request.user, case)
            and "submit" in case_actions_for(case),
            "can_resubmit": can_submit_case(request.user, case)
            and "resubmit" in case_actions_for(case),
        },
    )


def _command(request: HttpRequest, public_id, call, done: str) -> HttpResponse:
    case = load_case(request, public_id)
    try:
        call(case)
    except DomainError as error:
        messages.error(request, str(error.message))
        for param in error.invalid_params[:10]:
            messages.error(request, f"{param.get('name')}: {param.get('reason')}")
        return redirect("web:case-materials", public_id=case.public_id)
    messages.success(request, done)
    return redirect("web:case-detail", public_id=case.public_id)


@login_required
@require_POST
def case_submit_view(request: HttpRequest, public_id) -> HttpResponse:
    key = request.POST.get("idempotency_key", "")
    return _command(
        request,
        public_id,
        lambda case: case_submit(case=case, actor=request.user, idempotency_key=key),
        _("The application is submitted. The window will check it."),
    )


@login_required
@require_POST
def case_resubmit_view(request: HttpRequest, public_id) -> HttpResponse:
    return _command(
        request,
        public_id,
        lambda case: case_resubmit(case=case, actor=request.user),
        _("The corrected application is back in the window's queue."),
    )


@login_required
@require_POST
def case_withdraw_view(request: HttpRequest, public_id) -> HttpResponse:
    reason = request.POST.get("reason", "")[:2000]
    return _command(
        request,
        public_id,
        lambda case: case_withdraw(case=case, actor=request.user, reason=reason),
        _("The application is withdrawn."),
    )


@login_required
def case_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The case page: status, items with their clocks explained day by day, the history."""
    case = load_case(request, public_id)
    return render(request, T + "detail.html", case_detail_context(request, case))


def case_detail_context(request: HttpRequest, case, *, joint_bound=None) -> dict:
    """What the case page shows; ``joint_bound`` = a joint-condition form just posted."""
    today = local_date()
    progress = case_item_progress(case, on=today)
    items = {str(i.public_id): i for i in case.items.select_related("matter_version", "case")}
    planned = case.plan_snapshot.get("matters", {})
    for row in progress:
        item = items[row["item"]]
        row["clock"] = item_due_dates(item, on=today) if item.clock_started_on else None
        row["plan"] = planned.get(row["matter_code"])
    return {
        "case": case,
        "items": progress,
        "events": case_event_list(case),
        "actions": case_actions_for(case),
        "corrections": case.corrections.order_by("-requested_at"),
        "commitments": case.commitments.order_by("created_at"),
        "denials": case.denials.order_by("-at"),
        "can_edit": can_edit_case(request.user, case),
        "at_window": can_handle_at_window(request.user, case),
        "withdraw_form": django_forms.Form(),
        "joint_conditions": joint_condition_rows(request.user, case, bound=joint_bound),
        "certificates_held": case_certificate_holds(case),
    }
