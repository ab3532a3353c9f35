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
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaigong.cases.applicable import case_current_materials, case_form_schema, case_material_needs
from kaigong.cases.deadlines import item_due_dates
from kaigong.cases.permissions import can_decide_item, can_handle_at_window, can_review_item
from kaigong.cases.selectors import (
    case_queue,
    extension_get_for,
    item_actions_for,
    item_pending_extension,
    item_worklist,
)
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.clock import (
    item_extension_approve,
    item_extension_request,
    item_pause,
    item_resume,
)
from kaigong.cases.services.decision import item_decide, item_pre_approve
from kaigong.cases.services.intake import case_refuse, case_request_correction
from kaigong.cases.services.review import item_opinion_submit
from kaigong.certificates.permissions import can_record_joint_condition
from kaigong.certificates.selectors import joint_issuance_rule_get
from kaigong.certificates.services import joint_issuance_condition_record
from kaigong.core.clock import local_date
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.core.exceptions import PermissionDenied as DomainPermissionDenied

from .applicant import case_detail_context
from .common import T, form_errors, load_case, load_item
from .forms import (
    CommitmentForm,
    CorrectionForm,
    DecideForm,
    ExtendForm,
    JointConditionForm,
    OpinionForm,
    PauseForm,
    PreApproveForm,
    RefuseForm,
    WorklistFilterForm,
)


@login_required
def window_queue(request: HttpRequest) -> HttpResponse:
    queue = case_queue(request.user).select_related("project", "enterprise", "bundle")[:200]
    return render(request, T + "window_queue.html", {"queue": queue})


def _window_forms(case, data=None, which: str = ""):
    needs = case_material_needs(case)
    fields = [(k, p.get("title", k)) for k, p in case_form_schema(case)["properties"].items()]
    return {
        "refuse": RefuseForm(data if which == "refuse" else None, prefix="refuse"),
        "correction": CorrectionForm(
            data if which == "correction" else None,
            materials=needs,
            fields=fields,
            prefix="correction",
        ),
        "commitment": CommitmentForm(
            data if which == "commitment" else None,
            materials=[n for n in needs if n.deferrable or n.commitment_replaces],
            prefix="commitment",
        ),
    }


@login_required
def window_case(request: HttpRequest, public_id) -> HttpResponse:
    """The clerk checks a submission once and decides: accept, 容缺/告知承诺, refuse, correct."""
    case = load_case(request, public_id)
    which = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _window_forms(case, request.POST or None, which)
    if which:
        done = _window_decide(request, case, which, forms)
        if done:
            return redirect("web:case-detail", public_id=case.public_id)
    have = case_current_materials(case)
    rows = [{"need": n, "current": have.get(n.material_id)} for n in case_material_needs(case)]
    return render(
        request,
        T + "window_case.html",
        {
            "case": case,
            "rows": rows,
            "forms": forms,
            "allowed": can_handle_at_window(request.user, case),
            "form_rows": [
                (prop.get("title", key), (case.form_data or {}).get(key))
                for key, prop in case_form_schema(case)["properties"].items()
            ],
        },
    )


def _window_decide(request, case, which: str, forms) -> bool:
    """Run the clerk's chosen decision; errors go onto its form (or the accept box)."""
    form = forms.get(which) or forms["refuse"]
    if which != "accept" and not form.is_valid():
        return False
    try:
        if which == "accept":
            case_accept(case=case, actor=request.user)
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


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The department's worklist ordered by due date; htmx swaps the table on filter."""
    form = WorklistFilterForm(request.GET or None)
    warning = form.cleaned_data.get("warning") if form.is_valid() else None
    items = item_worklist(request.user, warning=warning or None)[:200]
    context = {"items": items, "form": form, "today": local_date()}
    template = "_worklist.html" if request.htmx else "workbench.html"
    return render(request, T + template, context)


ITEM_FORMS = {
    "opinion": OpinionForm,
    "decide": DecideForm,
    "pause": PauseForm,
    "extend": ExtendForm,
    "pre_approve": PreApproveForm,
}


@login_required
def item_page(request: HttpRequest, public_id) -> HttpResponse:
    """One item: its clocks explained, opinions, and the forms its status and role allow."""
    item = load_item(request, public_id)
    which = request.POST.get("action", "") if request.method == "POST" else ""
    forms = {
        name: cls(request.POST if name == which else None, prefix=name)
        for name, cls in ITEM_FORMS.items()
    }
    if which in ("resume", "approve_extension") or (which in forms and forms[which].is_valid()):
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
    return render(
        request,
        T + "item.html",
        {
            "item": item,
            "forms": forms,
            "actions": item_actions_for(item),
            "clock": item_due_dates(item, on=today) if item.clock_started_on else None,
            "may_review": can_review_item(request.user, item),
            "may_decide": can_decide_item(request.user, item),
            "pending_extension": item_pending_extension(item),
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
    elif which == "approve_extension":
        item_extension_approve(extension=extension_get_for(item), actor=request.user)
    elif which == "pre_approve":
        item_pre_approve(item=item, actor=request.user, **data)
    messages.success(request, _("Done."))


@login_required
@require_POST
def joint_condition_record(request: HttpRequest, public_id, rule_id) -> HttpResponse:
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
