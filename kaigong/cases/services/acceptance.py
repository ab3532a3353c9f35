"""
Acceptance (受理) at the window: pin the matter versions in force that day, create every
item at once with its due dates, start each item whose prerequisites (inside the case) are
met; with 容缺 (deferred materials under a commitment) or 告知承诺 (proofs replaced by an
undertaking) where the catalogue allows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaigong.cases.applicable import case_material_needs, case_versions
from kaigong.cases.constants import (
    CaseAction,
    CommitmentKind,
    ErrorCode,
    ItemStatus,
    OfficialDocumentKind,
)
from kaigong.cases.deadlines import case_due_dates
from kaigong.cases.hooks import document_due
from kaigong.cases.models import Case, CaseItem
from kaigong.cases.permissions import ensure_can_handle_at_window
from kaigong.cases.planning import case_plan_snapshot
from kaigong.cases.requirements import MaterialNeed
from kaigong.cases.services._transition import _case_transition
from kaigong.cases.services.clock import item_due_changes
from kaigong.cases.services.commitments import (
    CommitmentInput,
    commitment_basics,
    commitment_create,
    commitment_invalid,
    material_names,
)
from kaigong.cases.services.drafting import ensure_form_complete
from kaigong.cases.services.materials import missing_materials
from kaigong.cases.services.routing import item_blockers
from kaigong.cases.workflow import case_next_status
from kaigong.core.clock import local_date
from kaigong.core.exceptions import Conflict, InvalidInput
from kaigong.credit.constants import Gate
from kaigong.credit.selectors import GateDecision, credit_gate
from kaigong.projects.hooks import held_certificate_type_codes


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


def _credit_gate_or_refuse(case: Case, gate: str, message) -> GateDecision:
    """Ask the credit gate; a refusal names the records it rests on (docs/credit.md)."""
    decision = credit_gate(case.enterprise, gate)
    if not decision.allowed:
        raise Conflict(
            f"{message} {decision.message}",
            code=ErrorCode.CREDIT_STANDING,
            invalid_params=[
                {"name": "credit_record", "code": ErrorCode.CREDIT_STANDING, "reason": r}
                for r in decision.cite()["records"]
            ],
        )
    return decision


def _check_deferral(case, value, needs, missing, planned) -> GateDecision:
    commitment_basics(value)
    # rule: 容缺 only for enterprises without bad credit records (docs/legal.md#rongque)
    gate = _credit_gate_or_refuse(
        case, Gate.DEFERRAL, _("容缺受理 is open only to enterprises in good credit standing.")
    )
    by_code = _needs_by_code(needs)
    missing_codes = {n.code for n in missing}
    bad = [c for c in value.materials if c not in by_code or not by_code[c].deferrable]
    bad += [c for c in value.materials if c in by_code and c not in missing_codes and c not in bad]
    if bad:
        raise InvalidInput(
            _("Only missing materials marked deferrable may be deferred: %(codes)s")
            % {"codes": "、".join(material_names(bad))},
            code=ErrorCode.NOT_DEFERRABLE,
            invalid_params=[
                {"name": "materials", "code": ErrorCode.NOT_DEFERRABLE, "reason": c} for c in bad
            ],
        )
    if not isinstance(value.due_on, date):
        raise commitment_invalid("due_on", _("Give the date the materials are due."))
    latest = _deferral_latest(case, planned, value.materials)
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
    return gate


def _deferral_latest(case: Case, planned: list[CaseItem], codes) -> date | None:
    """The latest date deferred ``codes`` may be due: the earliest promised limit of the
    planned items that need any of them."""
    # rule: the committed period must not exceed the promised limit (docs/legal.md#rongque)
    limits = [
        i.promised_due_on
        for i in planned
        if i.promised_due_on
        and set(codes) & {r.material.code for r in i.matter_version.requirements.all()}
    ]
    return min(limits) if limits else case.promised_due_on


def case_deferral_due_limits(case: Case, *, on: date | None = None) -> dict[str, date]:
    """
    Before acceptance, for the window's form: each missing deferrable material of
    ``case`` (the only ones 容缺 may cover) → the latest date it may be promised for, were
    the case accepted ``on`` (today): the promised limit of the items that need it, on the
    working-day calendar. Reads only.
    """
    today = on or local_date()
    versions = case_versions(case, on=today)
    deemed = bool(case.correction_notice_due_on and today > case.correction_notice_due_on)
    reference = local_date(case.received_at) if deemed and case.received_at else today
    planned = _plan_items(case, versions, reference)
    limits = {}
    for need in missing_materials(case, needs=case_material_needs(case, versions=versions)):
        if not need.deferrable:
            continue
        latest = _deferral_latest(case, planned, [need.code])
        if latest is not None:
            limits[need.code] = latest
    return limits


def _check_undertaking(case, value, needs) -> GateDecision:
    commitment_basics(value)
    # rule: no 告知承诺 for applicants with serious bad credit (docs/legal.md#gaocheng-commitment)
    gate = _credit_gate_or_refuse(
        case, Gate.UNDERTAKING, _("告知承诺 is not open to enterprises with a dishonesty record.")
    )
    by_code = _needs_by_code(needs)
    bad = [c for c in value.materials if c not in by_code or not by_code[c].commitment_replaces]
    if bad:
        raise InvalidInput(
            _("A commitment cannot replace these materials: %(codes)s")
            % {"codes": "、".join(material_names(bad))},
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
    return gate


@transaction.atomic
def case_accept(
    *,
    case: Case,
    actor: Any,
    deferral: CommitmentInput | Mapping[str, Any] | None = None,
    undertaking: CommitmentInput | Mapping[str, Any] | None = None,
    window: Any = None,
) -> Case:
    """
    Accept the application (受理): pin the matter versions in force today, create every
    item at once with its promised and statutory due dates, and start the items whose
    prerequisites are met. Every required material must be handed in, replaced by a held
    certificate, deferred under ``deferral`` (容缺) or replaced under ``undertaking``
    (告知承诺). If the correction notice was not sent within 5 working days the clocks run
    from the day of receipt (行政许可法 art. 32). Returns ``case`` itself, moved on, with
    its chosen matters prefetched (they no longer change once submitted).

    Errors: ``permission_denied`` (403); ``form_invalid``, ``material_not_deferrable``,
    ``commitment_not_allowed``, ``commitment_invalid``, ``commitment_due_too_late``,
    ``window_invalid`` (400: ``window`` is not a window of the case's centre, or of a centre
    where the actor is a clerk); ``materials_incomplete``, ``credit_standing_insufficient``, ``matter_not_in_force``,
    ``transition_not_allowed``, ``stale_version`` (409).
    """
    ensure_can_handle_at_window(actor, case)
    case_next_status(case.status, CaseAction.ACCEPT)
    _ensure_window_fits(window, case, actor)
    today = local_date()
    # perf: the chosen matters' rows, kept on the case for the answer (no read after commit)
    prefetch_related_objects([case], "matters")
    chosen = {m.id for m in case.matters.all()}
    versions = case_versions(case, on=today, matter_ids=chosen)  # perf: chosen read once
    lost = chosen - {v.matter_id for v in versions}
    if lost:
        raise Conflict(
            _("A chosen matter is no longer in the catalogue in force."),
            code=ErrorCode.MATTER_NOT_IN_FORCE,
        )
    ensure_form_complete(case, versions=versions)  # perf: the catalogue is read once
    # perf: the certificate types the enterprise holds (免提交) read once, for the material
    # list and the plan snapshot's guide alike (and so not its enterprise row either)
    held = held_certificate_type_codes(case.enterprise)
    needs = case_material_needs(case, versions=versions, held_certificate_types=held)
    missing = missing_materials(case, needs=needs)
    deemed = bool(case.correction_notice_due_on and today > case.correction_notice_due_on)
    reference = local_date(case.received_at) if deemed and case.received_at else today
    planned = _plan_items(case, versions, reference)
    covered: set[str] = set()
    deferral = CommitmentInput.of(deferral) if deferral is not None else None
    undertaking = CommitmentInput.of(undertaking) if undertaking is not None else None
    gates: list[dict] = []  # the credit gates asked, each citing its records
    if undertaking is not None:
        gates.append(_check_undertaking(case, undertaking, needs).cite())
        covered |= set(undertaking.materials)
    if deferral is not None:
        gates.append(
            _check_deferral(
                case, deferral, needs, [n for n in missing if n.code not in covered], planned
            ).cite()
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
        case,
        matter_codes=[i.matter_version.matter.code for i in planned],
        accepted_on=reference,
        held_certificate_types=held,
    )
    # perf: the row read by the caller is the one moved (no second read under a lock): the
    # UPDATE matches the version and event count it carries and takes the row lock, so an
    # accept from a row that moved on is refused (stale_version) and writes nothing; and
    # the notice gets the centre that read joined (no query of its own)
    locked = _case_transition(
        case=case,
        action=CaseAction.ACCEPT,
        actor=actor,
        case_locked=True,
        changes={
            "accepted_at": timezone.now(),
            "accepted_on": reference,
            "accepted_by": actor,
            "accepted_window": window,
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
            "credit_gates": gates,
            # 免提交: required materials no upload was needed for (a held certificate)
            "exempt": {n.code: list(n.exempt_by) for n in needs if n.required and n.exempt},
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
    document_due(OfficialDocumentKind.ACCEPTANCE_NOTICE, locked)
    return locked


def _ensure_window_fits(window: Any, case: Case, actor: Any) -> None:
    """The accepting window is one of the case's centre (or of the clerk's, without one)."""
    if window is None:
        return
    from kaigong.accounts.roles import Role
    from kaigong.accounts.selectors import user_service_center_ids

    if case.service_center_id is not None:
        fits = window.service_center_id == case.service_center_id
    else:
        fits = window.service_center_id in user_service_center_ids(actor, [Role.WINDOW_CLERK])
    if not fits:
        raise InvalidInput(
            _("This window is not one of the accepting service centre."),
            code="window_invalid",
            invalid_params=[
                {"name": "window", "code": "window_invalid", "reason": str(window.public_id)}
            ],
        )


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
