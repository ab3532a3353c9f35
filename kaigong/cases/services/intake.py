"""
The window (一窗受理): submission, the queue's decisions, resubmission and withdrawal.

    applicant: submit ─→ clerk: accept | accept with 容缺 / 告知承诺 | refuse | request correction
    applicant: resubmit (after correction), withdraw (until the case concludes)

Acceptance, with or without 容缺 / 告知承诺, is in ``acceptance.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.selectors import service_center_for_department
from kaigong.cases.applicable import (
    case_form_schema,
    case_form_schema_and_needs,
    case_material_needs,
    case_versions,
)
from kaigong.cases.constants import (
    ITEM_OPEN_STATUSES,
    CaseAction,
    DenialKind,
    ErrorCode,
    ItemAction,
    OfficialDocumentKind,
)
from kaigong.cases.deadlines import correction_notice_due_on, region_of
from kaigong.cases.exceptions import field_problem_text
from kaigong.cases.hooks import document_due
from kaigong.cases.models import Case, CaseNumberCounter, Correction, Denial
from kaigong.cases.permissions import (
    ensure_can_handle_at_window,
    ensure_can_submit_case,
    ensure_can_withdraw_case,
)
from kaigong.cases.requirements import form_errors
from kaigong.cases.services._idempotency import check_key, idempotency_claim, idempotent_replay
from kaigong.cases.services._transition import _case_transition, _item_transition, case_lock
from kaigong.cases.services.materials import missing_materials
from kaigong.cases.workflow import case_next_status
from kaigong.core.clock import local_date
from kaigong.core.counters import counters_add
from kaigong.core.exceptions import Conflict, InvalidInput

# rule: a refusal states the applicant's right to 行政复议 (60 days, 行政复议法 art. 20) or
# 行政诉讼 (6 months, 行政诉讼法 art. 46) (行政许可法 art. 38)
DEFAULT_RIGHTS = (
    "如不服本决定，可以自知道该决定之日起六十日内依法申请行政复议，"
    "或者自知道该决定之日起六个月内依法向人民法院提起行政诉讼。"
)
CORRECTION_BASIS = "《中华人民共和国行政许可法》第三十二条"


def _case_number(year: int) -> str:
    prefix = getattr(settings, "KAIGONG_CASE_NUMBER_PREFIX", "KG")
    # perf: the year's counter created or moved on in one statement, its row locked to
    # commit (gap-free: kaigong.core.counters) — was a locking read, an update, and a
    # savepoint for the year's first number
    last = counters_add(
        CaseNumberCounter, keys=("prefix", "year"), column="last", increments={(prefix, year): 1}
    )
    return f"{prefix}-{year}-{last[(prefix, year)]:06d}"


def _receipt_changes(case: Case) -> dict[str, Any]:
    now = timezone.now()
    received_on = local_date(now)
    return {
        "received_at": now,
        "correction_notice_due_on": correction_notice_due_on(
            received_on, region_code=region_of(case)
        ),
    }


class _Replayed(Exception):
    def __init__(self, case: Case) -> None:
        self.case = case


def case_submit(
    *, case: Case, actor: Any, idempotency_key: str = "", fingerprint: str = ""
) -> Case:
    """
    Hand the draft in at the window: number it, put it in the queue (arrival order) and
    start the 5-working-day correction-notice clock (行政许可法 art. 32).

    With ``idempotency_key``: a replay (same key, same ``fingerprint``) returns the first
    result; the same key with another fingerprint, or for another case, is refused.

    Refused while a field or a material is missing (``submission_problems``).

    Errors: ``permission_denied`` (403), ``form_invalid`` (400: a field is missing or not
    valid), ``materials_incomplete`` (409: only materials are missing),
    ``transition_not_allowed`` / ``stale_version`` / ``idempotency_key_reused`` (409);
    invalid_params name every missing item (fields and materials), in Chinese.
    """
    ensure_can_submit_case(actor, case)
    key = check_key(idempotency_key)
    if key:
        first = idempotent_replay(
            enterprise_id=case.enterprise_id,
            operation="submit",
            key=key,
            fingerprint=fingerprint,
            case=case,
        )
        if first is not None:
            return first
    try:
        with transaction.atomic():
            if key:
                first = idempotency_claim(
                    enterprise_id=case.enterprise_id,
                    operation="submit",
                    key=key,
                    fingerprint=fingerprint,
                    case=case,
                )
                if first is not None:
                    if first.pk != case.pk:
                        idempotent_replay(
                            enterprise_id=case.enterprise_id,
                            operation="submit",
                            key=key,
                            fingerprint=fingerprint,
                            case=case,
                        )
                    raise _Replayed(first)
            return _submit(case=case, actor=actor)
    except _Replayed as replayed:
        return replayed.case


# Date fields that end a range, by the suffix that names their start.
_RANGE_ENDS = (("_end_on", "_start_on"), ("_end_date", "_start_date"), ("end_on", "start_on"))


def form_range_problems(schema: Mapping[str, Any], data: Mapping[str, Any]) -> list[dict]:
    """End dates before their start (``x_end_on`` < ``x_start_on``), as invalid_params."""
    properties = schema.get("properties", {})
    problems = []
    for key, prop in properties.items():
        if prop.get("x-field-type") != "date":
            continue
        for end, start in _RANGE_ENDS:
            start_key = key[: -len(end)] + start if key.endswith(end) else ""
            if start_key in properties and data.get(key) and data.get(start_key):
                if str(data[key]) < str(data[start_key]):  # ISO dates compare as text
                    problems.append(
                        {
                            "name": key,
                            "code": "date_range",
                            "reason": field_problem_text(prop, "date_range"),
                            "label": str(prop.get("title", "")),
                        }
                    )
                break
    return problems


def submission_problems(case: Case, *, versions: list | None = None) -> list[dict[str, str]]:
    """
    Everything that keeps ``case`` from being handed in, each as an invalid_param in plain
    Chinese: a form field that is missing or not valid (``name`` = its key, ``label`` = its
    title), and a required material with no file and no held certificate that the window
    could not take under 容缺 or 告知承诺 (``name`` = ``materials.<code>``).

    # rule: the window may accept with secondary materials missing only under 容缺 or 告知承诺
    # (docs/legal.md#rongque); anything else missing would only be sent back (行政许可法 art. 32)
    """
    versions = case_versions(case) if versions is None else versions
    # perf: the form and the materials from one engine call, the catalogue read once
    schema, needs = case_form_schema_and_needs(case, versions=versions)
    properties = schema["properties"]
    data = case.form_data or {}
    problems: list[dict[str, str]] = []
    seen: set[str] = set()
    for error in form_errors(schema, data, partial=False):
        key = str(error.get("name", "")).split(".")[0]
        if key in seen:
            continue
        seen.add(key)
        prop = properties.get(key, {"title": key})
        problems.append(
            {
                "name": key,
                "code": str(error.get("code", "invalid")),
                "reason": field_problem_text(prop, str(error.get("code", ""))),
                "label": str(prop.get("title", key)),
            }
        )
    problems += [p for p in form_range_problems(schema, data) if p["name"] not in seen]
    for need in missing_materials(case, needs=needs):
        if need.deferrable or need.commitment_replaces:
            continue  # the window decides on 容缺 / 告知承诺 at acceptance
        problems.append(
            {
                "name": f"materials.{need.code}",
                "code": "material_missing",
                "reason": gettext("Upload “%(material)s”.") % {"material": need.name},
                "label": need.name,
            }
        )
    return problems


def ensure_submittable(case: Case) -> None:
    """
    Raise unless ``case`` can be handed in. The invalid_params always name everything
    missing (fields and materials); the code says what kind: ``form_invalid`` (400) while a
    field is missing or not valid, else ``materials_incomplete`` (409).
    """
    problems = submission_problems(case)
    if not problems:
        return
    message = _(
        "The application cannot be submitted yet: %(count)s item(s) are missing or not valid."
    ) % {"count": len(problems)}
    if all(p["code"] == "material_missing" for p in problems):
        raise Conflict(message, code=ErrorCode.MATERIALS_INCOMPLETE, invalid_params=problems)
    raise InvalidInput(message, code=ErrorCode.FORM_INVALID, invalid_params=problems)


def _submit(*, case: Case, actor: Any) -> Case:
    locked = case_lock(case)
    case_next_status(locked.status, CaseAction.SUBMIT)
    ensure_submittable(locked)
    now = timezone.now()
    centre = service_center_for_department(locked.bundle.lead_department_id)
    changes = {
        "number": locked.number or _case_number(local_date(now).year),
        "submitted_at": now,
        "service_center": centre,
        **_receipt_changes(locked),
    }
    # perf: the row locked above is the one moved (no second read under the lock); the
    # UPDATE still matches the version the caller read, so a stale case is still refused
    locked = _case_transition(
        case=locked,
        action=CaseAction.SUBMIT,
        actor=actor,
        changes=changes,
        expected_version=case.version,
        case_locked=True,
    )
    case.version, case.status = locked.version, locked.status
    case.event_count, case.chain_head = locked.event_count, locked.chain_head
    return locked


@transaction.atomic
def case_resubmit(*, case: Case, actor: Any) -> Case:
    """
    Answer the correction notice: the case returns to the queue with a new receipt date.

    Errors: ``permission_denied`` (403), ``form_invalid`` (400), ``materials_incomplete``
    / ``transition_not_allowed`` / ``stale_version`` (409).
    """
    ensure_can_submit_case(actor, case)
    case_next_status(case.status, CaseAction.RESUBMIT)
    ensure_submittable(case)
    locked = _case_transition(
        case=case, action=CaseAction.RESUBMIT, actor=actor, changes=_receipt_changes(case)
    )
    locked.corrections.filter(answered_at__isnull=True).update(answered_at=timezone.now())
    return locked


def _text(value: str, name: str, code: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(
            message,
            code=code,
            invalid_params=[{"name": name, "code": code, "reason": str(message)}],
        )
    return value


@transaction.atomic
def case_refuse(
    *, case: Case, actor: Any, reason: str, legal_basis: str, applicant_rights: str = ""
) -> Case:
    """
    Refuse the application at the window (不予受理), with reason, legal basis and the
    applicant's rights (a standard text when none is given). Records a Denial.

    Errors: ``permission_denied`` (403), ``reason_required`` / ``legal_basis_required``
    (400), ``transition_not_allowed`` / ``stale_version`` (409).
    """
    ensure_can_handle_at_window(actor, case)
    reason = _text(reason, "reason", ErrorCode.REASON_REQUIRED, _("Give the reason."))
    legal_basis = _text(
        legal_basis, "legal_basis", ErrorCode.LEGAL_BASIS_REQUIRED, _("Give the legal basis.")
    )
    rights = (applicant_rights or "").strip() or DEFAULT_RIGHTS
    locked = _case_transition(
        case=case,
        action=CaseAction.REFUSE,
        actor=actor,
        changes={"closed_at": timezone.now()},
        data={"reason": reason, "legal_basis": legal_basis},
    )
    denial = Denial.objects.create(
        case=locked,
        kind=DenialKind.REFUSAL,
        reason=reason,
        legal_basis=legal_basis,
        applicant_rights=rights,
        by=actor,
    )
    document_due(OfficialDocumentKind.REFUSAL_DECISION, denial)
    return locked


CORRECTION_PROBLEMS = ("missing", "defective")
# What a correction item's problem is called where people read it.
CORRECTION_PROBLEM_LABELS = {"missing": _("missing"), "defective": _("defective")}


def _correction_items(case: Case, items: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    if not items:
        raise InvalidInput(
            _("List everything that is missing or defective, at once."),
            code=ErrorCode.CORRECTION_EMPTY,
            invalid_params=[{"name": "items", "code": ErrorCode.CORRECTION_EMPTY, "reason": ""}],
        )
    materials = {n.code: n.name for n in case_material_needs(case)}
    fields = case_form_schema(case)["properties"]
    errors, cleaned = [], []
    for index, raw in enumerate(items):
        kind, code = str(raw.get("kind", "")), str(raw.get("code", ""))
        problem = str(raw.get("problem", "missing"))
        known = materials if kind == "material" else fields if kind == "field" else {}
        if code not in known or problem not in CORRECTION_PROBLEMS:
            errors.append(
                {
                    "name": f"items.{index}",
                    "code": "invalid",
                    "reason": gettext("This entry is not part of the application."),
                }
            )
            continue
        label = materials[code] if kind == "material" else fields[code].get("title", code)
        cleaned.append(
            {
                "kind": kind,
                "code": code,
                "label": label,
                "problem": problem,
                "note": str(raw.get("note", "")),
            }
        )
    if errors:
        raise InvalidInput(_("Some items of the notice are not valid."), invalid_params=errors)
    return cleaned


@transaction.atomic
def case_request_correction(
    *, case: Case, actor: Any, items: Sequence[Mapping[str, Any]], note: str = ""
) -> Correction:
    """
    Send the one-time correction notice (一次性告知): every missing or defective material
    or field at once. ``items``: ``[{"kind": "material"|"field", "code", "problem":
    "missing"|"defective", "note"}]``. Records a Correction and a Denial (补正).

    # rule: within 5 working days of receipt, else the application counts as accepted
    # from receipt and must be accepted (行政许可法 art. 32)

    Errors: ``permission_denied`` (403), ``correction_empty`` / ``invalid_input`` (400),
    ``correction_notice_overdue`` / ``transition_not_allowed`` / ``stale_version`` (409).
    """
    ensure_can_handle_at_window(actor, case)
    case_next_status(case.status, CaseAction.REQUEST_CORRECTION)
    today = local_date()
    if case.correction_notice_due_on and today > case.correction_notice_due_on:
        raise Conflict(
            _(
                "The correction notice was due by %(due)s; the application now counts as "
                "accepted from the day of receipt (行政许可法 art. 32). Accept it."
            )
            % {"due": case.correction_notice_due_on},
            code=ErrorCode.CORRECTION_NOTICE_OVERDUE,
        )
    cleaned = _correction_items(case, items)
    locked = _case_transition(
        case=case, action=CaseAction.REQUEST_CORRECTION, actor=actor, data={"items": cleaned}
    )
    correction = Correction.objects.create(
        case=locked,
        items=cleaned,
        note=note,
        requested_by=actor,
        received_on=local_date(locked.received_at),
        notice_due_on=locked.correction_notice_due_on or today,
        on_time=True,
    )
    summary = "；".join(
        f"{i['label']}（{CORRECTION_PROBLEM_LABELS[i['problem']]}）" for i in cleaned
    )
    Denial.objects.create(
        case=locked,
        kind=DenialKind.CORRECTION,
        reason=summary[:2000],
        legal_basis=CORRECTION_BASIS,
        by=actor,
        data={"items": cleaned, "note": note},
    )
    document_due(OfficialDocumentKind.CORRECTION_NOTICE, correction)
    return correction


@transaction.atomic
def case_withdraw(*, case: Case, actor: Any, reason: str = "") -> Case:
    """
    The applicant withdraws the application (draft, in the queue, under correction, or
    accepted: open items are withdrawn too). A withdrawn draft keeps no number (it was never
    handed in; the case_numbered_once_submitted constraint allows it).

    Errors: ``permission_denied`` (403), ``transition_not_allowed`` / ``stale_version`` (409).
    """
    ensure_can_withdraw_case(actor, case)
    case_next_status(case.status, CaseAction.WITHDRAW)
    locked = case_lock(case)
    for item in locked.items.filter(status__in=list(ITEM_OPEN_STATUSES)).order_by("id"):
        _item_transition(item=item, action=ItemAction.WITHDRAW, actor=actor)
    now = timezone.now()
    changes: dict[str, Any] = {"closed_at": now}
    return _case_transition(
        case=case,
        action=CaseAction.WITHDRAW,
        actor=actor,
        changes=changes,
        data={"reason": reason or gettext("Withdrawn by the applicant")},
    )
