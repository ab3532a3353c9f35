"""
Credit page: the records one may see; the subject asks for repair (信用修复) here, and an
approver or head of a department enters a record as the authority and decides the repair
requests of its records. Thin: parse, call one selector or service, render.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import Enterprise
from kaigong.core.exceptions import DomainError, InvalidInput, NotFound
from kaigong.credit.constants import Level, ListKind, RepairStatus
from kaigong.credit.selectors import (
    can_decide_for,
    can_request_repair,
    credit_record_get_for,
    credit_record_list_visible_to,
    credit_repair_get_for,
)
from kaigong.credit.services import (
    authority_department_of,
    credit_record_create,
    credit_repair_decide,
    credit_repair_request,
)
from kaigong.web.auth_request import signed_in


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput(_("Give the date as YYYY-MM-DD.")) from None


def _act(request: HttpRequest) -> None:
    p, user = request.POST, signed_in(request)
    action = p.get("action", "repair")
    if action == "repair":
        credit_repair_request(
            actor=user,
            record=credit_record_get_for(user, _uuid(p.get("record"))),
            statement=p.get("statement", ""),
            evidence=p.get("evidence", ""),
        )
    elif action == "decide":
        credit_repair_decide(
            actor=user,
            repair=credit_repair_get_for(user, _uuid(p.get("repair"))),
            grant=p.get("grant") == "yes",
            reason=p.get("reason", ""),
        )
    elif action == "create":
        enterprise = Enterprise.objects.filter(uscc=p.get("uscc", "").strip().upper()).first()
        if enterprise is None:
            raise InvalidInput(_("No enterprise with this code."), code="credit_subject_required")
        credit_record_create(
            actor=user,
            subject=enterprise,
            list_kind=p.get("list_kind", ""),
            level=p.get("level", ""),
            reason=p.get("reason", ""),
            basis=p.get("basis", ""),
            expires_on=_date(p.get("expires_on")),
        )
    else:
        raise NotFound()


@login_required
def credit_page(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    error = None
    if request.method == "POST":
        try:
            _act(request)
        except NotFound:
            raise Http404 from None
        except DomainError as e:
            error = e
        else:
            return redirect("web:credit")
    rows = [
        (
            r,
            can_request_repair(user, r),
            [x for x in r.repairs.all() if x.status == RepairStatus.PENDING]
            if can_decide_for(user, r)
            else [],
        )
        for r in credit_record_list_visible_to(user).prefetch_related("repairs")[:200]
    ]
    context = {
        "rows": rows,
        "error": error,
        "authority": authority_department_of(user),
        "list_kinds": ListKind.choices,
        "levels": Level.choices,
    }
    return render(
        request,
        "web/credit/records.html",
        context,
        status=error.status if error is not None else 200,
    )
