"""
Staff pages: the clerk's window (queue in arrival order; accept, 容缺 / 告知承诺 acceptance,
refusal with reason and legal basis, one correction notice listing everything) and the
departments' workbench (worklist by due date with yellow/red; opinion, decision, pause and
resume, extension, pre-approval); recording a joint-issuance condition (十证联发) from the
case page. Thin: parse, call one service or selector, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_has_role
from kaigong.cases.api.files import material_file_response
from kaigong.cases.applicable import case_form_schema, case_material_needs
from kaigong.cases.deadlines import item_due_dates
from kaigong.cases.exceptions import MaterialNotFound
from kaigong.cases.permissions import can_decide_item, can_handle_at_window, can_review_item
from kaigong.cases.requirements import form_errors as schema_errors
from kaigong.cases.selectors import (
    case_material_get_for,
    case_queue,
    extension_get_for,
    item_actions_for,
    item_pending_extension,
    item_worklist,
    with_pending_extension,
)
from kaigong.cases.services.acceptance import case_accept, case_deferral_due_limits
from kaigong.cases.services.clock import (
    item_extension_approve,
    item_extension_reject,
    item_extension_request,
    item_pause,
    item_resume,
)
from kaigong.cases.services.decision import (
    item_consent_letter_issue,
    item_decide,
    item_pre_approve,
)
from kaigong.cases.services.intake import case_refuse, case_request_correction
from kaigong.cases.services.material_access import material_open
from kaigong.cases.services.materials import missing_materials
from kaigong.cases.services.review import item_opinion_submit
from kaigong.certificates.permissions import can_record_joint_condition
from kaigong.certificates.selectors import joint_issuance_rule_get
from kaigong.certificates.services import joint_issuance_condition_record
from kaigong.core.clock import local_date
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.core.exceptions import PermissionDenied as DomainPermissionDenied
from kaigong.core.keyset import capped_count, keyset_page
from kaigong.inspections.selectors import item_inspection_opinion_text
from kaigong.web.auth_request import AuthenticatedRequest

from .applicant import case_detail_context
from .common import T, form_errors, load_case, load_item
from .display import form_rows, material_rows
from .forms import (
    CommitmentForm,
    ConsentLetterForm,
    CorrectionForm,
    DecideForm,
    ExtendForm,
    ExtensionDecisionForm,
    JointConditionForm,
    OpinionForm,
    PauseForm,
    PreApproveForm,
    RefuseForm,
    WorklistFilterForm,
)


def _read_only(user) -> bool:
    """A supervisor reads the staff pages without any action form (效能监察, read-only)."""
    return user_has_role(user, Role.SUPERVISOR)


@login_required
def window_queue(request: AuthenticatedRequest) -> HttpResponse:
    queue = case_queue(request.user).select_related("project", "enterprise", "bundle")[:200]
    return render(request, T + "window_queue.html", {"queue": queue})


def _known_problems(case, needs, schema) -> dict[tuple[str, str], str]:
    """What the system knows is missing or wrong: required materials not handed in, required
    fields empty (missing) and fields that fail the merged schema (defective)."""
    known = {("material", n.code): "missing" for n in missing_materials(case, needs=needs)}
    for error in schema_errors(schema, case.form_data or {}, partial=False):
        name = str(error.get("name", "")).split(".")[0]
        if name in schema["properties"]:
            problem = "missing" if error.get("code") == "required" else "defective"
            known.setdefault(("field", name), problem)
    return known


def _window_forms(case, data=None, which: str = ""):
    needs = case_material_needs(case)
    schema = case_form_schema(case)
    fields = [(k, p.get("title", k)) for k, p in schema["properties"].items()]
    submitted = case.status == "submitted"
    return {
        "refuse": RefuseForm(data if which == "refuse" else None, prefix="refuse"),
        "correction": CorrectionForm(
            data if which == "correction" else None,
            materials=needs,
            fields=fields,
            known=_known_problems(case, needs, schema) if submitted else None,
            prefix="correction",
        ),
        "commitment": CommitmentForm(
            data if which == "commitment" else None,
            materials=[n for n in needs if n.deferrable or n.commitment_replaces],
            latest_due_on=case_deferral_due_limits(case) if submitted else None,
            prefix="commitment",
        ),
    }


@login_required
def window_case(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """The clerk checks a submission once and decides: accept, 容缺/告知承诺, refuse, correct."""
    case = load_case(request, public_id)
    if request.method == "POST" and not can_handle_at_window(request.user, case):
        raise DjangoPermissionDenied(_("Only a window clerk of this centre can act here."))
    which = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _window_forms(case, request.POST or None, which)
    if which:
        done = _window_decide(request, case, which, forms)
        if done:
            return redirect("web:case-detail", public_id=case.public_id)
    return render(
        request,
        T + "window_case.html",
        {
            "case": case,
            "rows": material_rows(request.user, case, case_material_needs(case)),
            "forms": forms,
            "windows": _centre_windows(case),
            "allowed": can_handle_at_window(request.user, case),
            "read_only": _read_only(request.user),
            "form_rows": form_rows(case),
        },
    )


@login_required
def material_file(request: AuthenticatedRequest, public_id, material_id) -> FileResponse:
    """
    One submitted file, through the permission check: PDF and images open in the browser,
    other formats download (``?download=1`` downloads any). Each opening is audited.
    404: the case or the material is not visible to the user.
    """
    case = load_case(request, public_id)
    try:
        material = case_material_get_for(request.user, case, material_id)
        opened = material_open(
            material=material, actor=request.user, download=request.GET.get("download") == "1"
        )
    except (MaterialNotFound, DomainPermissionDenied):
        raise Http404 from None
    return material_file_response(opened)


def _centre_windows(case) -> list:
    """The comprehensive windows of the case's centre (the accepting window is one of them)."""
    return list(case.service_center.windows.all()) if case.service_center_id else []


def _chosen_window(request, case):
    chosen = request.POST.get("window", "")
    return next((w for w in _centre_windows(case) if str(w.public_id) == chosen), None)


def _window_decide(request, case, which: str, forms) -> bool:
    """Run the clerk's chosen decision; errors go onto its form (or the accept box)."""
    form = forms.get(which) or forms["refuse"]
    if which != "accept" and not form.is_valid():
        return False
    try:
        if which == "accept":
            case_accept(case=case, actor=request.user, window=_chosen_window(request, case))
            messages.success(request, _("Accepted: every department reviews in parallel now."))
        elif which == "commitment":
            kind = form.cleaned_data["kind"]
            case_accept(case=case, actor=request.user, **{kind: form.commitment()})
            messages.success(request, _("Accepted on the signed commitment."))
        elif which == "refuse":
            case_refuse(case=case, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Refused; the applicant is told the reasons and rights."))
        elif which == "correction":
            case_request_correction(
                case=case, actor=request.user, items=form.items(), note=form.cleaned_data["note"]
            )
            messages.success(request, _("The one-time correction notice is sent."))
    except DomainError as error:
        if which == "accept":
            messages.error(request, str(error.message))
            return False
        form_errors(form, error)
        return False
    return True


WORKBENCH_PAGE_SIZE = 50


@login_required
def workbench(request: AuthenticatedRequest) -> HttpResponse:
    """The department's worklist ordered by due date; htmx swaps the table on filter."""
    form = WorklistFilterForm(request.GET or None)
    warning = form.cleaned_data.get("warning") if form.is_valid() else None
    worklist = with_pending_extension(item_worklist(request.user, warning=warning or None))
    try:
        page = keyset_page(
            worklist,
            field="promised_due_on",
            cursor=request.GET.get("cursor"),
            size=WORKBENCH_PAGE_SIZE,
        )
    except DomainError as error:  # an altered page link: start again from the first page
        messages.error(request, str(error.message))
        page = keyset_page(worklist, field="promised_due_on", cursor=None, size=WORKBENCH_PAGE_SIZE)
    count, capped = capped_count(worklist)
    context = {
        "items": page.rows,
        "page": page,
        "count": count,
        "count_capped": capped,
        "warning": warning or "",
        "form": form,
        "today": local_date(),
    }
    template = "_worklist.html" if request.htmx else "workbench.html"
    return render(request, T + template, context)


ITEM_FORMS = {
    "opinion": OpinionForm,
    "decide": DecideForm,
    "pause": PauseForm,
    "extend": ExtendForm,
    "pre_approve": PreApproveForm,
    "extension_decision": ExtensionDecisionForm,
    "consent_letter": ConsentLetterForm,
}


def _item_forms(request, item, which: str) -> dict:
    forms = {}
    for name, cls in ITEM_FORMS.items():
        kwargs = {"prefix": name}
        if name == "opinion":
            kwargs["pre_approval_allowed"] = item.matter_version.pre_approval_allowed
        forms[name] = cls(request.POST if name == which else None, **kwargs)
    return forms


def _case_departments(item) -> list[dict]:
    """Every item of the item's case — department, status, reviewer, opinions, extensions —
    so parallel reviewers see each other (read-only)."""
    siblings = (
        item.case.items.select_related("department", "matter_version", "reviewer", "approver")
        .prefetch_related("opinions__author", "extensions")
        .order_by("order", "id")
    )
    return [{"item": sibling, "is_this": sibling.pk == item.pk} for sibling in siblings]


@login_required
def item_page(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """
    One item: the form data and materials of its case (each opening inline), the plan,
    its clocks explained, every department's opinion and status on the same case, and the
    forms its status and role allow.
    """
    item = load_item(request, public_id)
    if request.method == "POST" and _read_only(request.user):
        raise DjangoPermissionDenied(_("Supervision view: read-only, no action can be taken here."))
    which = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _item_forms(request, item, which)
    if which == "resume" or (which in forms and forms[which].is_valid()):
        try:
            _item_action(request, item, which, forms.get(which))
        except DomainError as error:
            if which in forms:
                form_errors(forms[which], error)
            else:
                messages.error(request, str(error.message))
        else:
            return redirect("web:item-page", public_id=item.public_id)
    today = local_date()
    case = item.case
    item_needs = {r.material_id for r in item.matter_version.requirements.all()}
    if not forms["opinion"].is_bound:  # the inspection's conclusion feeds the opinion
        forms["opinion"].initial["text"] = item_inspection_opinion_text(item)
    pending = item_pending_extension(item)
    if pending is not None and not forms["extension_decision"].is_bound:
        forms["extension_decision"].initial = {"extension": pending.public_id}
    return render(
        request,
        T + "item.html",
        {
            "item": item,
            "case": case,
            "forms": forms,
            "actions": item_actions_for(item),
            "clock": item_due_dates(item, on=today) if item.clock_started_on else None,
            "may_review": can_review_item(request.user, item),
            "may_decide": can_decide_item(request.user, item),
            "read_only": _read_only(request.user),
            "pending_extension": pending,
            "extensions": item.extensions.select_related(
                "requested_by", "approved_by", "rejected_by"
            ),
            "may_request_extension": not item.extensions.filter(rejected_at__isnull=True).exists(),
            "form_rows": form_rows(case),
            "materials": material_rows(
                request.user,
                case,
                [n for n in case_material_needs(case) if n.material_id in item_needs],
            ),
            "plan": (case.plan_snapshot or {})
            .get("matters", {})
            .get(item.matter_version.matter.code),
            "departments": _case_departments(item),
        },
    )


def _item_action(request, item, which: str, form) -> None:
    data = form.cleaned_data if form is not None else {}
    if which == "opinion":
        item_opinion_submit(item=item, actor=request.user, **data)
    elif which == "decide":
        item_decide(item=item, actor=request.user, **data)
    elif which == "pause":
        item_pause(item=item, actor=request.user, **data)
    elif which == "resume":
        item_resume(item=item, actor=request.user)
    elif which == "extend":
        item_extension_request(item=item, actor=request.user, **data)
    elif which == "extension_decision":
        extension = _extension_of(item, data["extension"])
        if data["verdict"] == "approve":
            item_extension_approve(extension=extension, actor=request.user, reason=data["reason"])
            messages.success(request, _("The extension is granted; the applicant is told."))
        else:
            item_extension_reject(extension=extension, actor=request.user, reason=data["reason"])
            messages.success(request, _("The extension is refused; the reviewer sees why."))
        return
    elif which == "pre_approve":
        item_pre_approve(item=item, actor=request.user, **data)
    elif which == "consent_letter":
        item_consent_letter_issue(item=item, actor=request.user, **data)
        messages.success(request, _("The consent letter is issued."))
        return
    messages.success(request, _("Done."))


def _extension_of(item, public_id):
    try:
        return extension_get_for(item, public_id)
    except NotFound:
        raise Http404 from None


@login_required
@require_POST
def joint_condition_record(request: AuthenticatedRequest, public_id, rule_id) -> HttpResponse:
    """
    Record that a joint-issuance condition of the case's bundle is met for its project; the
    certificates it held are released in one event. 404: case not visible or rule not of its
    bundle; 403: the user may not record it; other errors stay on the case page.
    """
    case = load_case(request, public_id)
    try:
        rule = joint_issuance_rule_get(case.bundle, rule_id)
    except NotFound:
        raise Http404 from None
    if not can_record_joint_condition(request.user, rule):
        raise DjangoPermissionDenied
    form = JointConditionForm(request.POST, auto_id=f"id_{rule.public_id}_%s")
    if form.is_valid():
        try:
            joint_issuance_condition_record(
                rule=rule,
                project_id=case.project_id,
                evidence=form.cleaned_data["evidence"],
                evidence_reference=form.cleaned_data["evidence_reference"],
                actor=request.user,
            )
        except DomainPermissionDenied as error:
            raise DjangoPermissionDenied(str(error.message)) from None
        except DomainError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The condition “%(condition)s” is recorded; the certificates it held are released."
                )
                % {"condition": rule.condition_name},
            )
            return redirect("web:case-detail", public_id=case.public_id)
    context = case_detail_context(request, case, joint_bound=(rule, form))
    return render(request, T + "detail.html", context)
