"""
中介超市 services: agencies, requests and their state machine (driven by the scheduled job
``requests_advance``), bids, the verifiable selection, 公示, contract, deliverable (attached
to the case as its material), ratings, and sanctions with due process.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import Enterprise, User
from kaigong.accounts.roles import STAFF_ROLES, Role
from kaigong.accounts.selectors import user_holds
from kaigong.calendars.selectors import work_calendar
from kaigong.calendars.workdays import add_working_days
from kaigong.cases.constants import EventKind, ItemStatus
from kaigong.cases.models import Case
from kaigong.cases.services.materials import case_material_upload
from kaigong.core.clock import local_date
from kaigong.core.draw_services import draw_prepare, draw_reveal
from kaigong.core.draws import Candidate
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.services import audit_record, notification_send
from kaigong.credit.constants import Gate
from kaigong.credit.selectors import credit_gate
from kaigong.projects.models import Project

from .constants import (
    MIN_BIDDERS_FISCAL,
    MIN_BIDDERS_SOCIAL,
    OBJECTION_WORKING_DAYS,
    OPTIMAL_BASE_RATES,
    OWNER_DIMENSIONS,
    AgencyStatus,
    ErrorCode,
    FundsType,
    Method,
    RaterKind,
    RequestStatus,
)
from .models import (
    Agency,
    Bid,
    Contract,
    Deliverable,
    Qualification,
    Rating,
    RequestEvent,
    ServiceRequest,
)

CENT = Decimal("0.01")

# rule: methods allowed per funds type — state funds must be competed for (no direct
# choice); social funds may choose directly (docs/legal.md#marketplace-rules)
ALLOWED_METHODS: dict[str, set[str]] = {
    FundsType.FISCAL: {Method.RANDOM, Method.LOWEST, Method.OPTIMAL, Method.MERIT},
    FundsType.SOCIAL: set(Method.values),
}
DRAWN_METHODS = {Method.RANDOM, Method.OPTIMAL, Method.LOWEST}


def _invalid(name: str, code: str, reason) -> InvalidInput:
    return InvalidInput(
        reason, code=code, invalid_params=[{"name": name, "code": code, "reason": str(reason)}]
    )


def _is_member(user: User, enterprise_id: int, *roles: str) -> bool:
    return user_holds(user, *roles, enterprise_id=enterprise_id)


def _move(
    request: ServiceRequest, to: str, action: str, actor: Any, data: dict | None = None, at=None
):
    old = request.status
    request.status = to
    request.save()
    RequestEvent.objects.create(
        request=request,
        from_status=old,
        to_status=to,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        data=data or {},
        at=at or timezone.now(),
    )
    audit_record(
        actor=actor,
        action=f"service_request_{action}",
        obj=request,
        summary=f"{old} → {to}",
        data=data or {},
    )


def _noon(day: date | None) -> datetime | None:
    """A replayed day's moment for the state log (None: now)."""
    if day is None:
        return None
    return datetime.combine(
        day, datetime.min.time(), tzinfo=timezone.get_current_timezone()
    ) + timedelta(hours=12)


# -- agencies ---------------------------------------------------------------------------


@transaction.atomic
def agency_register(
    *,
    actor: User,
    enterprise: Enterprise,
    service_types: list[str],
    contact_phone: str,
    staff: list[dict[str, str]] | None = None,
    introduction: str = "",
    province_code: str | None = None,
) -> Agency:
    """
    An intermediary registers its enterprise (the USCC was checked at sign-up, GB 32100) as
    an agency of one province: one registration serves every locality of it (一地入驻、全省通行).
    Role: intermediary of the enterprise. Errors: ``permission_denied`` (403),
    ``invalid_input`` (400), ``agency_exists`` (409).
    """
    if not _is_member(actor, enterprise.pk, Role.INTERMEDIARY):
        raise PermissionDenied(_("Only the agency's own intermediaries register it."))
    if Agency.objects.filter(enterprise=enterprise).exists():
        raise Conflict(_("This agency is already registered."), code=ErrorCode.AGENCY_EXISTS)
    types = [str(t).strip()[:100] for t in service_types or [] if str(t).strip()]
    if not types:
        raise _invalid("service_types", "invalid_input", _("Name at least one service type."))
    if not (contact_phone or "").strip():
        raise _invalid("contact_phone", "invalid_input", _("Give a contact phone."))
    # rule: the USCC's characters 3–8 are the region of registration (GB 32100)
    province = (province_code or enterprise.uscc[2:4])[:2]
    agency = Agency.objects.create(
        enterprise=enterprise,
        province_code=province,
        service_types=types,
        contact_phone=contact_phone.strip()[:20],
        staff=[
            {k: str(s.get(k, ""))[:60] for k in ("name", "certificate_no", "phone")}
            for s in (staff or [])
        ],
        introduction=introduction[:2000],
    )
    audit_record(actor=actor, action="agency_register", obj=agency, summary=enterprise.name)
    return agency


@transaction.atomic
def qualification_add(
    *,
    actor: User,
    agency: Agency,
    kind: str,
    level: str,
    certificate_no: str,
    valid_to: date,
    file: Any = None,
) -> Qualification:
    """Declare a qualification (资质). Role: intermediary of the agency."""
    if not _is_member(actor, agency.enterprise_id, Role.INTERMEDIARY):
        raise PermissionDenied(_("Only the agency's own intermediaries declare qualifications."))
    if not kind.strip() or not certificate_no.strip():
        raise _invalid("kind", "invalid_input", _("Give the type and the certificate number."))
    if valid_to < local_date():
        raise _invalid("valid_to", "invalid_input", _("This qualification has expired."))
    row = Qualification(
        agency=agency,
        kind=kind.strip()[:100],
        level=level.strip()[:30],
        certificate_no=certificate_no.strip()[:60],
        valid_to=valid_to,
    )
    if file is not None:
        row.file.save(getattr(file, "name", "qualification.pdf"), file, save=False)
    row.save()
    audit_record(actor=actor, action="qualification_add", obj=row, summary=row.kind)
    return row


@transaction.atomic
def agency_review(*, actor: User, agency: Agency, approve: bool, note: str = "") -> Agency:
    """
    The centre reviews an agency before it is listed. Role: centre administrator.
    Errors: ``permission_denied`` (403), ``request_wrong_state`` (409).
    """
    if not user_holds(actor, Role.CENTRE_ADMIN):
        raise PermissionDenied(_("Only a centre administrator reviews agencies."))
    agency = Agency.objects.select_for_update(of=("self",)).get(pk=agency.pk)
    if agency.status != AgencyStatus.PENDING:
        raise Conflict(_("This agency has been reviewed."), code=ErrorCode.WRONG_STATE)
    if approve and not agency.qualifications.exists():
        raise Conflict(
            _("An agency without a qualification cannot be listed."), code=ErrorCode.NOT_QUALIFIED
        )
    agency.status = AgencyStatus.LISTED if approve else AgencyStatus.REFUSED
    agency.reviewed_by, agency.reviewed_at, agency.review_note = actor, timezone.now(), note[:300]
    agency.save()
    audit_record(actor=actor, action="agency_review", obj=agency, summary=agency.status)
    return agency


# -- requests ---------------------------------------------------------------------------


@transaction.atomic
def service_request_open(
    *,
    actor: User,
    project: Project,
    title: str,
    service_type: str,
    funds_type: str,
    method: str,
    price_min: Decimal,
    price_max: Decimal,
    registration_closes_at: datetime,
    choice_at: datetime,
    witnesses: list[str] | None = None,
    qualification_kind: str = "",
    material_code: str = "",
    stage: str = "",
    case: Case | None = None,
    direct_agency: Agency | None = None,
    disclose_bids: bool = True,
    complaint_phone: str = "",
    now: datetime | None = None,
) -> ServiceRequest:
    """
    The owner opens a request for an intermediary service its matter needs. The rules are
    data (``ALLOWED_METHODS``): state funds are competed for; government staff never
    designate an agency; the registration window precedes the choice time.

    Role: applicant of the project's enterprise. Errors: ``permission_denied`` (403);
    ``method_not_allowed``, ``designation_forbidden``, ``window_invalid``, ``price_invalid``,
    ``witness_required``, ``invalid_input`` (400).
    """
    if not _is_member(actor, project.enterprise_id, Role.APPLICANT):
        raise PermissionDenied(_("Only the project's owner opens a service request."))
    if funds_type not in FundsType.values or method not in Method.values:
        raise _invalid("method", ErrorCode.METHOD_NOT_ALLOWED, _("Unknown funds type or method."))
    if method not in ALLOWED_METHODS[funds_type]:
        raise _invalid(
            "method",
            ErrorCode.METHOD_NOT_ALLOWED,
            _("With state funds the agency must be competed for, not chosen directly."),
        )
    if method == Method.DIRECT:
        # rule: 行政机关不得指定中介机构 (docs/legal.md#marketplace-rules)
        if user_holds(actor, *STAFF_ROLES):
            raise _invalid(
                "direct_agency",
                ErrorCode.DESIGNATION_FORBIDDEN,
                _("Government staff may not designate an intermediary."),
            )
        if direct_agency is None or direct_agency.status != AgencyStatus.LISTED:
            raise _invalid(
                "direct_agency", ErrorCode.AGENCY_NOT_LISTED, _("Choose a listed agency.")
            )
    elif direct_agency is not None:
        raise _invalid(
            "direct_agency",
            ErrorCode.METHOD_NOT_ALLOWED,
            _("Only a direct choice names an agency."),
        )
    if price_min <= 0 or price_max < price_min:
        raise _invalid(
            "price_max", ErrorCode.PRICE_INVALID, _("Give a price range from low to high.")
        )
    now = now or timezone.now()  # ``now``: the demo replays a past selection
    if not (now < registration_closes_at <= choice_at):
        raise _invalid(
            "registration_closes_at",
            ErrorCode.WINDOW_INVALID,
            _("Registration must close in the future and before the choice time."),
        )
    names = [str(w).strip()[:50] for w in witnesses or [] if str(w).strip()]
    # rule: on-site witnesses for a draw (docs/legal.md#marketplace-rules)
    if method in DRAWN_METHODS and not names:
        raise _invalid(
            "witnesses", ErrorCode.WITNESS_REQUIRED, _("Name the witnesses of the draw.")
        )
    if case is not None and case.project_id != project.pk:
        raise _invalid("case", "invalid_input", _("The case is not of this project."))
    if not title.strip() or not service_type.strip():
        raise _invalid("title", "invalid_input", _("Give a title and the service type."))
    request = ServiceRequest.objects.create(
        owner_id=project.enterprise_id,
        project=project,
        case=case,
        material_code=material_code[:64],
        title=title.strip()[:200],
        service_type=service_type.strip()[:100],
        stage=stage[:60],
        region_code=project.region_code,
        funds_type=funds_type,
        method=method,
        qualification_kind=qualification_kind.strip()[:100],
        price_min=price_min,
        price_max=price_max,
        registration_closes_at=registration_closes_at,
        choice_at=choice_at,
        witnesses=names,
        disclose_bids=disclose_bids,
        complaint_phone=complaint_phone[:30],
        direct_agency=direct_agency,
        created_by=actor,
    )
    RequestEvent.objects.create(
        request=request,
        to_status=request.status,
        action="open",
        actor=actor,
        data={"method": method, "funds": funds_type},
    )
    audit_record(actor=actor, action="service_request_open", obj=request, summary=request.title)
    return request


def bid_eligibility(request: ServiceRequest, agency: Agency, *, on: date | None = None) -> dict:
    """Whether ``agency`` may bid on ``request``, each reason named; the credit gate cited."""
    today = on or local_date()
    reasons: list[str] = []
    if agency.status != AgencyStatus.LISTED:
        reasons.append(ErrorCode.AGENCY_NOT_LISTED)
    if agency.province_code != request.region_code[:2]:
        reasons.append(ErrorCode.AGENCY_NOT_LISTED)
    if (
        request.qualification_kind
        and not agency.qualifications.filter(
            kind=request.qualification_kind, valid_to__gte=today
        ).exists()
    ):
        reasons.append(ErrorCode.NOT_QUALIFIED)
    # recusal: the owner itself never serves its own request
    if agency.enterprise_id == request.owner_id:
        reasons.append(ErrorCode.NOT_QUALIFIED)
    gate = credit_gate(agency.enterprise, Gate.MARKETPLACE, on=today)
    if not gate.allowed:
        reasons.append("credit_gate_closed")
    return {"eligible": not reasons, "reasons": sorted(set(reasons)), "credit_gate": gate.cite()}


@transaction.atomic
def bid_submit(
    *,
    actor: User,
    request: ServiceRequest,
    agency: Agency,
    price: Decimal,
    contact_phone: str,
    staff: list[dict[str, str]] | None = None,
    now: datetime | None = None,
) -> Bid:
    """
    An agency registers for a request (报名) with its price and the staff it offers.
    Role: intermediary of the agency. Errors: ``permission_denied`` (403); ``price_invalid``
    (400); ``request_not_registering``, ``agency_not_listed``, ``agency_not_qualified``,
    ``credit_gate_closed``, ``already_bid`` (409).
    """
    if not _is_member(actor, agency.enterprise_id, Role.INTERMEDIARY):
        raise PermissionDenied(_("Only the agency's own intermediaries bid for it."))
    request = ServiceRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    now = now or timezone.now()  # ``now``: the demo replays a past selection
    if request.status != RequestStatus.REGISTERING or now >= request.registration_closes_at:
        raise Conflict(
            _("Registration for this request is closed."), code=ErrorCode.NOT_REGISTERING
        )
    if request.method == Method.DIRECT and agency != request.direct_agency:
        raise Conflict(
            _("This request was given to another agency directly."), code=ErrorCode.NOT_QUALIFIED
        )
    check = bid_eligibility(request, agency)
    if not check["eligible"]:
        raise Conflict(
            _("This agency may not bid on this request."),
            code=check["reasons"][0],
            # the credit gate's refusal cites the records it rests on (docs/credit.md)
            invalid_params=[{"name": "agency", "code": r, "reason": r} for r in check["reasons"]]
            + [
                {"name": "credit_record", "code": "credit_gate_closed", "reason": r}
                for r in check["credit_gate"]["records"]
            ],
        )
    if not (request.price_min <= price <= request.price_max):
        raise _invalid(
            "price",
            ErrorCode.PRICE_INVALID,
            _("The price must lie between %(a)s and %(b)s.")
            % {"a": request.price_min, "b": request.price_max},
        )
    if Bid.objects.filter(request=request, agency=agency).exists():
        raise Conflict(_("This agency has already bid."), code=ErrorCode.ALREADY_BID)
    bid = Bid.objects.create(
        request=request,
        agency=agency,
        price=price.quantize(CENT),
        contact_phone=(contact_phone or agency.contact_phone)[:20],
        staff=[
            {k: str(s.get(k, ""))[:60] for k in ("name", "certificate_no", "phone")}
            for s in staff or []
        ],
        submitted_by=actor,
        eligibility=check,
        created_at=now,
    )
    audit_record(actor=actor, action="bid_submit", obj=bid, summary=f"{agency} {bid.price}")
    return bid


def _min_bidders(request: ServiceRequest) -> int:
    if request.method in (Method.MERIT, Method.DIRECT):
        return 1
    return MIN_BIDDERS_FISCAL if request.funds_type == FundsType.FISCAL else MIN_BIDDERS_SOCIAL


def _eligible_bids(request: ServiceRequest) -> list[Bid]:
    """Bids still eligible at registration close (a qualification may have lapsed meanwhile)."""
    return [
        b
        for b in request.bids.filter(excluded_reason="")
        .select_related("agency__enterprise")
        .order_by("id")
        if bid_eligibility(request, b.agency)["eligible"]
    ]


def _bid_candidates(bids: list[Bid]) -> list[Candidate]:
    return [
        Candidate(id=str(b.public_id), label=f"{b.agency.enterprise.name} ¥{b.price}") for b in bids
    ]


def _close_registration(
    request: ServiceRequest, actor: Any, now=None, action: str = "close_registration"
) -> None:
    """报名中 → 选取中, or 流标 with too few eligible bidders; the draw list is frozen now."""
    bids = _eligible_bids(request)
    needed = _min_bidders(request)
    if len(bids) < needed:
        _move(
            request,
            RequestStatus.FAILED,
            "fail",
            actor,
            {"eligible": len(bids), "needed": needed},
            now,
        )
        notification_send(
            kind="service_request_failed",
            title=str(_("Your intermediary service request failed (流标)")),
            body=request.title,
            enterprise=request.owner,
        )
        return
    data: dict[str, Any] = {"eligible": [str(b.public_id) for b in bids]}
    if request.method == Method.RANDOM:
        request.draw = draw_prepare(
            purpose=f"中介超市随机选取：{request.title}",
            candidates=_bid_candidates(bids),
            count=1,
            actor=actor,
            subject=request,
        )
        data["draw"] = str(request.draw.public_id)
    elif request.method == Method.OPTIMAL:
        request.base_draw = draw_prepare(
            purpose=f"中介超市优选价下浮率：{request.title}",
            candidates=[Candidate(id=str(r), label=f"{r}") for r in OPTIMAL_BASE_RATES],
            count=1,
            actor=actor,
            subject=request,
        )
        data["draw"] = str(request.base_draw.public_id)
    elif request.method == Method.LOWEST:
        lowest = min(b.price for b in bids)
        tied = [b for b in bids if b.price == lowest]
        if (
            len(tied) > 1
        ):  # rule: ties on the lowest price are drawn (docs/legal.md#marketplace-rules)
            request.draw = draw_prepare(
                purpose=f"中介超市最低价并列抽取：{request.title}",
                candidates=_bid_candidates(tied),
                count=1,
                actor=actor,
                subject=request,
            )
            data["draw"] = str(request.draw.public_id)
    _move(request, RequestStatus.CHOOSING, action, actor, data, now)


def selection_void(*, request: ServiceRequest, actor: Any, reason: str) -> ServiceRequest:
    """
    An upheld objection overturns the published selection: the winning bid is excluded and
    the selection starts again among the remaining eligible bids (a new list frozen, a new
    draw committed; 流标 when too few remain). Called by ``due_process.objection_decide``
    inside its transaction, with the request locked.
    """
    assert request.winner is not None  # only a chosen request is objected to
    bid = request.winner
    bid.excluded_reason = reason.strip()[:300]
    bid.save(update_fields=["excluded_reason", "updated_at"])
    request.winner, request.chosen_at, request.objection_until = None, None, None
    request.draw = request.base_draw = None
    request.base_rate = request.reference_price = None
    _close_registration(request, actor, action="reselect")
    return request


def _optimal_winner(bids: list[Bid], rate: Decimal) -> tuple[Decimal, Bid]:
    """优选价: drop the highest and lowest bid (with ≥3), mean × base = reference; nearest wins."""
    prices = sorted(b.price for b in bids)
    kept = prices[1:-1] if len(prices) >= 3 else prices
    reference = (Decimal(sum(kept)) / len(kept) * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    ranked = sorted(bids, key=lambda b: (abs(b.price - reference), b.price, b.created_at, b.id))
    return reference, ranked[0]


def _publish(request: ServiceRequest, bid: Bid, actor: Any, data: dict, now=None) -> None:
    request.winner = bid
    request.chosen_at = now or timezone.now()
    calendar = work_calendar()
    request.objection_until = add_working_days(
        local_date(request.chosen_at), OBJECTION_WORKING_DAYS, calendar=calendar
    )
    _move(
        request, RequestStatus.CHOSEN, "choose", actor, {**data, "winner": str(bid.public_id)}, now
    )
    notification_send(
        kind="service_request_chosen",
        title=str(_("You were chosen for an intermediary service")),
        body=request.title,
        enterprise=bid.agency.enterprise,
    )


@transaction.atomic
def service_request_choose(
    *,
    request: ServiceRequest,
    actor: Any,
    bid: Bid | None = None,
    witnesses: list[str] | None = None,
    now: datetime | None = None,
) -> ServiceRequest:
    """
    At choice time the winner is fixed: the draw's seed is revealed before the witnesses
    (random; ties on the lowest price; the base rate of 优选价), or the owner picks (择优),
    or the agency chosen directly is confirmed. Errors: ``permission_denied`` (403),
    ``request_wrong_state`` (409), ``invalid_input`` (400).
    """
    request = ServiceRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if getattr(actor, "pk", None) and not _is_member(actor, request.owner_id, Role.APPLICANT):
        raise PermissionDenied(_("Only the owner runs the selection."))
    if request.status != RequestStatus.CHOOSING or (now or timezone.now()) < request.choice_at:
        raise Conflict(_("The choice time has not come or has passed."), code=ErrorCode.WRONG_STATE)
    names = witnesses or request.witnesses
    bids = _eligible_bids(request)
    if request.method == Method.MERIT:
        if bid is None or bid not in bids:
            raise _invalid("bid", "invalid_input", _("Pick one of the eligible bids."))
        _publish(request, bid, actor, {"method": "merit"}, now)
    elif request.method == Method.DIRECT:
        _publish(request, bids[0], actor, {"method": "direct"}, now)
    elif request.method == Method.OPTIMAL:
        assert request.base_draw is not None  # prepared when registration closed (optimal)
        draw = draw_reveal(draw=request.base_draw, witnesses=names, actor=actor)
        rate = Decimal(draw.result[0])
        reference, winner = _optimal_winner(bids, rate)
        request.base_rate, request.reference_price = rate, reference
        _publish(request, winner, actor, {"base_rate": str(rate), "reference": str(reference)}, now)
    elif request.draw is not None:
        draw = draw_reveal(draw=request.draw, witnesses=names, actor=actor)
        winner = next(b for b in bids if str(b.public_id) == draw.result[0])
        _publish(request, winner, actor, {"draw": str(draw.public_id)}, now)
    else:  # lowest price without a tie
        winner = min(bids, key=lambda b: (b.price, b.created_at, b.id))
        _publish(request, winner, actor, {"method": "lowest"}, now)
    return request


def requests_advance(*, now: datetime | None = None) -> dict[str, int]:
    """
    The scheduled job: at registration close 报名中 → 选取中 (or 流标); at choice time the
    drawn methods and the direct choice are chosen (选取中 → 已选取) with the request's named
    witnesses; merit waits for the owner. Then derives the relying department's ratings of
    delivered requests whose approval has been decided. One transaction per move.
    """
    now = now or timezone.now()
    moved = {"closed": 0, "chosen": 0, "rated": 0}
    for request in ServiceRequest.objects.filter(
        status=RequestStatus.REGISTERING, registration_closes_at__lte=now
    ).order_by("registration_closes_at", "id"):
        with transaction.atomic():
            _close_registration(
                ServiceRequest.objects.select_for_update(of=("self",)).get(pk=request.pk), None, now
            )
            moved["closed"] += 1
    for request in (
        ServiceRequest.objects.filter(status=RequestStatus.CHOOSING, choice_at__lte=now)
        .exclude(method=Method.MERIT)
        .order_by("choice_at", "id")
    ):
        service_request_choose(request=request, actor=None, now=now)
        moved["chosen"] += 1
    # repair sweep: the ratings are derived when the approval happens (``on_case_event``);
    # this catches a hook that did not run (a crash between the commit and the listener)
    for request in ServiceRequest.objects.filter(status=RequestStatus.DELIVERED).exclude(
        ratings__rater_kind=RaterKind.DEPARTMENT
    ):
        if rating_department_derive(request=request) is not None:
            moved["rated"] += 1
    return moved


def department_ratings_for_case(case_pk: int) -> int:
    """Derive the relying department's rating of each delivered request of a case whose
    approval is now decided (idempotent: a request already rated is left alone)."""
    rated = 0
    delivered = ServiceRequest.objects.filter(case_id=case_pk, status=RequestStatus.DELIVERED)
    # perf: most cases used no intermediary; then one plain query (it runs in the deciding
    # request, after its commit) instead of the rating's anti-join
    if not delivered.order_by().exists():
        return rated
    for request in delivered.exclude(ratings__rater_kind=RaterKind.DEPARTMENT):
        if rating_department_derive(request=request) is not None:
            rated += 1
    return rated


DECIDED_ITEM_STATES = {ItemStatus.APPROVED, ItemStatus.APPROVED_DEFERRED, ItemStatus.DENIED}


def on_case_event(kind: str, case_pk: int, data: dict) -> None:
    """
    The cases hook (ADR 0002; cases never imports the marketplace): when an item of a case
    is decided, the department's rating of the reports the case used is derived at once.
    ``requests_advance`` keeps a sweep for a missed hook.
    """
    if kind == EventKind.ITEM_TRANSITION and data.get("to") in DECIDED_ITEM_STATES:
        department_ratings_for_case(case_pk)


# -- contract, deliverable, the case ------------------------------------------------------


@transaction.atomic
def contract_file(
    *,
    actor: User,
    request: ServiceRequest,
    price: Decimal,
    period_days: int,
    signed_on: date,
    file: Any = None,
    on: date | None = None,
) -> Contract:
    """
    File the contract (price, period in working days) once the objection period of the 公示
    is over. Role: the owner's applicant. Errors: ``permission_denied`` (403),
    ``price_invalid``, ``invalid_input`` (400), ``request_wrong_state``,
    ``objection_period_open`` (409).
    """
    if not _is_member(actor, request.owner_id, Role.APPLICANT):
        raise PermissionDenied(_("Only the owner files the contract."))
    request = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("winner")
        .get(pk=request.pk)
    )
    if request.status != RequestStatus.CHOSEN:
        raise Conflict(_("No winner awaits a contract."), code=ErrorCode.WRONG_STATE)
    today = on or local_date()  # ``on``: the demo replays a past filing
    # a chosen request always has its winner and objection period (``_publish``)
    assert request.winner is not None and request.objection_until is not None
    if today <= request.objection_until:
        raise Conflict(
            _("Objections may be raised until %(d)s.") % {"d": request.objection_until},
            code=ErrorCode.OBJECTION_PERIOD,
        )
    if request.objections.filter(status="open").exists():
        raise Conflict(
            _("An objection to this selection awaits its decision."),
            code=ErrorCode.OBJECTION_PENDING,
        )
    if price != request.winner.price:
        raise _invalid(
            "price", ErrorCode.PRICE_INVALID, _("The contract price is the winning bid's.")
        )
    if not (1 <= period_days <= 365):
        raise _invalid("period_days", "invalid_input", _("The period is 1 to 365 working days."))
    if signed_on > today or signed_on < local_date(request.chosen_at):
        raise _invalid(
            "signed_on", "invalid_input", _("Signed after the choice and not in the future.")
        )
    contract = Contract(
        request=request,
        price=price,
        period_days=period_days,
        signed_on=signed_on,
        due_on=add_working_days(signed_on, period_days, calendar=work_calendar()),
        filed_by=actor,
    )
    if file is not None:
        contract.file.save(getattr(file, "name", "contract.pdf"), file, save=False)
    contract.save()
    _move(
        request,
        RequestStatus.CONTRACTED,
        "contract",
        actor,
        {"price": str(price), "days": period_days},
        _noon(on),
    )
    return contract


@transaction.atomic
def deliverable_file(
    *, actor: User, request: ServiceRequest, file: Any, on: date | None = None
) -> Deliverable:
    """
    The chosen agency files its report (deliverable): the intermediary's clock stops.
    Role: intermediary of the winning agency. Errors: ``permission_denied`` (403),
    ``invalid_input`` (400), ``request_wrong_state`` (409).
    """
    request = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("winner__agency")
        .get(pk=request.pk)
    )
    if request.winner is None or not _is_member(
        actor, request.winner.agency.enterprise_id, Role.INTERMEDIARY
    ):
        raise PermissionDenied(_("Only the chosen agency files the deliverable."))
    if request.status != RequestStatus.CONTRACTED:
        raise Conflict(_("There is no contract to deliver on."), code=ErrorCode.WRONG_STATE)
    content = file.read() if file is not None else b""
    if not content:
        raise _invalid("file", "invalid_input", _("The file is empty."))
    name = (getattr(file, "name", "") or "report.pdf").rsplit("/", 1)[-1][:200]
    row = Deliverable(
        request=request,
        original_name=name,
        sha256=hashlib.sha256(content).hexdigest(),
        delivered_on=on or local_date(),
        filed_by=actor,
    )
    row.file.save(name, ContentFile(content), save=False)
    row.save()
    _move(request, RequestStatus.DELIVERED, "deliver", actor, {"sha256": row.sha256}, _noon(on))
    notification_send(
        kind="deliverable_filed",
        title=str(_("The intermediary filed its report")),
        body=request.title,
        enterprise=request.owner,
    )
    return row


@transaction.atomic
def deliverable_attach_to_case(
    *, actor: User, request: ServiceRequest, case: Case | None = None
) -> Deliverable:
    """
    Attach the filed report as the case's material (through the cases material service; the
    same checks of type and size apply). Role: the owner's applicant (the case's applicant).
    Errors: as ``case_material_upload``; ``request_wrong_state`` (409), ``invalid_input`` (400).
    """
    request = ServiceRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if not _is_member(actor, request.owner_id, Role.APPLICANT):
        raise PermissionDenied(_("Only the owner attaches the report to its case."))
    deliverable = getattr(request, "deliverable", None)
    if deliverable is None:
        raise Conflict(_("No report has been filed."), code=ErrorCode.WRONG_STATE)
    case = case or request.case
    if case is None or case.project_id != request.project_id or not request.material_code:
        raise _invalid("case", "invalid_input", _("Name a case of this project and the material."))
    with deliverable.file.open("rb") as handle:
        upload = ContentFile(handle.read(), name=deliverable.original_name)
    material = case_material_upload(
        case=case, actor=actor, material_code=request.material_code, file=upload
    )
    if request.case_id != case.pk:
        request.case = case
        request.save(update_fields=["case", "updated_at"])
    deliverable.material_public_id = material.public_id
    deliverable.attached_at = timezone.now()
    deliverable.save(update_fields=["material_public_id", "attached_at", "updated_at"])
    RequestEvent.objects.create(
        request=request,
        from_status=request.status,
        to_status=request.status,
        action="attach",
        actor=actor,
        data={"case": str(case.public_id), "material": str(material.public_id)},
    )
    audit_record(
        actor=actor, action="deliverable_attach", obj=deliverable, summary=str(case.public_id)
    )
    return deliverable


# -- ratings ----------------------------------------------------------------------------


def _rating(
    request: ServiceRequest,
    kind: str,
    scores: dict,
    overall: Decimal,
    actor: Any,
    derived=None,
    comment="",
):
    if Rating.objects.filter(request=request, rater_kind=kind).exists():
        raise Conflict(
            _("This request has been rated by this rater."), code=ErrorCode.RATING_EXISTS
        )
    # rated only once delivered (or its report used), so the request has its winner
    assert request.winner is not None
    row = Rating.objects.create(
        request=request,
        agency=request.winner.agency,
        rater_kind=kind,
        scores=scores,
        overall=overall.quantize(CENT, rounding=ROUND_HALF_UP),
        derived_from=derived or {},
        comment=comment[:2000],
        rated_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, action=f"rating_{kind}", obj=row, summary=str(row.overall))
    return row


def _check_scores(scores: dict, dimensions=OWNER_DIMENSIONS) -> dict[str, int]:
    out = {}
    for key in dimensions:
        value = scores.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise _invalid(key, ErrorCode.RATING_INVALID, _("Each dimension is scored 1 to 5."))
        out[key] = value
    return out


@transaction.atomic
def rating_owner(
    *, actor: User, request: ServiceRequest, scores: dict, comment: str = ""
) -> Rating:
    """
    The owner rates on the five standard dimensions (quality, timeliness, attitude, charge,
    standards), 1–5 each; overall = mean × 20. Only once the contract and the deliverable
    are filed. Errors: ``permission_denied`` (403), ``rating_invalid`` (400),
    ``request_wrong_state``, ``rating_exists`` (409).
    """
    if not _is_member(actor, request.owner_id, Role.APPLICANT):
        raise PermissionDenied(_("Only the owner rates as the owner."))
    request = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("winner__agency")
        .get(pk=request.pk)
    )
    # rule: contract and result filed before scoring (docs/legal.md#marketplace-rules)
    if request.status != RequestStatus.DELIVERED:
        raise Conflict(
            _("Rate once the contract and the report are filed."), code=ErrorCode.WRONG_STATE
        )
    checked = _check_scores(scores)
    overall = Decimal(sum(checked.values())) / len(checked) * 20
    return _rating(request, RaterKind.OWNER, checked, overall, actor, comment=comment)


@transaction.atomic
def rating_centre(*, actor: User, request: ServiceRequest, score: int, comment: str = "") -> Rating:
    """The supervision centre's own rating (0–100). Role: centre administrator."""
    if not user_holds(actor, Role.CENTRE_ADMIN):
        raise PermissionDenied(_("Only the centre rates as the centre."))
    request = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("winner__agency")
        .get(pk=request.pk)
    )
    if request.status != RequestStatus.DELIVERED:
        raise Conflict(
            _("Rate once the contract and the report are filed."), code=ErrorCode.WRONG_STATE
        )
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        raise _invalid("score", ErrorCode.RATING_INVALID, _("The score is 0 to 100."))
    return _rating(
        request, RaterKind.CENTRE, {"score": score}, Decimal(score), actor, comment=comment
    )


def rating_department_derive(*, request: ServiceRequest) -> Rating | None:
    """
    The relying department's rating, derived from the approval that used the report (no
    one types it): once an item needing the material is decided, 100 − 20 per correction the
    report caused (the material supplied again), − 10 per extra review round, 0 if the
    approval was denied; ``accepted_first_time`` when no correction was needed. None while
    the approval is pending. (docs/marketplace.md#department-rating)
    """
    from .selectors import report_outcome  # reads the case through the cases selectors

    outcome = report_outcome(request)
    if outcome is None:
        return None
    with transaction.atomic():
        if outcome["approved"]:
            score = Decimal(
                max(0, 100 - 20 * outcome["corrections"] - 10 * (outcome["review_rounds"] - 1))
            )
        else:
            score = Decimal(0)
        return _rating(request, RaterKind.DEPARTMENT, {}, score, None, derived=outcome)
