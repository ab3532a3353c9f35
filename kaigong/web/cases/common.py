"""What the application pages share: loading through visibility, errors onto forms."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest

from kaigong.cases.selectors import case_get_for, item_get_for
from kaigong.certificates.permissions import can_record_joint_condition, can_view_joint_conditions
from kaigong.certificates.selectors import joint_conditions_for_project
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.core.exceptions import PermissionDenied as DomainPermissionDenied

from .forms import JointConditionForm

T = "web/cases/"


def load_case(request: HttpRequest, public_id):
    try:
        return case_get_for(request.user, public_id)
    except NotFound:
        raise Http404 from None


def load_item(request: HttpRequest, public_id):
    try:
        return item_get_for(request.user, public_id)
    except NotFound:
        raise Http404 from None


def form_errors(form, error: DomainError) -> None:
    """Put a service's error on the form: on the fields it names, and always on top."""
    if isinstance(error, DomainPermissionDenied) and form is None:
        raise DjangoPermissionDenied(str(error.message))
    form.add_error(None, str(error.message))
    for param in error.invalid_params:
        name = str(param.get("name", "")).split(".")[0]
        if name in form.fields:
            form.add_error(name, str(param.get("reason")))


def joint_condition_rows(user, case, *, bound=None) -> list[dict] | None:
    """
    The 联合发证条件 section: each rule of the case's bundle with its state for the project,
    and a form where ``user`` may record it (and it is not met) or where ``bound`` — a
    ``(rule, form)`` pair just posted — carries errors. None: not shown to this user.
    """
    if not can_view_joint_conditions(user):
        return None
    rows = []
    for state in joint_conditions_for_project(case.project, case.bundle):
        form = None
        if bound is not None and bound[0].pk == state.rule.pk:
            form = bound[1]
        elif not state.met and can_record_joint_condition(user, state.rule):
            form = JointConditionForm(auto_id=f"id_{state.rule.public_id}_%s")
        rows.append({"state": state, "form": form})
    return rows
