"""
The applicant's pages: from the project and its guide to the application (bundle and
matters → the one merged form → the materials as a task list → check your answers →
submit → confirmation), and the case page with its items, clocks and history.
Thin: parse, call one service or selector, render.
"""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaigong.assistance.selectors import pre_reviews_of_case
from kaigong.calendars.constants import NATIONAL
from kaigong.calendars.selectors import due_date
from kaigong.cases.applicable import (
    case_form_schema,
    case_material_needs,
    case_versions,
)
from kaigong.cases.constants import CaseStatus
from kaigong.cases.deadlines import correction_notice_due_on, item_due_dates, region_of
from kaigong.cases.holds import case_certificate_holds
from kaigong.cases.hooks import ACT_UPLOAD
from kaigong.cases.permissions import can_edit_case, can_handle_at_window, can_submit_case
from kaigong.cases.selectors import (
    case_actions_for,
    case_event_list,
    case_item_progress,
    case_list_visible_to,
)
from kaigong.cases.services.drafting import DRAFT_LIKE, case_create_draft, case_form_data_set
from kaigong.cases.services.intake import (
    case_resubmit,
    case_submit,
    case_withdraw,
    submission_problems,
)
from kaigong.cases.services.materials import (
    case_material_attach_certificate,
    case_material_upload,
)
from kaigong.catalog.selectors import bundle_list, key_project_limit
from kaigong.core.clock import local_date
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.projects.guide import limit_in_working_days, project_guide
from kaigong.projects.selectors import project_get_for, project_list_visible_to
from kaigong.web.auth_request import AuthenticatedRequest

from .common import (
    T,
    choice_labels,
    field_dictionary,
    form_errors,
    form_rows,
    history_rows,
    joint_condition_rows,
    load_case,
    load_case_to_change,
    material_rows,
)
from .forms import CaseStartForm, MergedForm

# Form fields pre-filled from the enterprise (by dictionary key) when the project has none.
ENTERPRISE_FIELDS = {
    "construction_unit": "name",
    "applicant_name": "name",
    "enterprise_name": "name",
    "construction_unit_uscc": "uscc",
    "applicant_uscc": "uscc",
    "enterprise_uscc": "uscc",
    "legal_representative": "legal_representative",
    "contact_name": "contact_name",
    "contact_phone": "contact_phone",
    "enterprise_address": "address",
}


@login_required
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    cases = case_list_visible_to(request.user).order_by("-created_at", "-id")[:100]
    return render(request, T + "case_list.html", {"cases": cases})


def _project_or_404(request: AuthenticatedRequest, public_id):
    try:
        return project_get_for(request.user, public_id)
    except NotFound:
        raise Http404 from None


@login_required
def case_start(request: AuthenticatedRequest) -> HttpResponse:
    """
    Step 1, from the project and its guide: only the bundles the guide lists for the
    project (its locality and track), the matters its answers select already ticked.
    """
    project_id = request.POST.get("project") or request.GET.get("project")
    if not project_id:
        projects = project_list_visible_to(request.user).order_by("-created_at")[:100]
        return render(request, T + "start.html", {"projects": projects, "step": 1})
    project = _project_or_404(request, project_id)
    guide = project_guide(project)
    codes = [b.code for b in guide.bundles]
    bundles = {b.code: b for b in bundle_list() if b.code in codes}
    chosen = request.POST.get("bundle") or request.GET.get("bundle")
    if chosen not in bundles:
        chosen = next((code for code in codes if code in bundles), None)
    if chosen is None:
        return render(request, T + "start.html", {"project": project, "no_bundle": True, "step": 1})
    bundle = bundles[chosen]
    selected = next(b.matter_codes for b in guide.bundles if b.code == chosen)
    matters = [
        (
            item.matter.code,
            item.matter.name
            + (_("(mandatory)") if item.mandatory and item.matter.code in selected else "")
            + ("" if item.matter.code in selected else _("(not needed by your answers)")),
        )
        for item in bundle.items.all()
    ]
    form = CaseStartForm(
        request.POST or None,
        project=project,
        bundles=[(code, bundles[code].name) for code in codes if code in bundles],
        matters=matters,
        initial={"project": str(project.public_id), "bundle": chosen, "matters": selected},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = case_create_draft(
                actor=request.user,
                project=project,
                bundle_code=form.cleaned_data["bundle"],
                matter_codes=form.cleaned_data["matters"],
            )
        except DomainError as error:
            form_errors(form, error)
        else:
            return redirect("web:case-form", public_id=case.public_id)
    return render(
        request,
        T + "start.html",
        {
            "form": form,
            "project": project,
            "bundle": bundle,
            "guide_bundles": [b for b in guide.bundles if b.code in bundles],
            "chosen": chosen,
            "step": 1,
        },
    )


def _typed(value):
    """A project or enterprise attribute as a form value: never ``"None"``."""
    if value is None or value == "":
        return None
    return value


def _prefill(case, schema: dict, specs: dict) -> dict:
    """Values of the empty fields from the project (dictionary attribute) or the enterprise."""
    values = {}
    for key in schema["properties"]:
        spec = specs.get(key)
        attribute = spec.project_attribute if spec else ""
        value = _typed(getattr(case.project, attribute, None)) if attribute else None
        if value is None and key in ENTERPRISE_FIELDS:
            value = _typed(getattr(case.enterprise, ENTERPRISE_FIELDS[key], None))
        if value is not None:
            values[key] = value
    return values


@login_required
def case_form(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """Step 2: the one merged form of every chosen matter, pre-filled, choices by label."""
    if request.method == "POST":
        case = load_case_to_change(request, public_id)
    else:
        case = load_case(request, public_id)
    schema = case_form_schema(case)
    specs = field_dictionary(schema["properties"])
    initial = {**_prefill(case, schema, specs), **(case.form_data or {})}
    editable = can_edit_case(request.user, case) and case.status in DRAFT_LIKE
    form = MergedForm(
        request.POST or None, schema=schema, choice_labels=choice_labels(specs), initial=initial
    )
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and editable and form.is_valid():
        try:
            case_form_data_set(case=case, actor=request.user, data=form.form_data())
        except DomainError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The form is saved."))
            return redirect("web:case-materials", public_id=case.public_id)
    return render(
        request, T + "form.html", {"case": case, "form": form, "step": 2, "editable": editable}
    )


def _materials_context(request: AuthenticatedRequest, case) -> dict:
    rows = material_rows(case)
    return {
        "case": case,
        "rows": rows,
        "step": 3,
        "editable": can_edit_case(request.user, case, ACT_UPLOAD) and any(r["open"] for r in rows),
        "drafting": case.status in DRAFT_LIKE,
    }


@login_required
def case_materials(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """
    Step 3: the materials as a task list, one upload form per material (a file is sent
    the moment it is chosen and confirmed, never lost by another button). A POST with
    several files (pages without JavaScript of old) uploads each one, reporting each error.
    """
    if request.method == "POST":
        case = load_case_to_change(request, public_id)
        failed = False
        for need in case_material_needs(case):
            upload = request.FILES.get(f"file-{need.code}")
            if upload is None:
                continue
            try:
                case_material_upload(
                    case=case, actor=request.user, material_code=need.code, file=upload
                )
            except DomainError as error:
                failed = True
                messages.error(request, f"{need.name}：{error.message}")
        if not failed:
            messages.success(request, _("The materials are saved."))
        return redirect("web:case-materials", public_id=case.public_id)
    case = load_case(request, public_id)
    return render(request, T + "materials.html", _materials_context(request, case))


def _need_or_404(case, code: str):
    for need in case_material_needs(case):
        if need.code == code:
            return need
    raise Http404


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def case_material_upload_view(request: AuthenticatedRequest, public_id, code: str) -> HttpResponse:
    """Upload the file of one material (from the page's XHR with progress, or a plain form)."""
    case = load_case_to_change(request, public_id)
    need = _need_or_404(case, code)
    back = reverse("web:case-materials", args=[case.public_id]) + f"#m-{need.code}"
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError(_("Choose a file first."), code="file_missing")
        row = case_material_upload(
            case=case, actor=request.user, material_code=need.code, file=upload
        )
    except DomainError as error:
        message = f"{need.name}：{error.message}"
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": message}, status=error.status)
        messages.error(request, message)
        return redirect(back)
    message = _("%(material)s: uploaded %(name)s.") % {
        "material": need.name,
        "name": row.original_name,
    }
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": message, "state": _("Uploaded")})
    messages.success(request, message)
    return redirect(back)


@login_required
@require_POST
def case_material_reuse_view(request: AuthenticatedRequest, public_id, code: str) -> HttpResponse:
    """Use a certificate held in 我的空间 instead of an upload (免提交)."""
    case = load_case_to_change(request, public_id)
    need = _need_or_404(case, code)
    try:
        case_material_attach_certificate(
            case=case,
            actor=request.user,
            material_code=need.code,
            certificate_type_code=request.POST.get("certificate_type", ""),
        )
    except DomainError as error:
        messages.error(request, f"{need.name}：{error.message}")
    else:
        messages.success(
            request, _("%(material)s: the held certificate is used.") % {"material": need.name}
        )
    return redirect(reverse("web:case-materials", args=[case.public_id]) + f"#m-{need.code}")


def _problem_links(case, problems: list[dict]) -> list[dict]:
    form_url = reverse("web:case-form", args=[case.public_id])
    materials_url = reverse("web:case-materials", args=[case.public_id])
    rows = []
    for problem in problems:
        name = str(problem.get("name", ""))
        if name.startswith("materials."):
            link = f"{materials_url}#m-{name.split('.', 1)[1]}"
        else:
            link = f"{form_url}#field-{name}"
        rows.append({"reason": problem.get("reason", ""), "link": link})
    return rows


def _limits(case, on) -> list[dict]:
    """Each matter's promised limit (catalogue) and the day it ends if accepted ``on``."""
    region = region_of(case) or NATIONAL
    rows = []
    for version in case_versions(case):
        days = limit_in_working_days(version.promised_limit, version.promised_limit_unit)
        if case.project.is_key_project:
            days = key_project_limit(days, case.bundle.key_project_factor)
        try:
            ends = due_date(on, days, region_code=region).due_on
        except DomainError:
            ends = None
        rows.append({"name": version.name, "days": days, "ends_on": ends})
    return rows


def _check_context(request: AuthenticatedRequest, case, problems=None) -> dict:
    schema = case_form_schema(case)
    problems = submission_problems(case) if problems is None else problems
    today = local_date()
    return {
        "case": case,
        "step": 4,
        "fields": form_rows(schema, case.form_data or {}),
        "rows": material_rows(case),
        "problems": _problem_links(case, problems),
        "can_submit": can_submit_case(request.user, case) and "submit" in case_actions_for(case),
        "can_resubmit": can_submit_case(request.user, case)
        and "resubmit" in case_actions_for(case),
        "notice_due_on": correction_notice_due_on(today, region_code=region_of(case)),
        "limits": _limits(case, today),
        "bundle_limit": case.bundle.promised_limit,
    }


@login_required
def case_check(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """Step 4: check your answers — the form by label, the materials, what happens next."""
    case = load_case(request, public_id)
    if case.status not in DRAFT_LIKE:
        return redirect("web:case-detail", public_id=case.public_id)
    return render(request, T + "check.html", _check_context(request, case))


def _refused(request: AuthenticatedRequest, case, error: DomainError) -> HttpResponse:
    context = _check_context(request, case, problems=error.invalid_params or None)
    context["refusal"] = str(error.message)
    return render(request, T + "check.html", context, status=error.status)


@login_required
@require_POST
def case_submit_view(request: AuthenticatedRequest, public_id) -> HttpResponse:
    case = load_case_to_change(request, public_id)
    key = request.POST.get("idempotency_key", "")
    try:
        case_submit(case=case, actor=request.user, idempotency_key=key)
    except DomainError as error:
        if case.status not in DRAFT_LIKE:
            messages.error(request, str(error.message))
            return redirect("web:case-detail", public_id=case.public_id)
        return _refused(request, case, error)
    return redirect("web:case-submitted", public_id=case.public_id)


@login_required
@require_POST
def case_resubmit_view(request: AuthenticatedRequest, public_id) -> HttpResponse:
    case = load_case_to_change(request, public_id)
    try:
        case_resubmit(case=case, actor=request.user)
    except DomainError as error:
        if case.status not in DRAFT_LIKE:
            messages.error(request, str(error.message))
            return redirect("web:case-detail", public_id=case.public_id)
        return _refused(request, case, error)
    return redirect("web:case-submitted", public_id=case.public_id)


@login_required
def case_submitted(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """The confirmation: number, receipt, what happens next and its due dates."""
    case = load_case(request, public_id)
    if case.status == CaseStatus.DRAFT or not case.received_at:
        return redirect("web:case-detail", public_id=case.public_id)
    received_on = local_date(case.received_at)
    return render(
        request,
        T + "submitted.html",
        {
            "case": case,
            "step": 5,
            "received_on": received_on,
            "limits": _limits(case, case.correction_notice_due_on or received_on),
            "rows": [r for r in material_rows(case) if r["state"] == "deferrable"],
        },
    )


@login_required
@require_POST
def case_withdraw_view(request: AuthenticatedRequest, public_id) -> HttpResponse:
    case = load_case_to_change(request, public_id)
    reason = request.POST.get("reason", "")[:2000]
    try:
        case_withdraw(case=case, actor=request.user, reason=reason)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The application is withdrawn."))
    return redirect("web:case-detail", public_id=case.public_id)


@login_required
def case_detail(request: AuthenticatedRequest, public_id) -> HttpResponse:
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
    schema = case_form_schema(case)
    materials = material_rows(case)
    events = case_event_list(case)
    return {
        "case": case,
        "items": progress,
        "events": events,  # the raw chain, for pages that need more than the history
        "history": history_rows(case, events),
        "pre_reviews": list(pre_reviews_of_case(case)),
        "fields": form_rows(schema, case.form_data or {}),
        "materials": materials,
        "supply_open": any(r["open"] for r in materials) and case.status not in DRAFT_LIKE,
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
