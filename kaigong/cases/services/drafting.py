"""
The applicant prepares an application: choose a bundle and its optional matters, fill the
one merged form. (Materials: services/materials.py; submission: services/intake.py.)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kaigong.cases.applicable import case_form_schema, case_versions
from kaigong.cases.constants import CaseAction, CaseStatus, ErrorCode, EventKind
from kaigong.cases.exceptions import PreconditionFailed, StaleVersion
from kaigong.cases.models import Case
from kaigong.cases.permissions import ensure_can_edit_case
from kaigong.cases.requirements import form_errors
from kaigong.cases.services._idempotency import check_key, idempotency_claim, idempotent_replay
from kaigong.cases.services._transition import _case_transition, case_lock
from kaigong.cases.services.events import case_event_record
from kaigong.cases.workflow import case_next_status
from kaigong.catalog.applicability import ItemSnap, effective_answers, item_applies
from kaigong.catalog.models import Bundle, Matter
from kaigong.catalog.selectors import (
    bundle_get_by_code,
    matter_versions_in_force,
    question_snapshots,
)
from kaigong.core.clock import local_date
from kaigong.core.exceptions import InvalidInput
from kaigong.projects.models import Project
from kaigong.projects.selectors import project_facts


class _Replayed(Exception):
    def __init__(self, case: Case) -> None:
        self.case = case


def _chosen_matters(bundle: Bundle, project: Project, matter_codes: Iterable[str]) -> list[Matter]:
    """
    The bundle's mandatory matters whose situation applies, plus the optional ones chosen.

    Errors: ``matter_not_in_bundle``, ``matter_not_in_force``, ``no_matters`` (400).
    """
    codes = list(dict.fromkeys(matter_codes or ()))
    items = {item.matter.code: item for item in bundle.items.all()}
    unknown = [code for code in codes if code not in items]
    if unknown:
        raise InvalidInput(
            _("These matters are not part of the bundle: %(codes)s")
            % {"codes": "、".join(unknown)},
            code=ErrorCode.MATTER_NOT_IN_BUNDLE,
            invalid_params=[
                {"name": "matters", "code": ErrorCode.MATTER_NOT_IN_BUNDLE, "reason": code}
                for code in unknown
            ],
        )
    facts = project_facts(project)
    # the one applicability engine decides, as in the guide (answers still asked only)
    answers = effective_answers(question_snapshots(), dict(project.answers or {}), facts)
    chosen = []
    for code, item in items.items():
        applies = item_applies(
            ItemSnap(matter_id=item.matter_id, condition=item.condition or {}), answers, facts
        )
        if (item.mandatory and applies) or code in codes:
            chosen.append(item.matter)
    if not chosen:
        raise InvalidInput(
            _("Choose at least one matter of the bundle."),
            code=ErrorCode.NO_MATTERS,
            invalid_params=[{"name": "matters", "code": ErrorCode.NO_MATTERS, "reason": ""}],
        )
    in_force = matter_versions_in_force(on=local_date(), matter_ids=[m.pk for m in chosen])
    missing = [m.code for m in chosen if m.pk not in in_force]
    if missing:
        raise InvalidInput(
            _("These matters are not in the catalogue in force: %(codes)s")
            % {"codes": "、".join(m.name for m in chosen if m.pk not in in_force)},
            code=ErrorCode.MATTER_NOT_IN_FORCE,
            invalid_params=[
                {"name": "matters", "code": ErrorCode.MATTER_NOT_IN_FORCE, "reason": code}
                for code in missing
            ],
        )
    return chosen


def case_create_draft(
    *,
    actor: Any,
    project: Project,
    bundle_code: str,
    matter_codes: Iterable[str] = (),
    idempotency_key: str = "",
    fingerprint: str = "",
) -> Case:
    """
    Open a draft application of ``project`` for the bundle ``bundle_code``.

    ``matter_codes`` chooses optional matters (mandatory ones that apply are always in).
    With an ``idempotency_key`` a replay returns the first draft.

    Errors: ``permission_denied`` (403, not an applicant of the project's enterprise),
    ``bundle_not_found`` (404), ``matter_not_in_bundle`` / ``matter_not_in_force`` /
    ``no_matters`` (400), ``idempotency_key_reused`` (409).
    """
    key = check_key(idempotency_key)
    probe = Case(project=project, enterprise_id=project.enterprise_id)
    ensure_can_edit_case(actor, probe)
    if key:
        first = idempotent_replay(
            enterprise_id=project.enterprise_id,
            operation="create",
            key=key,
            fingerprint=fingerprint,
        )
        if first is not None:
            return first
    bundle = bundle_get_by_code(bundle_code, active_only=True)
    matters = _chosen_matters(bundle, project, matter_codes)
    try:
        with transaction.atomic():
            case = Case(
                project=project,
                enterprise_id=project.enterprise_id,
                bundle=bundle,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            case.full_clean(exclude=["matters"])
            case.save()
            case.matters.set(matters)
            if key:
                first = idempotency_claim(
                    enterprise_id=project.enterprise_id,
                    operation="create",
                    key=key,
                    fingerprint=fingerprint,
                    case=case,
                )
                if first is not None:
                    raise _Replayed(first)
            case_event_record(
                case=case,
                kind=EventKind.DRAFT_CREATED,
                actor=actor,
                data={"bundle": bundle.code, "matters": [m.code for m in matters]},
            )
    except _Replayed as replayed:
        return replayed.case
    return case


@transaction.atomic
def case_matters_set(*, case: Case, actor: Any, matter_codes: Iterable[str]) -> Case:
    """
    Change the optional matters chosen for a draft (or a case under correction).

    Errors: ``permission_denied`` (403), ``transition_not_allowed`` (409),
    ``stale_version`` (409), ``matter_not_in_bundle`` / ``matter_not_in_force`` /
    ``no_matters`` (400).
    """
    ensure_can_edit_case(actor, case)
    case_next_status(case.status, CaseAction.EDIT)
    matters = _chosen_matters(case.bundle, case.project, matter_codes)
    locked = _case_transition(
        case=case,
        action=CaseAction.EDIT,
        actor=actor,
        data={"matters": [m.code for m in matters]},
    )
    locked.matters.set(matters)
    return locked


@transaction.atomic
def case_form_data_set(
    *,
    case: Case,
    actor: Any,
    data: Mapping[str, Any],
    if_match: Collection[int] | None = None,
    version: int | None = None,
) -> Case:
    """
    Replace the form data of a draft (or a case under correction) after validating it
    against the merged schema. Every error is listed; nothing is saved on error. Required
    fields may still be empty here: submission checks them.

    Preconditions (optional; the one place that decides them): ``if_match`` (the versions
    named by an ``If-Match`` header) must contain the current version, else
    ``precondition_failed`` (412); ``version`` (the version the client edited) must be the
    current one, else ``stale_version`` (409). Without either, the version ``case`` was
    read at must still be current (``stale_version``).

    Errors: ``permission_denied`` (403), ``form_invalid`` (400, invalid_params per field),
    ``precondition_failed`` (412), ``transition_not_allowed`` / ``stale_version`` (409).
    """
    ensure_can_edit_case(actor, case)
    locked = case_lock(case)
    if if_match is not None and locked.version not in set(if_match):
        raise PreconditionFailed(extra={"version": locked.version})
    if version is not None and version != locked.version:
        raise StaleVersion(extra={"version": locked.version})
    case_next_status(locked.status, CaseAction.EDIT)
    errors = form_errors(case_form_schema(case), data, partial=True)
    if errors:
        raise InvalidInput(
            _("The form has %(count)s problem(s).") % {"count": len(errors)},
            code=ErrorCode.FORM_INVALID,
            invalid_params=errors,
            extra={"errors": problem_pointers(errors)},
        )
    expected = locked.version if (if_match is not None or version is not None) else None
    return _case_transition(
        case=case,
        action=CaseAction.EDIT,
        actor=actor,
        changes={"form_data": dict(data)},
        data={"form_keys": sorted(data)},
        event_kind=EventKind.FORM_DATA_SET,
        expected_version=expected,
    )


def ensure_form_complete(case: Case, *, versions: list | None = None) -> None:
    """
    Raise ``form_invalid`` (400) unless the form is valid with every required field;
    ``versions``: the case's matter versions when the caller has them (``case_versions``).
    """
    versions = case_versions(case) if versions is None else versions
    errors = form_errors(case_form_schema(case, versions=versions), case.form_data, partial=False)
    if errors:
        raise InvalidInput(
            _("The form is not complete: %(count)s problem(s).") % {"count": len(errors)},
            code=ErrorCode.FORM_INVALID,
            invalid_params=errors,
            extra={"errors": problem_pointers(errors)},
        )


def problem_pointers(errors: list[dict[str, str]]) -> list[dict[str, str]]:
    """The ``errors`` member of a form problem: one entry per field, its JSON Pointer in
    the request body, the stable code and the plain sentence naming the field's label."""
    return [
        {
            "pointer": e.get("pointer") or f"/data/{e['name']}",
            "field": e["name"],
            "code": e["code"],
            "detail": e["reason"],
        }
        for e in errors
    ]


DRAFT_LIKE = (CaseStatus.DRAFT, CaseStatus.CORRECTION_REQUESTED)
