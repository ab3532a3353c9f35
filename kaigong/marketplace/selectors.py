"""
Reading the marketplace: who sees which request and agency; the report's outcome in the
approval; the intermediary clock (its own segment, excluded from the government clock);
the composite score; the anti-collusion signals.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import Department, ServiceCenter, User
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import region_prefix, user_has_role, user_memberships
from kaigong.calendars.selectors import work_calendar
from kaigong.cases.constants import DenialKind, ItemStatus
from kaigong.cases.models import Case, SubmittedMaterial
from kaigong.core.clock import local_date
from kaigong.core.exceptions import NotFound
from kaigong.credit.constants import Level, ListKind
from kaigong.credit.selectors import records_in_force

from .constants import (
    COMPOSITE_WEIGHTS,
    AgencyStatus,
    RaterKind,
    RequestStatus,
    SanctionStatus,
)
from .models import Agency, Bid, Objection, Rating, Sanction, ServiceRequest

DEPARTMENT_ROLES = (Role.REVIEWER, Role.APPROVER, Role.INSPECTOR, Role.DEPARTMENT_HEAD)
PUBLIC_STATES = (RequestStatus.CHOSEN, RequestStatus.CONTRACTED, RequestStatus.DELIVERED)


def _enterprise_ids(user: User, *roles: str) -> set[int]:
    return {h.enterprise_id for h in user_memberships(user) if h.role in roles and h.enterprise_id}


def _staff_prefixes(user: User) -> set[str]:
    ids = {
        h.department_id
        for h in user_memberships(user)
        if h.role in DEPARTMENT_ROLES and h.department_id
    }
    codes = Department.objects.filter(id__in=ids).values_list("region_code", flat=True)
    return {p for p in (region_prefix(c) for c in codes) if p}


def _centre_prefixes(user: User) -> set[str]:
    """The regions of the service centres the user administers."""
    ids = {
        h.service_center_id
        for h in user_memberships(user)
        if h.role == Role.CENTRE_ADMIN and h.service_center_id
    }
    codes = ServiceCenter.objects.filter(id__in=ids).values_list("region_code", flat=True)
    return {p for p in (region_prefix(c) for c in codes) if p}


def user_memberships_of_centres(centres: QuerySet[ServiceCenter]) -> QuerySet:
    """The ids of the users who administer any of ``centres``."""
    from kaigong.accounts.models import Membership

    return Membership.objects.filter(role=Role.CENTRE_ADMIN, service_center__in=centres).values(
        "user_id"
    )


def agency_of(user: User) -> Agency | None:
    ids = _enterprise_ids(user, Role.INTERMEDIARY)
    return (
        Agency.objects.select_related("enterprise")
        .filter(enterprise_id__in=ids)
        .order_by("id")
        .first()
    )


def service_request_list_visible_to(user: User) -> QuerySet[ServiceRequest]:
    """
    The owner's members its requests; an agency the open requests of its province and those
    it bid on; department staff and centre administrators the requests of their region
    (of another jurisdiction: not found); supervisors all.
    """
    qs = ServiceRequest.objects.select_related("owner", "project", "winner__agency__enterprise")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user_has_role(user, Role.SUPERVISOR):
        return qs
    condition = Q(owner_id__in=_enterprise_ids(user, Role.APPLICANT))
    agency = agency_of(user)
    if agency is not None:
        condition |= Q(bids__agency=agency) | Q(
            status=RequestStatus.REGISTERING, region_code__startswith=agency.province_code
        )
    for prefix in _staff_prefixes(user) | _centre_prefixes(user):
        condition |= Q(region_code__startswith=prefix)
    return qs.filter(condition).distinct()


def service_request_get_for(user: User, public_id: Any) -> ServiceRequest:
    row = service_request_list_visible_to(user).filter(public_id=public_id).first()
    if row is None:
        raise NotFound(_("No such service request."), code="not_found")
    return row


def agency_list_public() -> QuerySet[Agency]:
    return Agency.objects.select_related("enterprise").filter(
        status__in=[AgencyStatus.LISTED, AgencyStatus.SUSPENDED, AgencyStatus.BLACKLISTED]
    )


def agency_get_public(public_id: Any) -> Agency:
    row = agency_list_public().filter(public_id=public_id).first()
    if row is None:
        raise NotFound(_("No such agency."), code="not_found")
    return row


def agency_get_for_review(user: User, public_id: Any) -> Agency:
    """Pending agencies too, for the centre administrators and the agency itself."""
    qs = Agency.objects.select_related("enterprise")
    if not user_has_role(user, Role.CENTRE_ADMIN, Role.SUPERVISOR):
        qs = qs.filter(
            Q(enterprise_id__in=_enterprise_ids(user, Role.INTERMEDIARY))
            | Q(status=AgencyStatus.LISTED)
        )
    row = qs.filter(public_id=public_id).first()
    if row is None:
        raise NotFound(_("No such agency."), code="not_found")
    return row


def winners_public() -> QuerySet[ServiceRequest]:
    """公示: the chosen requests, with their winner and objection period."""
    return (
        ServiceRequest.objects.select_related(
            "winner__agency__enterprise", "owner", "draw", "base_draw"
        )
        .filter(status__in=PUBLIC_STATES)
        .order_by("-chosen_at")
    )


def winner_get_public(public_id: Any) -> ServiceRequest:
    """A published selection (公示), which anyone may read and object to."""
    row = winners_public().filter(public_id=public_id).first()
    if row is None:
        raise NotFound(_("No such published selection."), code="not_found")
    return row


def agencies_pending_review(user: User) -> QuerySet[Agency]:
    """Agencies awaiting the centre's review (centre administrators only; none otherwise)."""
    if not user_has_role(user, Role.CENTRE_ADMIN):
        return Agency.objects.none()
    return (
        Agency.objects.select_related("enterprise")
        .prefetch_related("qualifications")
        .filter(status=AgencyStatus.PENDING)
        .order_by("created_at")
    )


# -- due process: sanctions and objections ------------------------------------------------

# rule: a decided sanction is published (docs/legal.md#marketplace-rules)
PUBLISHED_SANCTIONS = (
    SanctionStatus.DECIDED,
    SanctionStatus.APPEALED,
    SanctionStatus.OVERTURNED,
    SanctionStatus.EXPIRED,
)


def sanction_list_visible_to(user: User) -> QuerySet[Sanction]:
    """
    Supervisors all; a centre administrator those opened by an administrator of a centre in
    its region (the centre that serves notice keeps the case); an agency's intermediaries its
    own. (The decided ones are public on the agency's page: ``sanctions_published``.)
    """
    qs = Sanction.objects.select_related("agency__enterprise")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user_has_role(user, Role.SUPERVISOR):
        return qs
    condition = Q(agency__enterprise_id__in=_enterprise_ids(user, Role.INTERMEDIARY))
    prefixes = _centre_prefixes(user)
    if prefixes:
        centres = ServiceCenter.objects.none()
        for prefix in prefixes:
            centres |= ServiceCenter.objects.filter(region_code__startswith=prefix)
        openers = user_memberships_of_centres(centres)
        condition |= Q(opened_by_id__in=openers)
    return qs.filter(condition).distinct()


def sanction_get_for(user: User, public_id: Any) -> Sanction:
    row = sanction_list_visible_to(user).filter(public_id=public_id).first()
    if row is None:
        raise NotFound(_("No such sanction."), code="not_found")
    return row


def sanctions_published(agency: Agency) -> QuerySet[Sanction]:
    """The decided sanctions of an agency, on its public page (处理结果公开)."""
    return agency.sanctions.filter(status__in=PUBLISHED_SANCTIONS).order_by("-starts_on")


def objection_list_visible_to(user: User) -> QuerySet[Objection]:
    """
    Supervisors all; centre administrators those on the requests of their region; the
    owner's members those on its requests; the chosen agency those on its selections;
    anyone the objections they raised.
    """
    qs = Objection.objects.select_related(
        "request__owner", "bid__agency__enterprise", "raised_by", "decided_by"
    )
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user_has_role(user, Role.SUPERVISOR):
        return qs
    condition = (
        Q(raised_by=user)
        | Q(request__owner_id__in=_enterprise_ids(user, Role.APPLICANT))
        | Q(bid__agency__enterprise_id__in=_enterprise_ids(user, Role.INTERMEDIARY))
    )
    # a centre administrator: the objections to the requests of its region
    for prefix in _centre_prefixes(user):
        condition |= Q(request__region_code__startswith=prefix)
    return qs.filter(condition)


def objection_get_for(user: User, public_id: Any) -> Objection:
    row = objection_list_visible_to(user).filter(public_id=public_id).first()
    if row is None:
        raise NotFound(_("No such objection."), code="not_found")
    return row


# -- the report in the approval -----------------------------------------------------------


def report_outcome(request: ServiceRequest) -> dict[str, Any] | None:
    """
    How the approval that used the report went, from the case itself: once an item whose
    matter needs the report's material is decided — approved or not, the corrections the
    report caused (the material supplied again after the report), the review rounds (1 +
    correction requests since the report) and whether it was accepted first time. None while
    undecided or when the report was never attached.
    """
    deliverable = getattr(request, "deliverable", None)
    if deliverable is None or deliverable.material_public_id is None or request.case_id is None:
        return None
    case = Case.objects.get(pk=request.case_id)
    attached = SubmittedMaterial.objects.filter(public_id=deliverable.material_public_id).first()
    if attached is None:
        return None
    items = [
        i
        for i in case.items.select_related("matter_version")
        if i.matter_version.requirements.filter(material__code=request.material_code).exists()
    ]
    decided = {ItemStatus.APPROVED, ItemStatus.APPROVED_DEFERRED, ItemStatus.DENIED}
    if not items or any(i.status not in decided for i in items):
        return None
    corrections = SubmittedMaterial.objects.filter(
        case=case, material_id=attached.material_id, created_at__gt=attached.created_at
    ).count()
    rounds = (
        1
        + case.denials.filter(
            kind=DenialKind.CORRECTION, created_at__gt=attached.created_at
        ).count()
    )
    return {
        "case": str(case.public_id),
        "approved": all(i.status != ItemStatus.DENIED for i in items),
        "corrections": corrections,
        "review_rounds": rounds,
        "accepted_first_time": corrections == 0,
    }


# -- the intermediary clock ---------------------------------------------------------------


@dataclass(frozen=True)
class ClockSegment:
    """The intermediary's working time: from the contract to the filed report (or today)."""

    request: str
    agency: str
    start: date
    end: date | None
    working_days: int
    responsible: str = "intermediary"


def _workdays(start: date, end: date) -> list[date]:
    calendar = work_calendar()
    days, day = [], start + timedelta(days=1)
    while day <= end:
        if calendar.is_workday(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def intermediary_segments(
    *, case: Case | None = None, project: Any = None, on: date | None = None
) -> list[ClockSegment]:
    """The intermediaries' clock segments for a case or a project (the supervision app reads these)."""
    today = on or local_date()
    qs = ServiceRequest.objects.select_related(
        "contract", "deliverable", "winner__agency__enterprise"
    ).filter(contract__isnull=False)
    qs = qs.filter(case=case) if case is not None else qs.filter(project=project)
    out = []
    for r in qs.order_by("contract__signed_on"):
        end = r.deliverable.delivered_on if hasattr(r, "deliverable") else None
        winner = r.winner
        assert winner is not None  # a contract is filed only once a winner is chosen
        out.append(
            ClockSegment(
                request=str(r.public_id),
                agency=winner.agency.enterprise.name,
                start=r.contract.signed_on,
                end=end,
                working_days=len(_workdays(r.contract.signed_on, end or today)),
            )
        )
    return out


def government_working_days(case: Case, start: date, end: date) -> int:
    """
    Working days in (start, end] on the government's clock for ``case``: the days an
    intermediary was working on a report for it (its segments) are not the government's.
    """
    excluded: set[date] = set()
    for segment in intermediary_segments(case=case, on=end):
        excluded |= set(_workdays(segment.start, segment.end or end))
    return sum(1 for d in _workdays(start, end) if d not in excluded)


# -- the composite score ------------------------------------------------------------------


def credit_component(agency: Agency) -> Decimal:
    """100 with no black record in force, 60 under watch, 30 generally, 0 seriously dishonest."""
    levels = set(
        records_in_force(agency.enterprise)
        .filter(list_kind=ListKind.BLACK)
        .values_list("level", flat=True)
    )
    if Level.SERIOUS in levels:
        return Decimal(0)
    if Level.GENERAL in levels:
        return Decimal(30)
    if Level.WATCH in levels:
        return Decimal(60)
    return Decimal(100)


def composite_score(agency: Agency, *, weights: dict[str, int] | None = None) -> dict[str, Any]:
    """
    The public composite score (docs/marketplace.md#composite): department (mean of the
    derived department ratings) × 70 % + credit × 10 % + public (mean of owner and centre
    ratings) × 20 %, by default. A part without ratings is left out and the weights of the
    others are scaled up to 100; no ratings at all → no score.
    """
    weights = weights or COMPOSITE_WEIGHTS
    by_kind: dict[str, list[Decimal]] = defaultdict(list)
    for kind, overall in Rating.objects.filter(agency=agency).values_list("rater_kind", "overall"):
        by_kind[kind].append(overall)
    parts: dict[str, Decimal | None] = {
        "department": _mean(by_kind[RaterKind.DEPARTMENT]),
        "public": _mean(by_kind[RaterKind.OWNER] + by_kind[RaterKind.CENTRE]),
    }
    rated = any(v is not None for v in parts.values())
    parts["credit"] = credit_component(agency)
    present = {k: v for k, v in parts.items() if v is not None}
    used = {k: w for k, w in weights.items() if k in present}
    total_weight = sum(used.values())
    score = (
        (sum((present[k] * w for k, w in used.items()), Decimal(0)) / total_weight).quantize(
            Decimal("0.1")
        )
        if rated and total_weight
        else None
    )
    return {
        "score": score,
        "parts": parts,
        "weights": weights,
        "ratings": sum(len(v) for v in by_kind.values()),
    }


def _mean(values: list[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01")) if values else None


# -- anti-collusion signals ---------------------------------------------------------------


def collusion_signals(*, requests: QuerySet[ServiceRequest] | None = None) -> list[dict[str, Any]]:
    """
    Signals for the supervisor (never a verdict): the same phone or the same staff member
    in the bids of different agencies on one request; bid prices clustered (coefficient of
    variation under 1 % with three or more bids); a group of agencies that bid together on
    three or more requests with the wins rotating among them.
    """
    qs = requests if requests is not None else ServiceRequest.objects.all()
    signals: list[dict[str, Any]] = []
    groups: dict[frozenset[int], list[ServiceRequest]] = defaultdict(list)
    for request in qs.prefetch_related("bids__agency__enterprise").order_by("created_at"):
        bids = list(request.bids.all())
        phones: dict[str, set[str]] = defaultdict(set)
        staff: dict[str, set[str]] = defaultdict(set)
        for b in bids:
            name = b.agency.enterprise.name
            phones[b.contact_phone].add(name)
            for person in b.staff:
                key = (person.get("certificate_no") or person.get("name") or "").strip()
                if key:
                    staff[key].add(name)
        for phone, names in phones.items():
            if phone and len(names) > 1:
                signals.append(
                    {
                        "kind": "same_phone",
                        "request": str(request.public_id),
                        "title": request.title,
                        "detail": phone,
                        "agencies": sorted(names),
                    }
                )
        for person, names in staff.items():
            if len(names) > 1:
                signals.append(
                    {
                        "kind": "same_staff",
                        "request": str(request.public_id),
                        "title": request.title,
                        "detail": person,
                        "agencies": sorted(names),
                    }
                )
        prices = [float(b.price) for b in bids]
        if len(prices) >= 3 and statistics.mean(prices) > 0:
            cv = statistics.pstdev(prices) / statistics.mean(prices)
            if cv < 0.01:
                signals.append(
                    {
                        "kind": "clustered_prices",
                        "request": str(request.public_id),
                        "title": request.title,
                        "detail": f"{cv:.4f}",
                        "agencies": sorted(b.agency.enterprise.name for b in bids),
                    }
                )
        if len(bids) >= 2 and request.winner_id:
            groups[frozenset(b.agency_id for b in bids)].append(request)
    for members, together in groups.items():
        winners = Counter(r.winner.agency_id for r in together if r.winner is not None)
        if (
            len(together) >= 3
            and len(winners) >= 2
            and max(winners.values()) <= 1 + len(together) // len(members)
        ):
            agency_names = sorted(
                Agency.objects.filter(id__in=members).values_list("enterprise__name", flat=True)
            )
            signals.append(
                {
                    "kind": "rotating_winners",
                    "request": "",
                    "title": "",
                    "detail": str(len(together)),
                    "agencies": agency_names,
                }
            )
    return signals


def bids_visible(request: ServiceRequest, user: User) -> list[Bid]:
    """Bids shown: all to the owner and staff; to others only when disclosed after the choice."""
    bids = list(request.bids.select_related("agency__enterprise").order_by("price", "id"))
    owner = request.owner_id in _enterprise_ids(user, Role.APPLICANT)
    staff = user_has_role(user, Role.SUPERVISOR, Role.CENTRE_ADMIN, *DEPARTMENT_ROLES)
    if owner or staff or (request.disclose_bids and request.status in PUBLIC_STATES):
        return bids
    agency = agency_of(user)
    return [b for b in bids if agency is not None and b.agency_id == agency.pk]
