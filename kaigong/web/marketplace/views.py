"""
中介超市 pages: public (agencies with their composite scores, an agency, the winners 公示),
the owner's and the agency's request pages (open, bid, draw, contract, report, attach, rate)
and the supervisor's signals. Thin: parse, call one selector or service, render.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_has_role, user_holds
from kaigong.core.clock import local_date
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.marketplace import services
from kaigong.marketplace.constants import OWNER_DIMENSIONS, FundsType, Method, RequestStatus
from kaigong.marketplace.selectors import (
    agency_get_public,
    agency_list_public,
    agency_of,
    bids_visible,
    collusion_signals,
    composite_score,
    intermediary_segments,
    objection_list_visible_to,
    sanctions_published,
    service_request_get_for,
    service_request_list_visible_to,
    winners_public,
)
from kaigong.projects.selectors import project_get_for
from kaigong.web.auth_request import signed_in

T = "web/marketplace/"
STATUS = dict(RequestStatus.choices)
ACTIONS = {
    "open": _("Opened"),
    "close_registration": _("Registration closed, list frozen"),
    "fail": _("Failed: too few bidders"),
    "choose": _("Chosen and published"),
    "contract": _("Contract filed"),
    "deliver": _("Report filed"),
    "attach": _("Report attached to the application"),
}


def agency_list_page(request: HttpRequest) -> HttpResponse:
    """Public: the listed agencies with their composite scores (公开)."""
    rows = [(a, composite_score(a)) for a in agency_list_public()[:200]]
    return render(request, T + "agencies.html", {"rows": rows})


def agency_page(request: HttpRequest, public_id) -> HttpResponse:
    """Public: an agency's qualifications, completed services and composite score."""
    try:
        agency = agency_get_public(public_id)
    except NotFound:
        raise Http404 from None
    done = winners_public().filter(winner__agency=agency, status=RequestStatus.DELIVERED)
    return render(
        request,
        T + "agency.html",
        {
            "agency": agency,
            "score": composite_score(agency),
            "done": done,
            "sanctions": sanctions_published(agency),
        },
    )


def winner_list_page(request: HttpRequest) -> HttpResponse:
    """Public: 公示 of the chosen agencies, with the draw to re-run and the objection period."""
    return render(
        request, T + "winners.html", {"rows": winners_public()[:200], "today": local_date()}
    )


@login_required
def request_list_page(request: HttpRequest) -> HttpResponse:
    rows = service_request_list_visible_to(signed_in(request))[:200]
    return render(
        request, T + "requests.html", {"rows": rows, "agency": agency_of(signed_in(request))}
    )


class RequestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    service_type = forms.CharField(label=_("Service type"), max_length=100)
    material_code = forms.CharField(
        label=_("Material the report serves"), max_length=64, required=False
    )
    funds_type = forms.ChoiceField(label=_("Funds"), choices=FundsType.choices)
    method = forms.ChoiceField(
        label=_("Selection method"), choices=[c for c in Method.choices if c[0] != Method.DIRECT]
    )
    qualification_kind = forms.CharField(
        label=_("Qualification required"), max_length=100, required=False
    )
    price_min = forms.DecimalField(
        label=_("Price from (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    price_max = forms.DecimalField(
        label=_("Price to (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    registration_hours = forms.IntegerField(
        label=_("Registration open for (hours)"), min_value=1, max_value=24 * 30, initial=48
    )
    choice_hours = forms.IntegerField(
        label=_("Choice after registration closes (hours)"),
        min_value=0,
        max_value=24 * 30,
        initial=1,
    )
    witnesses = forms.CharField(
        label=_("Witnesses (one a line)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


@login_required
def request_new_page(request: HttpRequest) -> HttpResponse:
    """The owner opens a request from the project's guide (?project=…&material=…)."""
    try:
        project = project_get_for(signed_in(request), request.GET.get("project", ""))
    except NotFound:
        raise Http404 from None
    initial = {
        "material_code": request.GET.get("material", "")[:64],
        "title": request.GET.get("title", "")[:200],
    }
    form = RequestForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        closes = timezone.now() + timedelta(hours=d["registration_hours"])
        try:
            row = services.service_request_open(
                actor=signed_in(request),
                project=project,
                title=d["title"],
                service_type=d["service_type"],
                funds_type=d["funds_type"],
                method=d["method"],
                price_min=d["price_min"],
                price_max=d["price_max"],
                registration_closes_at=closes,
                choice_at=closes + timedelta(hours=d["choice_hours"]),
                witnesses=d["witnesses"].splitlines(),
                qualification_kind=d["qualification_kind"],
                material_code=d["material_code"],
            )
        except DomainError as e:
            error = e
        else:
            return redirect("web:marketplace-request", public_id=row.public_id)
    return render(
        request, T + "request_new.html", {"form": form, "project": project, "error": error}
    )


def _decimal(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError):
        return None


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _act(request: HttpRequest, row) -> None:
    """One POST, one service: which one is named by ``action``."""
    p, user, action = request.POST, signed_in(request), request.POST.get("action", "")
    if action == "bid":
        agency = agency_of(user)
        if agency is None:
            raise NotFound(_("Only an agency's intermediaries bid."))
        services.bid_submit(
            actor=user,
            request=row,
            agency=agency,
            price=_decimal(p.get("price")) or Decimal(0),
            contact_phone=p.get("contact_phone", "")[:20],
        )
    elif action == "choose":
        picked = _uuid(p.get("bid"))
        bid = row.bids.filter(public_id=picked).first() if picked else None
        services.service_request_choose(request=row, actor=user, bid=bid)
    elif action == "contract":
        services.contract_file(
            actor=user,
            request=row,
            price=_decimal(p.get("price")) or Decimal(0),
            period_days=int(p.get("period_days") or 0)
            if (p.get("period_days") or "").isdigit()
            else 0,
            signed_on=timezone.localdate(),
        )
    elif action == "deliverable":
        services.deliverable_file(actor=user, request=row, file=request.FILES.get("file"))
    elif action == "attach":
        services.deliverable_attach_to_case(actor=user, request=row)
    elif action == "rate":
        scores = {k: int(p[k]) if (p.get(k) or "").isdigit() else 0 for k in OWNER_DIMENSIONS}
        services.rating_owner(
            actor=user, request=row, scores=scores, comment=p.get("comment", "")[:2000]
        )
    elif action == "rate_centre":
        score = p.get("score") or ""
        services.rating_centre(
            actor=user,
            request=row,
            score=int(score) if score.isdigit() else -1,
            comment=p.get("comment", "")[:2000],
        )
    else:
        raise NotFound(_("Unknown action."))


@login_required
def request_page(request: HttpRequest, public_id) -> HttpResponse:
    """A request: its state log, bids (as disclosed), draw, contract, report and ratings; the
    actions of the viewer's role."""
    try:
        row = service_request_get_for(signed_in(request), public_id)
    except NotFound:
        raise Http404 from None
    error = None
    if request.method == "POST":
        try:
            _act(request, row)
        except NotFound:
            raise Http404 from None
        except DomainError as e:
            error = e
        else:
            return redirect("web:marketplace-request", public_id=row.public_id)
        row = service_request_get_for(signed_in(request), public_id)
    status = error.status if error is not None else 200
    user = signed_in(request)
    owner = user_holds(user, Role.APPLICANT, enterprise_id=row.owner_id)
    agency = agency_of(user)
    context = {
        "row": row,
        "error": error,
        "owner": owner,
        "agency": agency,
        "is_winner": agency is not None
        and row.winner_id
        and row.winner is not None
        and row.winner.agency_id == agency.pk,
        "has_bid": agency is not None and row.bids.filter(agency=agency).exists(),
        "bids": bids_visible(row, user),
        "events": [
            {
                "at": e.at,
                "action": ACTIONS.get(e.action, e.action),
                "from": STATUS.get(e.from_status, ""),
                "to": STATUS.get(e.to_status, e.to_status),
            }
            for e in row.events.all()
        ],
        "clock": [
            c for c in intermediary_segments(project=row.project) if c.request == str(row.public_id)
        ],
        "contract": getattr(row, "contract", None),
        "deliverable": getattr(row, "deliverable", None),
        "ratings": row.ratings.all(),
        "dimensions": OWNER_DIMENSIONS,
        "rated_by_owner": row.ratings.filter(rater_kind="owner").exists(),
        "centre_admin": user_has_role(user, Role.CENTRE_ADMIN),
        "rated_by_centre": row.ratings.filter(rater_kind="centre").exists(),
        "objections": objection_list_visible_to(user).filter(request=row),
        "today": local_date(),
        "now": timezone.now(),
    }
    return render(request, T + "request.html", context, status=status)


@login_required
def signal_list_page(request: HttpRequest) -> HttpResponse:
    """Anti-collusion signals, for supervisors and centre administrators only (404 otherwise)."""
    if not user_has_role(signed_in(request), Role.SUPERVISOR, Role.CENTRE_ADMIN):
        raise Http404
    return render(request, T + "signals.html", {"rows": collusion_signals()})
