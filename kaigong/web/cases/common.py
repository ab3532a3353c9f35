"""What the application pages share: loading through visibility, errors onto forms."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from kaigong.cases.applicable import case_current_materials, case_material_needs
from kaigong.cases.constants import (
    CaseAction,
    CaseStatus,
    CommitmentKind,
    CommitmentStatus,
    EventKind,
    ItemAction,
    ItemStatus,
    MaterialSource,
)
from kaigong.cases.exceptions import field_problem_text
from kaigong.cases.selectors import case_event_list, case_get_for, item_get_for
from kaigong.cases.services.drafting import DRAFT_LIKE
from kaigong.cases.services.materials import AFTER_ACCEPTANCE
from kaigong.catalog.models import FieldSpec
from kaigong.catalog.selectors import material_file_kinds
from kaigong.certificates.permissions import can_record_joint_condition, can_view_joint_conditions
from kaigong.certificates.rendering import spec_value_text, value_text
from kaigong.certificates.selectors import joint_conditions_for_project
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.core.exceptions import PermissionDenied as DomainPermissionDenied
from kaigong.projects.hooks import held_certificate_type_codes
from kaigong.web.auth_request import signed_in

from .forms import JointConditionForm

T = "web/cases/"


def load_case(request: HttpRequest, public_id):
    try:
        return case_get_for(request.user, public_id)
    except NotFound:
        raise Http404 from None


def load_case_to_change(request: HttpRequest, public_id):
    """The case of an applicant's write (POST): 404 when not visible, 403 when the user may
    see it but not act for the applicant (a supervisor, a clerk, a reviewer)."""
    from kaigong.cases.permissions import can_edit_case

    case = load_case(request, public_id)
    if not can_edit_case(signed_in(request), case):
        raise DjangoPermissionDenied(_("Only the applicant can change this application."))
    return case


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
    properties = (getattr(form, "schema", None) or {}).get("properties", {})
    for param in error.invalid_params:
        name = str(param.get("name", "")).split(".")[0]
        reason = str(param.get("reason"))
        if name in properties:  # a plain sentence for the field, never a validator's text
            reason = field_problem_text(properties[name], str(param.get("code", "")))
        if name in form.fields:
            form.add_error(name, reason)


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


# --- the application by label (the applicant's pages; others may reuse them) -------------


def field_dictionary(keys) -> dict[str, FieldSpec]:
    """The field-dictionary rows of ``keys`` (labels, choices, units)."""
    return {spec.key: spec for spec in FieldSpec.objects.filter(key__in=list(keys))}


def choice_labels(specs: dict[str, FieldSpec]) -> dict[str, dict[str, str]]:
    """Key → (choice value → label) for the choice fields among ``specs``."""
    return {
        key: {str(c.get("value")): str(c.get("label") or c.get("value")) for c in spec.choices}
        for key, spec in specs.items()
        if spec.choices
    }


def form_rows(schema: dict, data: dict, specs: dict[str, FieldSpec] | None = None) -> list[dict]:
    """
    The form data as a person reads it: one row per schema field, with its label, the
    value rendered by label (``—`` when empty), whether it is required and still empty.
    """
    specs = field_dictionary(schema["properties"]) if specs is None else specs
    required = set(schema.get("required", []))
    rows = []
    for key, prop in schema["properties"].items():
        spec = specs.get(key)
        value = (data or {}).get(key)
        text = (
            spec_value_text(spec, value)
            if spec is not None
            else value_text(
                value, field_type=prop.get("x-field-type", "string"), unit=prop.get("x-unit", "")
            )
        )
        rows.append(
            {
                "key": key,
                "label": prop.get("title") or (spec.label if spec else ""),
                "text": text,
                "required": key in required,
                "missing": key in required and not text,
            }
        )
    return rows


MATERIAL_STATE_LABELS = {
    "uploaded": _("Uploaded"),
    "reused": _("Reused from My space (免提交)"),
    "deferred": _("Deferred (容缺)"),
    "deferrable": _("Missing: may follow under 容缺"),
    "missing": _("Missing"),
    "optional": _("Optional, not handed in"),
}


def material_rows(case, *, needs=None) -> list[dict]:
    """
    Each material of the case with its state (uploaded, reused from 我的空间, deferred under
    a pending 容缺 commitment, missing), formats and size limit, and whether a file may be
    handed in now: before submission (draft, correction) every material; after acceptance
    only those a pending 容缺 commitment defers.
    """
    needs = case_material_needs(case) if needs is None else needs
    have = case_current_materials(case)
    deferred: set[str] = set()
    for commitment in case.commitments.filter(
        kind=CommitmentKind.DEFERRAL, status=CommitmentStatus.PENDING
    ):
        deferred |= set(commitment.material_codes or [])
    held = held_certificate_type_codes(case.enterprise) if case.status in DRAFT_LIKE else set()
    files = material_file_kinds({need.material_id for need in needs})
    rows = []
    for need in needs:
        current = have.get(need.material_id)
        if need.code in deferred and (current is None or not current.after_acceptance):
            state = "deferred"
        elif current is not None and current.source == MaterialSource.CERTIFICATE:
            state = "reused"
        elif current is not None:
            state = "uploaded"
        elif not need.required:
            state = "optional"
        elif need.deferrable or need.commitment_replaces:
            state = "deferrable"
        else:
            state = "missing"
        if case.status in DRAFT_LIKE:
            open_now = True
        else:
            open_now = case.status in AFTER_ACCEPTANCE and state == "deferred"
        rows.append(
            {
                "need": need,
                "current": current,
                "state": state,
                "state_label": MATERIAL_STATE_LABELS[state],
                "formats": "、".join(f.upper() for f in need.formats or [])
                or _("PDF, images, Office documents"),
                "open": open_now,
                "reusable": sorted(need.satisfied_by & held) if open_now and not current else [],
                "files": files.get(need.material_id, []),
            }
        )
    return rows


def _status_label(value, *enums) -> str:
    for enum in enums:
        try:
            return str(enum(value).label)
        except ValueError:
            continue
    return ""


def history_rows(case, events=None) -> list[dict]:
    """
    The case history in plain Chinese: what happened (an upload, a form saved, the status
    changed from … to …), on which matter, by whom. Never a code, a key or "draft → draft".
    """
    events = case_event_list(case) if events is None else events
    names = {n.code: n.name for n in case_material_needs(case)}
    rows = []
    for event in events:
        data = event.data or {}
        action = str(data.get("action", ""))
        kind = str(data.get("kind", ""))
        material = names.get(str(data.get("material", "")), _("a material"))
        if event.kind == EventKind.DRAFT_CREATED:
            text = _("Application opened with %(n)s matter(s)") % {
                "n": len(data.get("matters", []))
            }
        elif EventKind.MATERIAL_UPLOADED in (event.kind, kind):
            text = (
                _("Deferred material supplied: %(m)s")
                if action == CaseAction.SUPPLY
                else _("Material uploaded: %(m)s")
            ) % {"m": material}
        elif EventKind.CERTIFICATE_ATTACHED in (event.kind, kind):
            text = _("Held certificate used instead of an upload (免提交): %(m)s") % {"m": material}
        elif event.kind == EventKind.FORM_DATA_SET or (
            event.kind == EventKind.CASE_TRANSITION and action == CaseAction.EDIT
        ):
            text = str(_("Matters changed") if "matters" in data else _("Application form saved"))
        elif event.kind in (EventKind.CASE_TRANSITION, EventKind.ITEM_TRANSITION):
            enums = (
                (CaseAction, ItemAction)
                if event.kind == EventKind.CASE_TRANSITION
                else (ItemAction,)
            )
            statuses = (CaseStatus,) if event.kind == EventKind.CASE_TRANSITION else (ItemStatus,)
            text = _status_label(action, *enums) or str(event.get_kind_display())
            old, new = data.get("from"), data.get("to")
            if old and new and old != new:
                text = _("%(what)s (from “%(old)s” to “%(new)s”)") % {
                    "what": text,
                    "old": _status_label(old, *statuses),
                    "new": _status_label(new, *statuses),
                }
        else:
            text = str(event.get_kind_display())
        rows.append(
            {
                "at": event.occurred_at,
                "text": text,
                "matter": event.item.matter_version.name if event.item_id else "",
                "actor": event.actor,
                "on_behalf": on_behalf_text(data.get("on_behalf"), action),
            }
        )
    return rows


def on_behalf_text(context, action: str = "") -> str:
    """ "X 代 Y（委托书 M）": who acted for the enterprise, under which mandate."""
    if not isinstance(context, dict):
        return ""
    values = {
        "agent": context.get("agent", ""),
        "enterprise": context.get("enterprise", ""),
        "number": context.get("number", ""),
    }
    if action in (CaseAction.SUBMIT, CaseAction.RESUBMIT):
        return (
            _("submitted by helper %(agent)s on behalf of %(enterprise)s (mandate %(number)s)")
            % values
        )
    return _("by helper %(agent)s on behalf of %(enterprise)s (mandate %(number)s)") % values
