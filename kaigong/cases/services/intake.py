"""
The window (一窗受理): submission, the queue's decisions, resubmission and withdrawal.

    applicant: submit ─→ clerk: accept | accept with 容缺 / 告知承诺 | refuse | request correction
    applicant: resubmit (after correction), withdraw (until the case concludes)

Acceptance pins the matter versions in force that day, creates every item at once with
its due dates, and starts each item whose prerequisites (inside the case) are met.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import CreditStanding
from kaigong.accounts.selectors import service_center_for_department
from kaigong.cases.applicable import case_form_schema, case_material_needs, case_versions
from kaigong.cases.constants import (
    ITEM_OPEN_STATUSES,
    CaseAction,
    CommitmentKind,
    DenialKind,
    ErrorCode,
    ItemAction,
    ItemStatus,
)
from kaigong.cases.deadlines import case_due_dates, correction_notice_due_on, region_of
from kaigong.cases.models import Case, CaseItem, CaseNumberCounter, Correction, Denial
from kaigong.cases.permissions import (
    ensure_can_handle_at_window,
    ensure_can_submit_case,
    ensure_can_withdraw_case,
)
from kaigong.cases.planning import case_plan_snapshot
from kaigong.cases.requirements import MaterialNeed
from kaigong.cases.services._idempotency import check_key, idempotency_claim, idempotent_replay
from kaigong.cases.services._transition import _case_transition, _item_transition, case_lock
from kaigong.cases.services.clock import item_due_changes
from kaigong.cases.services.commitments import (
    CommitmentInput,
    commitment_basics,
    commitment_create,
    commitment_invalid,
)
from kaigong.cases.services.drafting import ensure_form_complete
from kaigong.cases.services.materials import missing_materials
from kaigong.cases.services.routing import item_blockers
from kaigong.cases.workflow import case_next_status
from kaigong.core.clock import local_date
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
    counters = CaseNumberCounter.objects.select_for_update()
    counter = counters.filter(prefix=prefix, year=year).first()
    if counter is None:  # the year's first number (perf: no savepoint on every other call)
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(prefix=prefix, year=year)
        except IntegrityError:
            pass  # another request created it first
        counter = counters.get(prefix=prefix, year=year)
    CaseNumberCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    return f"{prefix}-{year}-{counter.last + 1:06d}"


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

    Errors: ``permission_denied`` (403), ``form_invalid`` (400), ``transition_not_allowed``
    / ``stale_version`` / ``idempotency_key_reused`` (409).
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


def _submit(*, case: Case, actor: Any) -> Case:
    locked = case_lock(case)
    case_next_status(locked.status, CaseAction.SUBMIT)
    ensure_form_complete(locked)
    now = timezone.now()
    centre = service_center_for_department(locked.bundle.lead_department)
    changes = {
        "number": locked.number or _case_number(local_date(now).year),
        "submitted_at": now,
        "service_center": centre,
        **_receipt_changes(locked),
    }
    return _case_transition(
        case=case,
        action=CaseAction.SUBMIT,
        actor=actor,
        changes=changes,
        expected_version=case.version,
    )


@transaction.atomic
def case_resubmit(*, case: Case, actor: Any) -> Case:
    """
    Answer the correction notice: the case returns to the queue with a new receipt date.

    Errors: ``permission_denied`` (403), ``form_invalid`` (400), ``transition_not_allowed``
    / ``stale_version`` (409).
    """
    ensure_can_submit_case(actor, case)
    case_next_status(case.status, CaseAction.RESUBMIT)
    ensure_form_complete(case)
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
    Denial.objects.create(
        case=locked,
        kind=DenialKind.REFUSAL,
        reason=reason,
        legal_basis=legal_basis,
        applicant_rights=rights,
        by=actor,
    )
    return locked


CORRECTION_PROBLEMS = ("missing", "defective")


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
            errors.append({"name": f"items.{index}", "code": "invalid", "reason": f"{kind}:{code}"})
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
    summary = "；".join(f"{i['label']}（{i['problem']}）" for i in cleaned)
    Denial.objects.create(
        case=locked,
        kind=DenialKind.CORRECTION,
        reason=summary[:2000],
        legal_basis=CORRECTION_BASIS,
        by=actor,
        data={"items": cleaned, "note": note},
    )
    return correction


def _plan_items(case: Case, versions, reference: date) -> list[CaseItem]:
    """Every item of the case, unsaved, started or waiting, with due dates."""
    planned = [
        CaseItem(case=case, matter_version=v, department=v.department, order=index)
        for index, v in enumerate(versions)
    ]
    by_matter = {i.matter_version.matter_id: i for i in planned}
    for item in planned:
        unmet, _impossible = item_blockers(item, by_matter, set())
        if unmet:
            item.status = ItemStatus.WAITING
            continue
        item.status = ItemStatus.IN_REVIEW
        item.clock_started_on = reference
        item.count_start_day = item.matter_version.count_acceptance_day
        for field, value in item_due_changes(item, on=reference, pauses=[]).items():
            setattr(item, field, value)
    return planned


def _needs_by_code(needs: list[MaterialNeed]) -> dict[str, MaterialNeed]:
    return {n.code: n for n in needs}


def _check_deferral(case, value, needs, missing, planned) -> None:
    commitment_basics(value)
    # rule: 容缺 only for enterprises without bad credit records (domain.md §5.2 item 5)
    if case.enterprise.credit_standing != CreditStanding.GOOD:
        raise Conflict(
            _("容缺受理 is open only to enterprises in good credit standing."),
            code=ErrorCode.CREDIT_STANDING,
        )
    by_code = _needs_by_code(needs)
    missing_codes = {n.code for n in missing}
    bad = [c for c in value.materials if c not in by_code or not by_code[c].deferrable]
    bad += [c for c in value.materials if c in by_code and c not in missing_codes and c not in bad]
    if bad:
        raise InvalidInput(
            _("Only missing materials marked deferrable may be deferred: %(codes)s")
            % {"codes": ", ".join(bad)},
            code=ErrorCode.NOT_DEFERRABLE,
            invalid_params=[
                {"name": "materials", "code": ErrorCode.NOT_DEFERRABLE, "reason": c} for c in bad
            ],
        )
    if not isinstance(value.due_on, date):
        raise commitment_invalid("due_on", _("Give the date the materials are due."))
    # rule: the committed period must not exceed the promised limit (domain.md §5.2 item 3)
    limits = [
        i.promised_due_on
        for i in planned
        if i.promised_due_on
        and set(value.materials) & {r.material.code for r in i.matter_version.requirements.all()}
    ]
    latest = min(limits) if limits else case.promised_due_on
    if latest is not None and value.due_on > latest:
        raise InvalidInput(
            _("The materials must be due by %(date)s, the promised limit.") % {"date": latest},
            code=ErrorCode.COMMITMENT_DUE_TOO_LATE,
            invalid_params=[
                {"name": "due_on", "code": ErrorCode.COMMITMENT_DUE_TOO_LATE, "reason": str(latest)}
            ],
        )
    if value.due_on < local_date():
        raise commitment_invalid("due_on", _("The due date is in the past."))


def _check_undertaking(case, value, needs) -> None:
    commitment_basics(value)
    # rule: no 告知承诺 for applicants with serious bad credit (domain.md §5.1 item 5)
    if case.enterprise.credit_standing == CreditStanding.DISHONEST:
        raise Conflict(
            _("告知承诺 is not open to enterprises with a dishonesty record."),
            code=ErrorCode.CREDIT_STANDING,
        )
    by_code = _needs_by_code(needs)
    bad = [c for c in value.materials if c not in by_code or not by_code[c].commitment_replaces]
    if bad:
        raise InvalidInput(
            _("A commitment cannot replace these materials: %(codes)s") % {"codes": ", ".join(bad)},
            code=ErrorCode.COMMITMENT_NOT_ALLOWED,
            invalid_params=[
                {"name": "materials", "code": ErrorCode.COMMITMENT_NOT_ALLOWED, "reason": c}
                for c in bad
            ],
        )
    if not isinstance(value.verification_due_on, date) or value.verification_due_on < local_date():
        raise commitment_invalid(
            "verification_due_on", _("Give a verification date from today on.")
        )


@transaction.atomic
def case_accept(
    *,
    case: Case,
    actor: Any,
    deferral: CommitmentInput | Mapping[str, Any] | None = None,
    undertaking: CommitmentInput | Mapping[str, Any] | None = None,
) -> Case:
    """
    Accept the application (受理): pin the matter versions in force today, create every
    item at once with its promised and statutory due dates, and start the items whose
    prerequisites are met. Every required material must be handed in, replaced by a held
    certificate, deferred under ``deferral`` (容缺) or replaced under ``undertaking``
    (告知承诺). If the correction notice was not sent within 5 working days the clocks run
    from the day of receipt (行政许可法 art. 32).

    Errors: ``permission_denied`` (403); ``form_invalid``, ``material_not_deferrable``,
    ``commitment_not_allowed``, ``commitment_invalid``, ``commitment_due_too_late`` (400);
    ``materials_incomplete``, ``credit_standing_insufficient``, ``matter_not_in_force``,
    ``transition_not_allowed``, ``stale_version`` (409).
    """
    ensure_can_handle_at_window(actor, case)
    case_next_status(case.status, CaseAction.ACCEPT)
    today = local_date()
    versions = case_versions(case, on=today)
    chosen = set(case.matters.values_list("id", flat=True))
    lost = chosen - {v.matter_id for v in versions}
    if lost:
        raise Conflict(
            _("A chosen matter is no longer in the catalogue in force."),
            code=ErrorCode.MATTER_NOT_IN_FORCE,
        )
    ensure_form_complete(case, versions=versions)  # perf: the catalogue is read once
    needs = case_material_needs(case, versions=versions)
    missing = missing_materials(case, needs=needs)
    deemed = bool(case.correction_notice_due_on and today > case.correction_notice_due_on)
    reference = local_date(case.received_at) if deemed and case.received_at else today
    planned = _plan_items(case, versions, reference)
    covered: set[str] = set()
    deferral = CommitmentInput.of(deferral) if deferral is not None else None
    undertaking = CommitmentInput.of(undertaking) if undertaking is not None else None
    if undertaking is not None:
        _check_undertaking(case, undertaking, needs)
        covered |= set(undertaking.materials)
    if deferral is not None:
        _check_deferral(
            case, deferral, needs, [n for n in missing if n.code not in covered], planned
        )
        covered |= set(deferral.materials)
    still = [n for n in missing if n.code not in covered]
    if still:
        raise Conflict(
            _("Required materials are missing: %(names)s")
            % {"names": "、".join(n.name for n in still)},
            code=ErrorCode.MATERIALS_INCOMPLETE,
            invalid_params=[{"name": n.code, "code": "missing", "reason": n.name} for n in still],
        )
    case.accepted_on = reference
    promised, statutory, provisional = case_due_dates(case, planned, on=today)
    plan = case_plan_snapshot(
        case, matter_codes=[i.matter_version.matter.code for i in planned], accepted_on=reference
    )
    locked = _case_transition(
        case=case,
        action=CaseAction.ACCEPT,
        actor=actor,
        changes={
            "accepted_at": timezone.now(),
            "accepted_on": reference,
            "accepted_by": actor,
            "deemed_accepted": deemed,
            "promised_due_on": promised,
            "statutory_due_on": statutory,
            "due_provisional": provisional,
            "plan_snapshot": plan,
        },
        data={
            "deemed_accepted": deemed,
            "deferred": deferral.materials if deferral else [],
            "undertaking": undertaking.materials if undertaking else [],
            "items": [
                {
                    "item": str(i.public_id),
                    "matter": i.matter_version.matter.code,
                    "version": i.matter_version.version,
                    "department": i.department.code,
                    "status": i.status,
                    "promised_due_on": i.promised_due_on,
                    "statutory_due_on": i.statutory_due_on,
                }
                for i in planned
            ],
        },
    )
    for item in planned:
        item.case = locked
        # perf: the field values are checked here; the relations were just read and the
        # table's constraints are the database's (no query per item and constraint)
        item.full_clean(
            exclude=["case", "matter_version", "department"],
            validate_unique=False,
            validate_constraints=False,
        )
    CaseItem.objects.bulk_create(planned)
    if deferral is not None:
        commitment_create(case=locked, kind=CommitmentKind.DEFERRAL, value=deferral, actor=actor)
    if undertaking is not None:
        commitment_create(
            case=locked, kind=CommitmentKind.UNDERTAKING, value=undertaking, actor=actor
        )
    return locked


def case_accept_with_deferral(
    *, case: Case, actor: Any, commitment: CommitmentInput | Mapping[str, Any]
) -> Case:
    """容缺受理: ``case_accept`` with deferred materials under ``commitment`` (same errors)."""
    return case_accept(case=case, actor=actor, deferral=commitment)


def case_accept_with_undertaking(
    *, case: Case, actor: Any, commitment: CommitmentInput | Mapping[str, Any]
) -> Case:
    """告知承诺: ``case_accept`` with proofs replaced by ``commitment`` (same errors)."""
    return case_accept(case=case, actor=actor, undertaking=commitment)


@transaction.atomic
def case_withdraw(*, case: Case, actor: Any, reason: str = "") -> Case:
    """
    The applicant withdraws the application (draft, in the queue, under correction, or
    accepted: open items are withdrawn too).

    Errors: ``permission_denied`` (403), ``transition_not_allowed`` / ``stale_version`` (409).
    """
    ensure_can_withdraw_case(actor, case)
    case_next_status(case.status, CaseAction.WITHDRAW)
    locked = case_lock(case)
    for item in locked.items.filter(status__in=list(ITEM_OPEN_STATUSES)).order_by("id"):
        _item_transition(item=item, action=ItemAction.WITHDRAW, actor=actor)
    return _case_transition(
        case=case,
        action=CaseAction.WITHDRAW,
        actor=actor,
        changes={"closed_at": timezone.now()},
        data={"reason": reason or gettext("Withdrawn by the applicant")},
    )
