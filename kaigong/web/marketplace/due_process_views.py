"""
中介超市 pages, due process: sanctions (the centre serves notice and decides, the agency
states its case and appeals; decided sanctions are published on the agency's page),
objections to a published selection (anyone signed in raises one from the 公示, the centre
decides), and the centre's review of newly registered agencies.
Thin: parse, call one selector or service, render.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_has_role, user_holds
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.marketplace import due_process, services
from kaigong.marketplace.constants import SanctionKind
from kaigong.marketplace.selectors import (
    agencies_pending_review,
    agency_get_for_review,
    agency_list_public,
    objection_get_for,
    objection_list_visible_to,
    sanction_get_for,
    sanction_list_visible_to,
    winner_get_public,
)
from kaigong.web.auth_request import signed_in

T = "web/marketplace/"


def _error_status(error: DomainError | None) -> int:
    """A refused action answers with its status (the refused write is then audited)."""
    return error.status if error is not None else 200


def _uuid(value: str | None) -> uuid.UUID | None:
    """A posted identifier, or None when it is not one (the lookup then answers 404)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _months(value: str | None) -> int:
    text = value or ""
    return int(text) if text.isdigit() else 0


@login_required
def sanction_list_page(request: HttpRequest) -> HttpResponse:
    """Sanctions: the centre's list with the notice form; an agency sees its own."""
    user = signed_in(request)
    admin = user_has_role(user, Role.CENTRE_ADMIN)
    error = None
    if request.method == "POST":
        try:
            agency = agency_get_for_review(user, _uuid(request.POST.get("agency")))
            row = due_process.sanction_open(
                actor=user,
                agency=agency,
                kind=request.POST.get("kind", ""),
                grounds=request.POST.get("grounds", ""),
            )
        except NotFound:
            raise Http404 from None
        except DomainError as e:
            error = e
        else:
            return redirect("web:marketplace-sanction", public_id=row.public_id)
    context = {
        "rows": sanction_list_visible_to(user)[:200],
        "admin": admin,
        "agencies": agency_list_public()[:500] if admin else [],
        "kinds": SanctionKind.choices,
        "error": error,
    }
    return render(request, T + "sanctions.html", context, status=_error_status(error))


def _sanction_act(request: HttpRequest, row) -> None:
    p, user, action = request.POST, signed_in(request), request.POST.get("action", "")
    if action == "statement":
        due_process.sanction_statement(actor=user, sanction=row, statement=p.get("text", ""))
    elif action == "decide":
        due_process.sanction_decide(
            actor=user,
            sanction=row,
            uphold=p.get("uphold") == "yes",
            decision=p.get("text", ""),
            months=_months(p.get("months")),
        )
    elif action == "appeal":
        due_process.sanction_appeal(actor=user, sanction=row, appeal=p.get("text", ""))
    elif action == "appeal_decide":
        due_process.sanction_appeal_decide(
            actor=user,
            sanction=row,
            overturn=p.get("overturn") == "yes",
            decision=p.get("text", ""),
        )
    else:
        raise NotFound()


@login_required
def sanction_page(request: HttpRequest, public_id) -> HttpResponse:
    """A sanction's steps, and the next step for whoever may take it."""
    user = signed_in(request)
    try:
        row = sanction_get_for(user, public_id)
    except NotFound:
        raise Http404 from None
    error = None
    if request.method == "POST":
        try:
            _sanction_act(request, row)
        except NotFound:
            raise Http404 from None
        except DomainError as e:
            error = e
        else:
            return redirect("web:marketplace-sanction", public_id=row.public_id)
        row = sanction_get_for(user, public_id)
    context = {
        "row": row,
        "admin": user_has_role(user, Role.CENTRE_ADMIN),
        "agency_member": user_holds(
            user, Role.INTERMEDIARY, enterprise_id=row.agency.enterprise_id
        ),
        "error": error,
    }
    return render(request, T + "sanction.html", context, status=_error_status(error))


@login_required
def objection_new_page(request: HttpRequest, public_id) -> HttpResponse:
    """Object to a published selection (公示期异议), from the winners' list."""
    try:
        row = winner_get_public(public_id)
    except NotFound:
        raise Http404 from None
    error = None
    if request.method == "POST":
        try:
            due_process.objection_raise(
                actor=signed_in(request),
                request=row,
                grounds=request.POST.get("grounds", ""),
                contact=request.POST.get("contact", ""),
            )
        except DomainError as e:
            error = e
        else:
            return redirect("web:marketplace-objections")
    return render(
        request, T + "objection_new.html", {"row": row, "error": error}, status=_error_status(error)
    )


@login_required
def objection_list_page(request: HttpRequest) -> HttpResponse:
    """Objections: the centre decides them here; others see those they may (their own)."""
    user = signed_in(request)
    error = None
    if request.method == "POST":
        try:
            due_process.objection_decide(
                actor=user,
                objection=objection_get_for(user, _uuid(request.POST.get("objection"))),
                uphold=request.POST.get("uphold") == "yes",
                decision=request.POST.get("decision", ""),
            )
        except NotFound:
            raise Http404 from None
        except DomainError as e:
            error = e
        else:
            return redirect("web:marketplace-objections")
    context = {
        "rows": objection_list_visible_to(user)[:200],
        "admin": user_has_role(user, Role.CENTRE_ADMIN),
        "error": error,
    }
    return render(request, T + "objections.html", context, status=_error_status(error))


@login_required
def agency_review_page(request: HttpRequest) -> HttpResponse:
    """The centre reviews newly registered agencies before they are listed (404 for others)."""
    user = signed_in(request)
    if not user_has_role(user, Role.CENTRE_ADMIN):
        raise Http404
    error = None
    if request.method == "POST":
        try:
            services.agency_review(
                actor=user,
                agency=agency_get_for_review(user, _uuid(request.POST.get("agency"))),
                approve=request.POST.get("approve") == "yes",
                note=request.POST.get("note", ""),
            )
        except NotFound:
            raise Http404 from None
        except DomainError as e:
            error = e
        else:
            return redirect("web:marketplace-review")
    context = {"rows": agencies_pending_review(user), "error": error}
    return render(request, T + "review.html", context, status=_error_status(error))
