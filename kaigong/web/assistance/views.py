"""
Pages of the assistance app (serving the enterprise): the helper's workbench, a project's
helpers and policies, mandates, consultations, policies and sessions, suggestions and
pre-reviews. Thin: parse a form, call one service, render; a DomainError shows as the
error page with its status (403/404/409) or on the form (400).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_department_ids, user_enterprise_ids, user_has_role
from kaigong.assistance import selectors as sel
from kaigong.assistance import services
from kaigong.assistance.constants import PolicyKind
from kaigong.cases.applicable import case_form_schema, case_material_needs
from kaigong.cases.selectors import case_get_for
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.projects.selectors import project_get_for
from kaigong.web.auth_request import signed_in
from kaigong.web.forms import domain_error_to_form

from . import forms as f

T = "web/assistance/"


def _error(request, error: DomainError) -> HttpResponse:
    return render(request, "web/enterprise/error.html", {"error": error}, status=error.status)


def _found(getter, *args):
    try:
        return getter(*args)
    except NotFound:
        raise Http404 from None


def _submit(request, form, call, success):
    """Run ``call(form.cleaned_data)``; a 400 goes on the form, other errors to the page."""
    if not form.is_valid():
        return None
    try:
        call(form.cleaned_data)
    except DomainError as error:
        if error.status == 400:
            domain_error_to_form(form, error)
            return None
        return _error(request, error)
    return redirect(success)


def _enterprise(user):
    ids = sorted(user_enterprise_ids(user))
    if not ids:
        return None
    from kaigong.accounts.models import Enterprise

    return Enterprise.objects.get(pk=ids[0])


# --- the helper's workbench ------------------------------------------------------------


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The helper's projects, what waits on the enterprise / the government, next steps."""
    if not user_has_role(signed_in(request), Role.HELPER):
        return render(request, "web/enterprise/forbidden.html", status=403)
    return render(request, T + "workbench.html", {"rows": sel.helper_workbench(signed_in(request))})


# --- a project's helpers, 专班, 提前介入 and policies ----------------------------------------


@login_required
def project_page(request: HttpRequest, public_id) -> HttpResponse:
    project = _found(project_get_for, signed_in(request), public_id)
    clerk = sel.is_clerk_for_project(signed_in(request), project)
    helpers = sel.centre_helpers(signed_in(request)) if clerk else []
    departments = sel.departments_for_region(project.region_code) if clerk else []
    assign = f.AssignForm(helpers=helpers, prefix="assign")
    hand = f.HandOverForm(helpers=helpers, prefix="hand")
    early = f.EarlyInterventionForm(departments=departments, prefix="early")
    here = request.path
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "assign":
            assign = f.AssignForm(request.POST, helpers=helpers, prefix="assign")
            done = _submit(
                request,
                assign,
                lambda d: services.assignment_create(
                    actor=signed_in(request),
                    project=project,
                    helper=sel.helper_by_public_id(d["helper"]),
                    level=d["level"],
                    role=d["role"],
                    note=d["note"],
                ),
                here,
            )
        elif op == "hand_over":
            hand = f.HandOverForm(request.POST, helpers=helpers, prefix="hand")
            done = _submit(
                request,
                hand,
                lambda d: services.assignment_hand_over(
                    actor=signed_in(request),
                    assignment=sel.assignment_get_for(signed_in(request), d["assignment"]),
                    to_helper=sel.helper_by_public_id(d["to_helper"], "to_helper"),
                    note=d["note"],
                ),
                here,
            )
        elif op == "early":
            early = f.EarlyInterventionForm(request.POST, departments=departments, prefix="early")
            done = _submit(
                request,
                early,
                lambda d: services.early_intervention_assign(
                    actor=signed_in(request),
                    project=project,
                    department=sel.department_by_code(d["department"]),
                    note=d["note"],
                ),
                here,
            )
        else:
            done = None
        if done is not None:
            return done
    read = sel.policy_read_ids(signed_in(request))
    policies = [{"policy": p, "read": p.pk in read} for p in sel.policy_list_for_project(project)]
    context = {
        "project": project,
        "history": sel.assignment_history(project),
        "early": sel.early_intervention_list(project),
        "policies": policies,
        "mandates": sel.mandate_list_visible_to(signed_in(request)).filter(projects=project),
        "questions": sel.question_list_visible_to(signed_in(request)).filter(project=project),
        "clerk": clerk,
        "assign_form": assign,
        "hand_form": hand,
        "early_form": early,
    }
    return render(request, T + "project.html", context)


# --- mandates --------------------------------------------------------------------------


@login_required
def mandate_list(request: HttpRequest) -> HttpResponse:
    projects = list(sel.enterprise_projects_with_helpers(signed_in(request)))
    form = f.MandateForm(projects=projects) if projects else None
    if request.method == "POST":
        form = f.MandateForm(request.POST, projects=projects)

        granted: dict[str, Any] = {}

        def grant(d):
            project = project_get_for(signed_in(request), d["project"])
            mandate = services.mandate_grant(
                actor=signed_in(request),
                enterprise=project.enterprise,
                agent=sel.helper_by_public_id(d["agent"], "agent"),
                projects=[project],
                actions=d["actions"],
                valid_until=d["valid_until"],
            )
            granted["mandate"] = mandate

        done = _submit(request, form, grant, request.path)
        if done is not None:
            if granted.get("mandate") is not None:
                return redirect("web:assistance-mandate", public_id=granted["mandate"].public_id)
            return done
    rows = [
        {"mandate": m, "status": sel.mandate_status(m)}
        for m in sel.mandate_list_visible_to(signed_in(request)).prefetch_related("projects")
    ]
    return render(request, T + "mandates.html", {"rows": rows, "form": form})


@login_required
def mandate_detail(request: HttpRequest, public_id) -> HttpResponse:
    mandate = _found(sel.mandate_get_for, signed_in(request), public_id)
    form = f.RevokeForm()
    if request.method == "POST":
        form = f.RevokeForm(request.POST)
        done = _submit(
            request,
            form,
            lambda d: services.mandate_revoke(
                actor=signed_in(request), mandate=mandate, reason=d["reason"]
            ),
            request.path,
        )
        if done is not None:
            return done
    context = {
        "mandate": mandate,
        "status": sel.mandate_status(mandate),
        "verified": services.mandate_verify(mandate),
        "can_revoke": mandate.revoked_at is None
        and mandate.enterprise_id in user_enterprise_ids(signed_in(request)),
        "form": form,
    }
    return render(request, T + "mandate.html", context)


# --- consultations ---------------------------------------------------------------------


@login_required
def question_list(request: HttpRequest) -> HttpResponse:
    projects = list(sel.askable_projects(signed_in(request)))
    departments = sel.departments_for_region(projects[0].region_code) if projects else []
    form = f.QuestionForm(projects=projects, departments=departments) if projects else None
    if request.method == "POST" and projects:
        form = f.QuestionForm(request.POST, projects=projects, departments=departments)
        done = _submit(
            request,
            form,
            lambda d: services.question_ask(
                actor=signed_in(request),
                project=project_get_for(signed_in(request), d["project"]),
                department=sel.department_by_code(d["department"]),
                matter=sel.matter_by_code(d["matter"]),
                text=d["text"],
            ),
            request.path,
        )
        if done is not None:
            return done
    rows = sel.question_list_visible_to(signed_in(request))
    return render(request, T + "questions.html", {"rows": rows, "form": form})


@login_required
def question_detail(request: HttpRequest, public_id) -> HttpResponse:
    question = _found(sel.question_get_for, signed_in(request), public_id)
    answer, publish = f.AnswerForm(), f.PublishForm()
    if request.method == "POST":
        if request.POST.get("op") == "publish":
            publish = f.PublishForm(request.POST)
            done = _submit(
                request,
                publish,
                lambda d: services.question_publish(
                    actor=signed_in(request),
                    question=question,
                    faq_question=d["faq_question"],
                    faq_answer=d["faq_answer"],
                ),
                request.path,
            )
        else:
            answer = f.AnswerForm(request.POST)
            done = _submit(
                request,
                answer,
                lambda d: services.question_answer(
                    actor=signed_in(request), question=question, answer=d["answer"]
                ),
                request.path,
            )
        if done is not None:
            return done
    expert = signed_in(request).pk == question.expert_id or user_has_role(
        signed_in(request), Role.DEPARTMENT_HEAD, Role.EXPERT
    )
    context = {
        "question": question,
        "is_expert": expert,
        "answer_form": answer,
        "publish_form": publish,
    }
    return render(request, T + "question.html", context)


# --- policies and sessions -------------------------------------------------------------


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    head = user_has_role(signed_in(request), Role.DEPARTMENT_HEAD)
    form = f.PolicyForm() if head else None
    if request.method == "POST" and head:
        form = f.PolicyForm(request.POST)
        done = _submit(
            request,
            form,
            lambda d: services.policy_publish(actor=signed_in(request), **d),
            request.path,
        )
        if done is not None:
            return done
    read = sel.policy_read_ids(signed_in(request))
    rows = [
        {"policy": p, "read": p.pk in read} for p in sel.policy_list_visible_to(signed_in(request))
    ]
    return render(request, T + "policies.html", {"rows": rows, "form": form})


@login_required
def policy_detail(request: HttpRequest, public_id) -> HttpResponse:
    policy = _found(sel.policy_get_for, signed_in(request), public_id)
    enterprise = _enterprise(signed_in(request))
    signup_form = f.SignUpForm()
    if request.method == "POST":
        op = request.POST.get("op")
        form: forms.Form
        call: Callable[[Any], object]
        if op == "read":
            form = f.ReadForm(request.POST)
            call = lambda d: services.policy_mark_read(  # noqa: E731
                actor=signed_in(request), policy=policy, enterprise=enterprise
            )
        elif op == "sign_up":
            form = signup_form = f.SignUpForm(request.POST)
            call = lambda d: services.session_sign_up(  # noqa: E731
                actor=signed_in(request),
                policy=policy,
                enterprise=enterprise,
                attendee=d["attendee"],
            )
        else:
            form = f.AttendanceForm(request.POST)
            call = lambda d: services.session_attendance_record(  # noqa: E731
                actor=signed_in(request),
                signup=sel.signup_get_for(signed_in(request), d["signup"]),
                attended=d["attended"],
            )
        done = _submit(request, form, call, request.path)
        if done is not None:
            return done
    own = policy.department_id in user_department_ids(
        signed_in(request), sel.STAFF_DEPARTMENT_ROLES
    )
    context = {
        "policy": policy,
        "enterprise": enterprise,
        "read": policy.pk in sel.policy_read_ids(signed_in(request)),
        "signed_up": enterprise is not None
        and policy.signups.filter(enterprise=enterprise).exists(),
        "is_session": policy.kind == PolicyKind.SESSION,
        "own": own,
        "receipts": sel.policy_receipts(policy) if own else [],
        "signups": sel.session_signups(policy) if own else [],
        "signup_form": signup_form,
    }
    return render(request, T + "policy.html", context)


# --- suggestions -----------------------------------------------------------------------


@login_required
def suggestion_list(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise(signed_in(request))
    departments = sel.departments_of_staff(signed_in(request))
    if not departments and enterprise is not None:
        project = sel.askable_projects(signed_in(request)).first()
        departments = sel.departments_for_region(project.region_code) if project else []
    form = f.SuggestionForm(departments=departments) if departments else None
    if request.method == "POST" and departments:
        form = f.SuggestionForm(request.POST, departments=departments)
        done = _submit(
            request,
            form,
            lambda d: services.suggestion_record(
                actor=signed_in(request),
                source=d["source"],
                text=d["text"],
                owner=sel.department_by_code(d["owner"]),
                deadline=d["deadline"],
                enterprise=enterprise,
            ),
            request.path,
        )
        if done is not None:
            return done
    rows = sel.suggestion_list_visible_to(signed_in(request))
    return render(request, T + "suggestions.html", {"rows": rows, "form": form})


@login_required
def suggestion_detail(request: HttpRequest, public_id) -> HttpResponse:
    suggestion = _found(sel.suggestion_get_for, signed_in(request), public_id)
    form = f.SuggestionCloseForm()
    if request.method == "POST":
        form = f.SuggestionCloseForm(request.POST)
        done = _submit(
            request,
            form,
            lambda d: services.suggestion_close(
                actor=signed_in(request),
                suggestion=suggestion,
                status=d["status"],
                result=d["result"],
            ),
            request.path,
        )
        if done is not None:
            return done
    can_close = suggestion.status == "open" and user_has_role(
        signed_in(request), Role.DEPARTMENT_HEAD
    )
    return render(
        request,
        T + "suggestion.html",
        {"suggestion": suggestion, "form": form, "can_close": can_close},
    )


# --- pre-reviews -----------------------------------------------------------------------


@login_required
def pre_review_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = f.PreReviewRequestForm(request.POST)
        if form.is_valid():
            try:
                case = case_get_for(signed_in(request), form.cleaned_data["case"])
                review = services.pre_review_request(
                    actor=signed_in(request), case=case, note=form.cleaned_data["note"]
                )
            except NotFound:
                raise Http404 from None
            except DomainError as error:
                return _error(request, error)
            return redirect("web:assistance-pre-review", public_id=review.public_id)
    rows = sel.pre_review_list_visible_to(signed_in(request))
    return render(request, T + "pre_reviews.html", {"rows": rows})


@login_required
def pre_review_detail(request: HttpRequest, public_id) -> HttpResponse:
    review = _found(sel.pre_review_get_for, signed_in(request), public_id)
    form = f.AnnotateForm()
    if request.method == "POST":
        form = f.AnnotateForm(request.POST)
        done = _submit(
            request,
            form,
            lambda d: services.pre_review_annotate(
                actor=signed_in(request),
                pre_review=review,
                notes=[{"target": d["target"], "code": d["code"], "text": d["text"]}],
            ),
            request.path,
        )
        if done is not None:
            return done
    case = review.case
    schema = case_form_schema(case)
    fields = [
        {"code": k, "label": v.get("title", k), "value": (case.form_data or {}).get(k, "")}
        for k, v in (schema.get("properties") or {}).items()
    ]
    context = {
        "review": review,
        "case": case,
        "fields": fields,
        "materials": case_material_needs(case),
        "notes": review.notes.select_related("author"),
        "can_annotate": sel.is_staff_for_project(signed_in(request), case.project),
        "form": form,
    }
    return render(request, T + "pre_review.html", context)
