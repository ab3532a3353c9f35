"""
Pages of the feedback loop and the 办不成事 window. Thin: parse, call one service or
selector, render. Objects outside the user's scope are 404 (the selectors decide).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaigong.accounts.models import Department, ServiceCenter
from kaigong.accounts.selectors import user_service_center_ids
from kaigong.core.clock import local_date
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.feedback.constants import ComplaintChannel, TicketStatus
from kaigong.feedback.exceptions import InvitationExpired, InvitationInvalid, InvitationUsed
from kaigong.feedback.permissions import CENTRE_FEEDBACK_ROLES, COUNTER_ROLES
from kaigong.feedback.selectors import (
    appeal_list_visible_to,
    callback_figures,
    callback_get_for,
    callback_worklist,
    complaint_get_for,
    complaint_list_visible_to,
    evaluation_get_for,
    evaluation_results,
    ticket_get_for,
    ticket_list_visible_to,
)
from kaigong.feedback.services.callbacks import callback_list_build, callback_record
from kaigong.feedback.services.complaints import (
    complaint_act,
    complaint_actions_for,
    complaint_register,
)
from kaigong.feedback.services.evaluations import (
    appeal_decide,
    appeal_file,
    can_file_appeal,
    can_review_appeal,
    evaluation_submit,
    indicator_sets,
    invitation_resolve,
)
from kaigong.feedback.services.tickets import ticket_act, ticket_actions_for
from kaigong.feedback.throttling import RatingIpThrottle
from kaigong.feedback.tokens import invitation_token
from kaigong.projects.qr import qr_png
from kaigong.web.auth_request import signed_in
from kaigong.web.forms import domain_error_to_form
from kaigong.web.ratelimit import rate_limited

from .forms import (
    AppealDecisionForm,
    AppealForm,
    CallbackForm,
    ComplaintActionForm,
    ComplaintForm,
    NoteForm,
    RateForm,
)

T = "web/feedback/"


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _get(selector, request, public_id):
    try:
        return selector(request.user, public_id)
    except NotFound:
        raise Http404 from None


# -- rating (public: the signed token is the credential) --------------------------------------


@rate_limited(RatingIpThrottle, methods=("POST",))
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """The evaluation page an invitation links to (inbox link or QR)."""
    try:
        invitation = invitation_resolve(token)
    except InvitationInvalid:
        return render(request, T + "rate_closed.html", {"reason": "invalid"}, status=404)
    except InvitationUsed:
        return render(request, T + "rate_closed.html", {"reason": "used"}, status=409)
    except InvitationExpired:
        return render(request, T + "rate_closed.html", {"reason": "expired"}, status=410)
    channel = "offline" if request.GET.get("channel") == "offline" else "online"
    national, local = indicator_sets(channel)
    form = RateForm(
        request.POST if request.method == "POST" else None, national=national, local=local
    )
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_submit(
                token=token,
                channel=channel,
                rater=request.user,
                **form.cleaned_data,
            )
        except DomainError as error:
            domain_error_to_form(form, error)
        else:
            return render(request, T + "rate_done.html", {"invitation": invitation})
    return render(
        request,
        T + "rate.html",
        {"invitation": invitation, "form": form, "token": token, "channel": channel},
    )


def rate_qr(request: HttpRequest, token: str) -> HttpResponse:
    """The QR code of the evaluation page (for the hall's screen or the printed notice)."""
    try:
        invitation_resolve(token)
    except DomainError:
        raise Http404 from None
    url = request.build_absolute_uri(reverse("web:feedback-rate", args=[token]))
    return HttpResponse(qr_png(url, box_size=6), content_type="image/png")


def results(request: HttpRequest) -> HttpResponse:
    """Public: aggregate results by department and by service centre."""
    return render(
        request,
        T + "results.html",
        {
            "by_department": evaluation_results(by="department"),
            "by_centre": evaluation_results(by="service_center"),
            "by_window": evaluation_results(by="window"),
        },
    )


# -- staff: tickets, evaluations, appeals ------------------------------------------------------


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    tickets = ticket_list_visible_to(request.user).order_by("status", "due_on", "-id")
    open_tickets = tickets.exclude(status__in=[TicketStatus.CLOSED, TicketStatus.CANCELLED])
    return render(
        request,
        T + "worklist.html",
        {
            "open_tickets": open_tickets[:100],
            "done_tickets": tickets.filter(
                status__in=[TicketStatus.CLOSED, TicketStatus.CANCELLED]
            )[:50],
            "appeals": appeal_list_visible_to(request.user).filter(status="pending")[:50],
        },
    )


def _departments_for(ticket_or_complaint):
    centre = ticket_or_complaint.service_center
    return Department.objects.filter(service_centers=centre).order_by("name")


@login_required
def ticket_detail(request: HttpRequest, public_id) -> HttpResponse:
    ticket = _get(ticket_get_for, request, public_id)
    departments = _departments_for(ticket)
    form = NoteForm(
        request.POST if request.method == "POST" else None,
        departments=departments,
        initial={"department": ticket.department},
    )
    if request.method == "POST" and form.is_valid():
        try:
            ticket_act(
                ticket=ticket,
                actor=request.user,
                action=request.POST.get("action", ""),
                note=form.cleaned_data["note"],
                department=form.cleaned_data["department"],
            )
        except DomainError as error:
            domain_error_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:feedback-ticket", public_id=ticket.public_id)
    return render(
        request,
        T + "ticket.html",
        {"ticket": ticket, "actions": ticket_actions_for(request.user, ticket), "form": form},
    )


@login_required
def evaluation_detail(request: HttpRequest, public_id) -> HttpResponse:
    evaluation = _get(evaluation_get_for, request, public_id)
    appeals = list(evaluation.appeals.select_related("filed_by", "reviewed_by"))
    pending = next((a for a in appeals if a.status == "pending"), None)
    appeal_form = AppealForm(prefix="appeal")
    decision_form = AppealDecisionForm(prefix="decision")
    if request.method == "POST":
        try:
            if request.POST.get("form") == "appeal":
                appeal_form = AppealForm(request.POST, request.FILES, prefix="appeal")
                if appeal_form.is_valid():
                    appeal_file(
                        evaluation=evaluation, actor=request.user, **appeal_form.cleaned_data
                    )
                    return redirect("web:feedback-evaluation", public_id=evaluation.public_id)
            elif request.POST.get("form") == "decision" and pending is not None:
                decision_form = AppealDecisionForm(request.POST, prefix="decision")
                if decision_form.is_valid():
                    appeal_decide(appeal=pending, actor=request.user, **decision_form.cleaned_data)
                    return redirect("web:feedback-evaluation", public_id=evaluation.public_id)
        except DomainError as error:
            target = appeal_form if request.POST.get("form") == "appeal" else decision_form
            domain_error_to_form(target, error)
    return render(
        request,
        T + "evaluation.html",
        {
            "evaluation": evaluation,
            "appeals": appeals,
            "pending": pending,
            "can_appeal": evaluation.status == "valid"
            and can_file_appeal(request.user, evaluation),
            "can_review": pending is not None and can_review_appeal(request.user, pending),
            "appeal_form": appeal_form,
            "decision_form": decision_form,
        },
    )


# -- callbacks ----------------------------------------------------------------------------------


@login_required
def callbacks(request: HttpRequest) -> HttpResponse:
    """The callback agent's morning: this morning's list and the open follow-ups."""
    centres = ServiceCenter.objects.filter(
        id__in=user_service_center_ids(signed_in(request), CENTRE_FEEDBACK_ROLES)
    )
    if not centres:
        raise Http404
    tasks = list(callback_worklist(request.user))
    return render(
        request,
        T + "callbacks.html",
        {
            "centres": centres,
            "tasks": tasks,
            "today": local_date(),
            "figures": callback_figures(service_center_ids=[c.pk for c in centres]),
        },
    )


@login_required
@require_POST
def callbacks_build(request: HttpRequest) -> HttpResponse:
    """Build this morning's list now (the periodic job does it at 07:30)."""
    centre_id = _uuid(request.POST.get("centre"))
    centre = (
        ServiceCenter.objects.filter(
            id__in=user_service_center_ids(signed_in(request), CENTRE_FEEDBACK_ROLES),
            public_id=centre_id,
        ).first()
        if centre_id
        else None
    )
    if centre is None:
        raise Http404
    callback_list_build(service_center=centre, actor=request.user)
    return redirect("web:feedback-callbacks")


@login_required
def callback_detail(request: HttpRequest, public_id) -> HttpResponse:
    task = _get(callback_get_for, request, public_id)
    form = CallbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            callback_record(task=task, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            domain_error_to_form(form, error)
        else:
            messages.success(request, _("The call is recorded."))
            return redirect("web:feedback-callbacks")
    return render(request, T + "callback.html", {"task": task, "form": form})


# -- 办不成事 ----------------------------------------------------------------------------------


@login_required
def complaints(request: HttpRequest) -> HttpResponse:
    rows = complaint_list_visible_to(request.user).order_by("-id")[:200]
    counter = bool(user_service_center_ids(signed_in(request), COUNTER_ROLES))
    return render(request, T + "complaints.html", {"complaints": rows, "counter": counter})


def _complaint_form(request, *, channel: str, centres):
    form = ComplaintForm(request.POST if request.method == "POST" else None, centres=centres)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        centre = data.pop("service_center")
        try:
            complaint = complaint_register(
                actor=request.user, service_center=centre, channel=channel, data=data
            )
        except DomainError as error:
            domain_error_to_form(form, error)
        else:
            messages.success(
                request,
                _("Complaint %(number)s received; answer due by %(due)s.")
                % {"number": complaint.number, "due": complaint.due_on.isoformat()},
            )
            return None, complaint
    return form, None


@login_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    """The 办不成事 window online: anyone signed in files a complaint."""
    form, complaint = _complaint_form(
        request, channel=ComplaintChannel.ONLINE, centres=ServiceCenter.objects.order_by("name")
    )
    if complaint is not None:
        return redirect("web:complaint-detail", public_id=complaint.public_id)
    return render(request, T + "complaint_new.html", {"form": form, "counter": False})


@login_required
def complaint_counter(request: HttpRequest) -> HttpResponse:
    """The counter form: a clerk records a complaint made in person at the 办不成事 window."""
    centres = ServiceCenter.objects.filter(
        id__in=user_service_center_ids(signed_in(request), COUNTER_ROLES)
    )
    if not centres:
        raise Http404
    form, complaint = _complaint_form(request, channel=ComplaintChannel.WINDOW, centres=centres)
    if complaint is not None:
        return redirect("web:complaint-detail", public_id=complaint.public_id)
    return render(request, T + "complaint_new.html", {"form": form, "counter": True})


@login_required
def complaint_detail(request: HttpRequest, public_id) -> HttpResponse:
    complaint = _get(complaint_get_for, request, public_id)
    form = ComplaintActionForm(
        request.POST if request.method == "POST" else None,
        departments=_departments_for(complaint),
    )
    if request.method == "POST" and form.is_valid():
        try:
            complaint_act(
                complaint=complaint,
                actor=request.user,
                action=request.POST.get("action", ""),
                **form.cleaned_data,
            )
        except DomainError as error:
            domain_error_to_form(form, error)
        else:
            return redirect("web:complaint-detail", public_id=complaint.public_id)
    return render(
        request,
        T + "complaint.html",
        {
            "complaint": complaint,
            "actions": complaint_actions_for(request.user, complaint),
            "form": form,
        },
    )


def invitation_link(invitation) -> str:
    return reverse("web:feedback-rate", args=[invitation_token(invitation)])
