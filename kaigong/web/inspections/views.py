"""
Pages of the video site inspection (云踏勘) and the joint review (联合评审). Thin: parse,
call one service or selector, render. Objects are loaded through the app's selectors, so
that whoever may not see one gets 404.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.forms import BaseForm, ChoiceField
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import timezone

from kaigong.accounts.roles import Role
from kaigong.cases.selectors import case_get_for, item_get_for
from kaigong.catalog.models import MatterVersion
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.inspections import joint_services as js
from kaigong.inspections import services as s
from kaigong.inspections.constants import ReviewStatus
from kaigong.inspections.permissions import (
    can_keep_standards,
    can_lead_review,
    can_pick_slot,
    is_call_participant,
    is_inspector_of,
    member_department_for,
    panel_expert_for,
)
from kaigong.inspections.selectors import (
    expert_list,
    inspection_get_for,
    inspection_list_visible_to,
    joint_review_get_for,
    joint_review_list_visible_to,
    record_get_public,
    rehearsal_rows,
    sample_get_public,
    standard_get_for,
    standard_list_for,
)
from kaigong.web.auth_request import signed_in
from kaigong.web.forms import domain_error_to_form

from . import forms as f

T = "web/inspections/"


def _load(loader, user, public_id):
    try:
        return loader(user, public_id)
    except NotFound:
        raise Http404 from None


def _file(field, content_type: str, name: str = "", attachment: bool = False) -> FileResponse:
    # FileResponse treats "" as "no name" (it falls back to the file's own).
    return FileResponse(field.open("rb"), content_type=content_type, as_attachment=attachment,
                        filename=name)  # fmt: skip


def _set_choices(form: BaseForm, name: str, choices: Iterable[Any]) -> None:
    """The choices of one of ``form``'s choice fields, filled in per request."""
    cast(ChoiceField, form.fields[name]).choices = choices


# -- standards -----------------------------------------------------------------------


@login_required
def standard_list(request: HttpRequest) -> HttpResponse:
    if not can_keep_standards(request.user):
        raise DjangoPermissionDenied
    versions = (
        MatterVersion.objects.filter(status="published")
        .select_related("matter")
        .order_by("matter__code", "-version")
    )
    form = f.StandardForm(request.POST or None)
    _set_choices(form, "matter_version", [(str(v.public_id), f"{v.matter.code} {v.name} v{v.version}")
                                             for v in versions])  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            standard = s.standard_create(
                actor=request.user,
                matter_version=versions.get(public_id=form.cleaned_data["matter_version"]),
                title=form.cleaned_data["title"], preparation=form.cleaned_data["preparation"],
            )  # fmt: skip
        except DomainError as error:
            domain_error_to_form(form, error)
        else:
            return redirect("web:inspection-standard", public_id=standard.public_id)
    return render(request, T + "standards.html",
                  {"standards": standard_list_for(request.user), "form": form})  # fmt: skip


@login_required
def standard_page(request: HttpRequest, public_id) -> HttpResponse:
    standard = _load(standard_get_for, request.user, public_id)
    keeper = can_keep_standards(request.user)
    which = request.POST.get("action", "") if request.method == "POST" else ""
    item_form = f.ChecklistItemForm(request.POST if which == "item" else None, prefix="item")
    sample_form = f.SampleForm(request.POST if which == "sample" else None,
                               request.FILES if which == "sample" else None, prefix="sample")  # fmt: skip
    _set_choices(sample_form, "item", [(str(i.public_id), i.title) for i in standard.items.all()])
    if which and not keeper:
        raise DjangoPermissionDenied
    form = {"item": item_form, "sample": sample_form}.get(which)
    if which == "publish" or (form is not None and form.is_valid()):
        try:
            if which == "publish":
                s.standard_publish(actor=request.user, standard=standard)
            elif which == "item":
                s.checklist_item_add(
                    actor=request.user, standard=standard, **item_form.cleaned_data
                )
            else:
                data = sample_form.cleaned_data
                s.sample_add(actor=request.user, item=standard.items.get(public_id=data["item"]),
                             caption=data["caption"], file=data["file"])  # fmt: skip
        except DomainError as error:
            if form is None:
                messages.error(request, str(error.message))
            else:
                domain_error_to_form(form, error)
        else:
            return redirect("web:inspection-standard", public_id=standard.public_id)
    return render(request, T + "standard.html", {"standard": standard, "keeper": keeper,
                                                  "item_form": item_form, "sample_form": sample_form})  # fmt: skip


def sample_image(request: HttpRequest, public_id) -> HttpResponseBase:
    """A sample picture of a published standard: public, like the guide that shows it."""
    try:
        sample = sample_get_public(public_id, request.user)
    except NotFound:
        raise Http404 from None
    return _file(sample.file, sample.content_type)


# -- inspections ---------------------------------------------------------------------


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    inspections = inspection_list_visible_to(request.user).prefetch_related("slots")[:200]
    return render(request, T + "list.html", {"inspections": inspections})


@login_required
def inspection_request(request: HttpRequest, item_id) -> HttpResponse:
    item = _load(item_get_for, request.user, item_id)
    from kaigong.accounts.models import Membership

    people = (Membership.objects.filter(role=Role.INSPECTOR, department=item.department,
                                        user__is_active=True)
              .select_related("user").order_by("user__username"))  # fmt: skip
    form = f.RequestForm(request.POST or None)
    _set_choices(form, "inspectors", [(str(m.user.public_id), str(m.user)) for m in people])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        length = timedelta(hours=data["slot_hours"])
        slots = [(start, start + length) for start in (data["slot1"], data["slot2"]) if start]
        try:
            inspection = s.inspection_request(
                actor=request.user, item=item, inspectors=data["inspectors"], slots=slots,
                reason=data["reason"], planned_working_days=data["planned_working_days"],
                site_polygon=data["site_polygon"],
            )  # fmt: skip
        except DomainError as error:
            domain_error_to_form(form, error)
        else:
            return redirect("web:inspection-detail", public_id=inspection.public_id)
    return render(request, T + "request.html", {"item": item, "form": form,
                                                "standard": s.standard_in_force(item.matter_version)})  # fmt: skip


def _detail_forms(request, inspection, which: str) -> dict:
    post = request.POST if request.method == "POST" else None
    forms = {
        "slot": f.SlotForm(post if which == "slot" else None, prefix="slot"),
        "result": f.ResultForm(post if which == "result" else None, prefix="result"),
        "record": f.RecordForm(post if which == "record" else None, prefix="record"),
        "sign": f.SignForm(post if which == "sign" else None, prefix="sign"),
        "cancel": f.CancelForm(post if which == "cancel" else None, prefix="cancel"),
    }
    _set_choices(
        forms["slot"],
        "slot",
        [
            (str(x.public_id), timezone.localtime(x.starts_at).strftime("%Y-%m-%d %H:%M"))
            for x in inspection.slots.all()
        ],
    )
    return forms


def _inspection_action(request, inspection, which: str, form) -> None:
    data = form.cleaned_data if form is not None else {}
    user = request.user
    if which == "slot":
        s.inspection_slot_pick(actor=user, inspection=inspection, slot=data["slot"])
    elif which == "start":
        s.inspection_start(actor=user, inspection=inspection)
    elif which == "result":
        s.result_set(actor=user, inspection=inspection, **data)
    elif which == "record":
        lines = [x for x in data.pop("rectifications", "").splitlines() if x.strip()]
        s.record_write(actor=user, inspection=inspection, rectifications=lines, **data)
    elif which == "sign":
        s.record_sign(actor=user, record=inspection.record, **data)
    elif which == "cancel":
        s.inspection_cancel(actor=user, inspection=inspection, **data)


@login_required
def inspection_detail(request: HttpRequest, public_id) -> HttpResponse:
    inspection = _load(inspection_get_for, request.user, public_id)
    which = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _detail_forms(request, inspection, which)
    form = forms.get(which)
    if which == "start" or (form is not None and form.is_valid()):
        try:
            _inspection_action(request, inspection, which, form)
        except DomainError as error:
            if form is None:
                messages.error(request, str(error.message))
            else:
                domain_error_to_form(form, error)
        else:
            return redirect("web:inspection-detail", public_id=inspection.public_id)
    record = inspection.record_or_none
    results = {r.checklist_item_id: r for r in inspection.results.all()}
    signed = {sig.signer_id for sig in record.signatures.all()} if record else set()
    return render(request, T + "detail.html", {
        "inspection": inspection,
        "forms": forms,
        "record": record,
        "checklist": [(c, results.get(c.pk)) for c in inspection.standard.items.all()],
        "snapshots": inspection.snapshots.select_related("checklist_item").order_by("call_offset_ms"),
        "segments": inspection.segments.order_by("sequence"),
        "locations": inspection.locations.order_by("-created_at")[:20],
        "is_inspector": is_inspector_of(request.user, inspection),
        "may_pick": can_pick_slot(request.user, inspection),
        "is_participant": is_call_participant(request.user, inspection),
        "may_cancel": inspection.requested_by_id == request.user.pk,
        "has_signed": request.user.pk in signed,
        "verification": s.record_verify(record) if record else None,
        "rehearsals": rehearsal_rows(inspection),
    })  # fmt: skip


def _call_context(request, inspection, mode: str) -> dict:
    role = "inspector" if is_inspector_of(request.user, inspection) else "site"
    return {
        "inspection": inspection,
        "mode": mode,
        "role": role,
        "checklist": list(inspection.standard.items.all()),
        "config": json.dumps(
            {
                "inspection": str(inspection.public_id),
                "mode": mode,
                "role": role,
                "api": f"/api/v1/inspections/{inspection.public_id}/",
                "ws": f"/ws/inspections/{inspection.public_id}/",
                "csrf": get_token(request),
                "iceServers": getattr(settings, "KAIGONG_ICE_SERVERS", []),
                "started": inspection.started_at.isoformat() if inspection.started_at else None,
                "segmentSeconds": max(
                    1, int(getattr(settings, "KAIGONG_CALL_SEGMENT_SECONDS", 10))
                ),
                "nextSegment": inspection.segments.count(),
            }
        ),  # fmt: skip
    }


@login_required
def inspection_call(request: HttpRequest, public_id) -> HttpResponse:
    """The live call (WebRTC): inspectors and the person on site only."""
    inspection = _load(inspection_get_for, request.user, public_id)
    if not is_call_participant(request.user, inspection):
        raise DjangoPermissionDenied
    return render(request, T + "call.html", _call_context(request, inspection, "call"))


@login_required
def inspection_rehearsal(request: HttpRequest, public_id) -> HttpResponse:
    """The connectivity rehearsal before the slot: camera, microphone, signalling, ICE."""
    inspection = _load(inspection_get_for, request.user, public_id)
    if not is_call_participant(request.user, inspection):
        raise DjangoPermissionDenied
    return render(request, T + "call.html", _call_context(request, inspection, "rehearsal"))


@login_required
def snapshot_image(request: HttpRequest, public_id, snapshot_id) -> HttpResponseBase:
    inspection = _load(inspection_get_for, request.user, public_id)
    snapshot = inspection.snapshots.filter(public_id=s.as_uuid(snapshot_id)).first()
    if snapshot is None:
        raise Http404
    return _file(snapshot.file, snapshot.content_type)


@login_required
def segment_video(request: HttpRequest, public_id, sequence: int) -> HttpResponseBase:
    """One recorded segment of the call, for whoever sees the inspection."""
    inspection = _load(inspection_get_for, request.user, public_id)
    segment = inspection.segments.filter(sequence=sequence).first()
    if segment is None:
        raise Http404
    return _file(segment.file, segment.content_type)


@login_required
def record_pdf(request: HttpRequest, public_id) -> HttpResponseBase:
    inspection = _load(inspection_get_for, request.user, public_id)
    record = inspection.record_or_none
    if record is None or not record.pdf:
        raise Http404
    return _file(record.pdf, "application/pdf", f"{record.number}.pdf", attachment=True)


def record_verify_page(request: HttpRequest, public_id) -> HttpResponse:
    """Public: a completed record's number, digests and signatures, recomputed."""
    try:
        record = record_get_public(public_id)
    except NotFound:
        raise Http404 from None
    return render(request, T + "verify.html", {"record": record,
                                               "verification": s.record_verify(record)})  # fmt: skip


# -- joint reviews -------------------------------------------------------------------


@login_required
def joint_review_list(request: HttpRequest) -> HttpResponse:
    reviews = joint_review_list_visible_to(request.user)[:200]
    return render(request, T + "joint_list.html", {"reviews": reviews})


@login_required
def joint_review_new(request: HttpRequest, case_id) -> HttpResponse:
    case = _load(case_get_for, request.user, case_id)
    form = f.ConveneForm(request.POST or None)
    _set_choices(
        form,
        "items",
        [
            (str(i.public_id), f"{i.matter_version.name}（{i.department.name}）")
            for i in case.items.select_related("matter_version", "department").order_by(
                "order", "id"
            )
        ],
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = js.joint_review_convene(actor=request.user, case=case, **form.cleaned_data)
        except DomainError as error:
            domain_error_to_form(form, error)
        else:
            return redirect("web:joint-review-detail", public_id=review.public_id)
    return render(request, T + "joint_new.html", {"case": case, "form": form})


def _review_forms(request, review, which: str) -> dict:
    post = request.POST if request.method == "POST" else None
    forms = {
        "reveal": f.RevealForm(post if which == "reveal" else None, prefix="reveal"),
        "opinion": f.OpinionForm(post if which == "opinion" else None, prefix="opinion"),
        "resolve": f.ResolveForm(post if which == "resolve" else None, prefix="resolve"),
    }
    _set_choices(
        forms["opinion"],
        "expert",
        [("", "—")] + [(str(e.public_id), e.name) for e in review.panel.all()],
    )
    return forms


def _review_action(request, review, which: str, form) -> None:
    user = request.user
    data = form.cleaned_data if form is not None else {}
    if which == "draw":
        js.panel_draw_prepare(actor=user, review=review)
    elif which == "reveal":
        witnesses = [w for w in data["witnesses"].splitlines() if w.strip()]
        js.panel_draw_reveal(actor=user, review=review, witnesses=witnesses)
    elif which == "opinion":
        js.opinion_add(actor=user, review=review, **{**data, "expert": data.get("expert") or None})
    elif which == "sign":
        js.opinion_sign(actor=user, review=review)
    elif which == "resolve":
        js.conflict_resolve(actor=user, review=review, **data)
    elif which == "letter":
        js.letter_issue(actor=user, review=review)
    elif which == "respond":
        answers = {k.removeprefix("response-"): v for k, v in request.POST.items()
                   if k.startswith("response-")}  # fmt: skip
        js.correction_respond(actor=user, review=review, responses=answers)
    elif which == "conclude":
        js.joint_review_conclude(actor=user, review=review)


@login_required
def joint_review_detail(request: HttpRequest, public_id) -> HttpResponse:
    review = _load(joint_review_get_for, request.user, public_id)
    which = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _review_forms(request, review, which)
    form = forms.get(which)
    if which in ("draw", "sign", "letter", "respond", "conclude") or (
        form is not None and form.is_valid()
    ):
        try:
            _review_action(request, review, which, form)
        except DomainError as error:
            if form is None:
                messages.error(request, str(error.message))
            else:
                domain_error_to_form(form, error)
        else:
            return redirect("web:joint-review-detail", public_id=review.public_id)
    from kaigong.cases.permissions import is_applicant_for

    user = signed_in(request)
    letters = list(review.letters.order_by("round"))
    collecting = review.status in js.COLLECTING
    expert = panel_expert_for(user, review)
    signatures = list(review.opinion_signatures.select_related("expert").order_by("round", "id"))
    return render(request, T + "joint_detail.html", {
        "review": review,
        "forms": forms,
        "is_lead": can_lead_review(user, review),
        "is_expert": expert is not None,
        "can_opine": collecting and (expert is not None or can_lead_review(user, review)
                                     or member_department_for(user, review) is not None),
        "can_sign": collecting and expert is not None and not any(
            s.expert_id == expert.pk and s.round == review.round for s in signatures)
        and review.opinions.filter(round=review.round, expert=expert).exists(),
        "is_applicant": is_applicant_for(user, review.case),
        "collecting": collecting,
        "opinions": review.opinions.select_related("expert", "department").order_by("round", "id"),
        "consolidated": js.consolidated_items(review) if collecting else [],
        "quorum": js.quorum_state(review),
        "signatures": [(s, js.opinion_signature_verify(s), js.opinion_fingerprint(s))
                       for s in signatures],
        "letters": [(letter, js.letter_verify(letter)) for letter in letters],
        "must_fix": letters[-1].must_fix_items if letters else [],
        "statuses": ReviewStatus,
    })  # fmt: skip


@login_required
def joint_review_letter(request: HttpRequest, public_id) -> HttpResponseBase:
    review = _load(joint_review_get_for, request.user, public_id)
    wanted = request.GET.get("round", "")
    letters = review.letters.order_by("-round")
    if wanted:
        letters = (
            letters.filter(round=int(wanted))
            if wanted.isdigit() and len(wanted) < 4
            else letters.none()
        )
    letter = letters.first()
    if letter is None:
        raise Http404
    return _file(letter.pdf, "application/pdf", f"{letter.number}.pdf", attachment=True)


@login_required
def expert_pool(request: HttpRequest) -> HttpResponse:
    if not js.expert_pool_readable(request.user):
        raise DjangoPermissionDenied
    form = f.ExpertForm(request.POST or None)
    if request.method == "POST":
        if not can_keep_standards(request.user):
            raise DjangoPermissionDenied
        if form.is_valid():
            try:
                js.expert_create(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                domain_error_to_form(form, error)
            else:
                return redirect("web:expert-pool")
    return render(request, T + "experts.html", {"experts": expert_list(), "form": form,
                                                "keeper": can_keep_standards(request.user)})  # fmt: skip
