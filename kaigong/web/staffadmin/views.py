"""
The centre administrator's page: the centre's staff with their roles and scopes; create a
staff user with a temporary password, grant and revoke roles, deactivate. Every change is
audited by the accounts services. Not an administrator of the centre: 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaigong.accounts.models import Membership
from kaigong.accounts.selectors import (
    centre_admin_center_get,
    centre_admin_centers,
    centre_staff_memberships,
    centre_staff_user_get,
)
from kaigong.accounts.services import (
    staff_role_grant,
    staff_role_revoke,
    staff_user_create,
    staff_user_deactivate,
)
from kaigong.core.exceptions import DomainError
from kaigong.web.auth_request import AuthenticatedRequest
from kaigong.web.forms import domain_error_to_form

from .forms import RoleGrantForm, StaffCreateForm

T = "web/staffadmin/"


def _center(request, public_id):
    center = centre_admin_center_get(request.user, public_id)
    if center is None:
        raise Http404
    return center


@login_required
def staff_home(request: AuthenticatedRequest) -> HttpResponse:
    centers = list(centre_admin_centers(request.user))
    if not centers:
        raise Http404
    if len(centers) == 1:
        return redirect("web:staffadmin-center", public_id=centers[0].public_id)
    return render(request, T + "centers.html", {"centers": centers})


def _people(center) -> list[dict]:
    people: dict[int, dict] = {}
    for m in centre_staff_memberships(center):
        row = people.setdefault(m.user_id, {"user": m.user, "memberships": []})
        row["memberships"].append(m)
    return list(people.values())


@login_required
def staff_center(request: AuthenticatedRequest, public_id) -> HttpResponse:
    center = _center(request, public_id)
    create = StaffCreateForm(
        request.POST if request.method == "POST" else None, center=center, prefix="new"
    )
    if request.method == "POST" and create.is_valid():
        data = create.cleaned_data
        try:
            user, temporary = staff_user_create(
                actor=request.user,
                center=center,
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                role=data["role"],
                department=data["department"],
            )
        except DomainError as error:
            domain_error_to_form(create, error)
        else:
            messages.success(
                request,
                _("%(user)s is created. Temporary password (shown once): %(password)s")
                % {"user": user.username, "password": temporary},
            )
            return redirect("web:staffadmin-center", public_id=center.public_id)
    context = {
        "center": center,
        "people": _people(center),
        "create": create,
        "grant": RoleGrantForm(center=center, prefix="grant"),
    }
    return render(request, T + "center.html", context, status=400 if create.errors else 200)


@login_required
@require_POST
def staff_grant(request: AuthenticatedRequest, public_id, user_id) -> HttpResponse:
    center = _center(request, public_id)
    user = centre_staff_user_get(center, user_id)
    if user is None:
        raise Http404
    form = RoleGrantForm(request.POST, center=center, prefix="grant")
    if form.is_valid():
        try:
            staff_role_grant(
                actor=request.user,
                center=center,
                user=user,
                role=form.cleaned_data["role"],
                department=form.cleaned_data["department"],
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The role is granted."))
    else:
        messages.error(request, _("Choose a role and, where it needs one, a department."))
    return redirect("web:staffadmin-center", public_id=center.public_id)


@login_required
@require_POST
def staff_revoke(request: AuthenticatedRequest, public_id, membership_id) -> HttpResponse:
    center = _center(request, public_id)
    membership = Membership.objects.filter(public_id=membership_id).select_related("user").first()
    if membership is None:
        raise Http404
    try:
        staff_role_revoke(actor=request.user, center=center, membership=membership)
    except DomainError as error:
        if error.status == 404:
            raise Http404 from None
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The role is revoked."))
    return redirect("web:staffadmin-center", public_id=center.public_id)


@login_required
@require_POST
def staff_deactivate(request: AuthenticatedRequest, public_id, user_id) -> HttpResponse:
    center = _center(request, public_id)
    user = centre_staff_user_get(center, user_id)
    if user is None:
        raise Http404
    try:
        staff_user_deactivate(actor=request.user, center=center, user=user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The account is deactivated."))
    return redirect("web:staffadmin-center", public_id=center.public_id)
