"""Credit page: the records one may see; the subject asks for repair (信用修复) here."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kaigong.accounts.models import User
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.credit.selectors import (
    can_request_repair,
    credit_record_get_for,
    credit_record_list_visible_to,
)
from kaigong.credit.services import credit_repair_request


@login_required
def credit_page(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required: never anonymous here
    error = None
    if request.method == "POST":
        try:
            record = credit_record_get_for(user, request.POST.get("record"))
            credit_repair_request(
                actor=user,
                record=record,
                statement=request.POST.get("statement", ""),
                evidence=request.POST.get("evidence", ""),
            )
        except NotFound:
            raise Http404 from None
        except DomainError as e:
            error = e
        else:
            return redirect("web:credit")
    rows = [(r, can_request_repair(user, r)) for r in credit_record_list_visible_to(user)[:200]]
    return render(request, "web/credit/records.html", {"rows": rows, "error": error})
