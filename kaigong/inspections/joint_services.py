"""
Joint review (联合评审 / 多评合一): several items of one case, one lead department, one panel
drawn from the expert pool with the verifiable draw, structured opinions merged by their
structure, one consolidated letter, one correction round; each department decides alone.

    expert_create                       catalogue keeper
    joint_review_convene(case, items)   reviewer / department head of a department of the case
    panel_draw_prepare / _reveal        the lead: recusal, frozen list, committed seed, reveal
    opinion_add                         a panel expert (or the lead, minuting the meeting)
    letter_issue                        the lead: merged items, PDF, signed; correction asked
                                        once when anything must be fixed
    correction_respond                  the applicant answers every must-fix item at once
    joint_review_conclude               the lead closes the joint review
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_has_role
from kaigong.cases.constants import ItemStatus
from kaigong.cases.hashing import canonical_json, sm3_hex
from kaigong.certificates.signing import platform_sign
from kaigong.core.draw_services import draw_prepare, draw_reveal
from kaigong.core.draws import Candidate
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.services import audit_record, notification_send

from .constants import ErrorCode, ReviewStatus, Severity, Topic
from .models import Expert, ExpertConflict, JointReview, ReviewOpinion
from .permissions import can_keep_standards, can_lead_review, lead_departments_for, panel_expert_for
from .services import _text

OPEN_ITEM = (ItemStatus.WAITING, ItemStatus.IN_REVIEW, ItemStatus.PAUSED)


def _review_status(review: JointReview, *allowed: str) -> None:
    if review.status not in allowed:
        raise Conflict(
            _("The joint review is %(s)s: this cannot be done now.")
            % {"s": review.get_status_display()},
            code=ErrorCode.REVIEW_STATUS,
        )


def _ensure_lead(actor: Any, review: JointReview) -> None:
    if not can_lead_review(actor, review):
        raise PermissionDenied(
            _("Only the lead department runs the joint review."), code=ErrorCode.NOT_LEAD
        )


def _lock(review: JointReview) -> JointReview:
    return JointReview.objects.select_for_update().get(pk=review.pk)


@transaction.atomic
def expert_create(
    *, actor: Any, name: str, specialties: list[str], title: str = "", employer: str = "",
    employer_enterprise: Any = None, region_code: str = "", user: Any = None,
    conflicts: list[Any] | None = None,
) -> Expert:  # fmt: skip
    if not can_keep_standards(actor):
        raise PermissionDenied(_("Only the catalogue keeper keeps the expert pool."))
    specialties = [s for s in dict.fromkeys(str(x) for x in specialties or []) if s]
    if not specialties or any(s not in Topic.values for s in specialties):
        raise InvalidInput(
            _("Choose the expert's specialties."),
            invalid_params=[{"name": "specialties", "code": "invalid_choice",
                             "reason": ",".join(specialties)}],
        )  # fmt: skip
    expert = Expert.objects.create(
        name=_text(name, "name", max_length=100), specialties=specialties,
        title=_text(title, "title", max_length=100, required=False),
        employer=_text(employer, "employer", max_length=200, required=False),
        employer_enterprise=employer_enterprise, region_code=str(region_code or "")[:12],
        user=user,
    )  # fmt: skip
    for enterprise in conflicts or []:
        ExpertConflict.objects.create(expert=expert, enterprise=enterprise)
    audit_record(actor=actor, action="expert_created", obj=expert, summary=expert.name)
    return expert


@transaction.atomic
def joint_review_convene(
    *, actor: Any, case: Any, items: list[Any], title: str, meeting: str = "",
    panel_size: int = 3, specialties: list[str] | None = None,
) -> JointReview:  # fmt: skip
    """
    The lead department (the actor's, one of the items') convenes a joint review of two
    or more open items of the case: 一次申报、一次踏勘、一次评审、一次办结.
    """
    mine = lead_departments_for(actor)
    unique = _case_items(case, items)
    if len(unique) < 2 or any(i.case_id != case.pk for i in unique):
        raise InvalidInput(
            _("A joint review covers two or more items of the same case."),
            code=ErrorCode.REVIEW_ITEMS,
        )
    if any(i.status not in OPEN_ITEM for i in unique):
        raise Conflict(_("Every item of a joint review must still be open."),
                       code=ErrorCode.REVIEW_ITEMS)  # fmt: skip
    lead = next((i.department for i in unique if i.department_id in mine), None)
    if lead is None:
        raise PermissionDenied(
            _("Convene a joint review for one of your department's items."),
            code=ErrorCode.NOT_LEAD,
        )
    if isinstance(panel_size, bool) or not isinstance(panel_size, int) or not 1 <= panel_size <= 15:
        raise InvalidInput(
            _("A panel has 1 to 15 experts."),
            invalid_params=[{"name": "panel_size", "code": "invalid", "reason": str(panel_size)}],
        )
    wanted = [s for s in dict.fromkeys(specialties or []) if s]
    if any(s not in Topic.values for s in wanted):
        raise InvalidInput(
            _("Unknown specialty."),
            invalid_params=[{"name": "specialties", "code": "invalid_choice", "reason": ""}],
        )
    review = JointReview.objects.create(
        case=case, lead_department=lead, title=_text(title, "title", max_length=200),
        meeting=_text(meeting, "meeting", max_length=200, required=False),
        convened_by=actor, panel_size=panel_size, specialties=wanted,
    )  # fmt: skip
    review.items.set(unique)
    for department in {i.department for i in unique if i.department_id != lead.pk}:
        notification_send(kind="joint_review_convened", title=_g("A joint review is convened"),
                          body=review.title, link=f"/joint-reviews/{review.public_id}/",
                          department=department)  # fmt: skip
    notification_send(kind="joint_review_convened", title=_g("Your application is reviewed jointly"),
                      body=review.title, link=f"/joint-reviews/{review.public_id}/",
                      enterprise=case.enterprise)  # fmt: skip
    audit_record(actor=actor, action="joint_review_convened", obj=review, summary=review.title,
                 data={"items": [str(i.public_id) for i in unique]})  # fmt: skip
    return review


def _case_items(case: Any, items: list[Any]) -> list[Any]:
    """Items of the case, given as items or public ids; anything else is refused."""
    from .services import as_uuid

    keys = {getattr(i, "public_id", None) or as_uuid(i) for i in items or []}
    if None in keys:
        raise InvalidInput(_("Unknown item."), code=ErrorCode.REVIEW_ITEMS)
    found = list(
        case.items.select_related("department", "matter_version").filter(public_id__in=keys)
    )
    if len(found) != len(keys):
        raise InvalidInput(
            _("A joint review covers two or more items of the same case."),
            code=ErrorCode.REVIEW_ITEMS,
        )
    return found


def recusal(review: JointReview) -> tuple[list[Expert], list[dict]]:
    """
    The pool after recusal (回避): active experts with a wanted specialty, less those
    employed by the applicant enterprise or with a declared conflict with it.

    # rule: an expert with an interest in the application withdraws (回避; 滨州 联合评审)
    # (docs/legal.md#expert-recusal)
    """
    enterprise_id = review.case.enterprise_id
    conflicted = set(
        ExpertConflict.objects.filter(enterprise_id=enterprise_id).values_list(
            "expert_id", flat=True
        )
    )
    eligible, recused = [], []
    for expert in Expert.objects.filter(active=True).order_by("id"):
        if review.specialties and not set(review.specialties) & set(expert.specialties):
            continue
        if expert.employer_enterprise_id == enterprise_id:
            recused.append({"expert": expert.name, "reason": "employer"})
        elif expert.pk in conflicted:
            recused.append({"expert": expert.name, "reason": "declared_conflict"})
        else:
            eligible.append(expert)
    return eligible, recused


@transaction.atomic
def panel_draw_prepare(*, actor: Any, review: JointReview) -> JointReview:
    """Freeze the eligible pool and commit to the seed (kaigong/core/draws.py)."""
    _ensure_lead(actor, review)
    review = _lock(review)
    _review_status(review, ReviewStatus.CONVENED)
    eligible, recused = recusal(review)
    if len(eligible) < review.panel_size:
        raise Conflict(
            _("Only %(n)s eligible experts are in the pool; the panel needs %(k)s.")
            % {"n": len(eligible), "k": review.panel_size},
            code=ErrorCode.POOL_TOO_SMALL,
        )
    candidates = [
        Candidate(id=str(e.public_id), label=f"{e.name}（{'、'.join(e.specialties)}）")
        for e in eligible
    ]
    draw = draw_prepare(
        purpose=_g("Expert panel of the joint review: %(t)s") % {"t": review.title},
        candidates=candidates, count=review.panel_size, actor=actor, subject=review,
    )  # fmt: skip
    review.draw, review.recused, review.status = draw, recused, ReviewStatus.PANEL_COMMITTED
    review.save(update_fields=["draw", "recused", "status", "updated_at"])
    audit_record(actor=actor, action="joint_review_draw_prepared", obj=review,
                 data={"draw": str(draw.public_id), "recused": recused})  # fmt: skip
    return review


@transaction.atomic
def panel_draw_reveal(*, actor: Any, review: JointReview, witnesses: list[str]) -> JointReview:
    """Reveal the seed before the witnesses; the drawn experts form the panel."""
    _ensure_lead(actor, review)
    review = _lock(review)
    _review_status(review, ReviewStatus.PANEL_COMMITTED)
    # panel_draw_prepare sets the draw with this status (and the draw is PROTECTed).
    assert review.draw is not None
    draw = draw_reveal(draw=review.draw, witnesses=witnesses, actor=actor)
    experts = {str(e.public_id): e for e in Expert.objects.filter(public_id__in=draw.result)}
    review.panel.set([experts[i] for i in draw.result])
    review.status = ReviewStatus.PANEL_DRAWN
    review.save(update_fields=["status", "updated_at"])
    for expert in experts.values():
        if expert.user_id:
            notification_send(kind="joint_review_panel", title=_g("You sit on a joint-review panel"),
                              body=review.title, link=f"/joint-reviews/{review.public_id}/",
                              user=expert.user)  # fmt: skip
    audit_record(actor=actor, action="joint_review_panel_drawn", obj=review,
                 data={"panel": draw.result})  # fmt: skip
    return review


@transaction.atomic
def opinion_add(
    *, actor: Any, review: JointReview, topic: str, material: str, clause: str, severity: str,
    text: str, expert: Any = None,
) -> ReviewOpinion:  # fmt: skip
    """A panel expert's opinion item; the lead may minute one for a named panel expert."""
    if expert is not None and not getattr(expert, "pk", None):
        from .services import as_uuid

        key = as_uuid(expert)
        expert = review.panel.filter(public_id=key).first() if key else None
        if expert is None:
            raise InvalidInput(_("That expert is not on the panel."), code=ErrorCode.NOT_PANEL)
    own = panel_expert_for(actor, review)
    if own is not None and expert is None:
        expert = own
    elif can_lead_review(actor, review) and expert is not None:
        if not review.panel.filter(pk=expert.pk).exists():
            raise InvalidInput(_("That expert is not on the panel."), code=ErrorCode.NOT_PANEL)
    else:
        raise PermissionDenied(
            _("Only the panel's experts give opinions."), code=ErrorCode.NOT_PANEL
        )
    _review_status(review, ReviewStatus.PANEL_DRAWN)
    if topic not in Topic.values or severity not in Severity.values:
        raise InvalidInput(
            _("Choose a topic and a severity."),
            invalid_params=[{"name": "topic" if topic not in Topic.values else "severity",
                             "code": "invalid_choice", "reason": ""}],
        )  # fmt: skip
    opinion = ReviewOpinion.objects.create(
        review=review, expert=expert, topic=topic,
        material=_text(material, "material", max_length=100),
        clause=_text(clause, "clause", max_length=100), severity=severity,
        text=_text(text, "text"), recorded_by=actor,
    )  # fmt: skip
    audit_record(actor=actor, action="joint_review_opinion", obj=opinion,
                 summary=f"{expert.name}: {topic}/{opinion.material}/{opinion.clause}")  # fmt: skip
    return opinion


def structure_key(topic: str, material: str, clause: str) -> tuple[str, str, str]:
    """
    The identity of an opinion item: topic, material and clause, each normalised (Unicode
    NFKC, case folded, inner spaces removed) — so 《GB 50189》 第4.1.2条 and 《GB50189》第
    4.1.2条 are one clause. Two items with the same key are one requirement, whatever
    their wording; two with different keys stay two, however alike their words.
    """

    def norm(value: str) -> str:
        return "".join(unicodedata.normalize("NFKC", value).casefold().split())

    return topic, norm(material), norm(clause)


def consolidated_items(review: JointReview) -> list[dict]:
    """The opinions merged by structure: one item per key, the strictest severity wins."""
    merged: dict[tuple, dict] = {}
    opinions = review.opinions.select_related("expert").order_by("id")
    for op in opinions:
        key = structure_key(op.topic, op.material, op.clause)
        entry = merged.setdefault(
            key,
            {"topic": op.topic, "material": op.material, "clause": op.clause,
             "severity": Severity.SUGGESTION, "texts": [], "experts": [], "opinions": []},
        )  # fmt: skip
        if op.severity == Severity.MUST_FIX:
            entry["severity"] = Severity.MUST_FIX
        if op.text not in entry["texts"]:
            entry["texts"].append(op.text)
        if op.expert.name not in entry["experts"]:
            entry["experts"].append(op.expert.name)
        entry["opinions"].append(str(op.public_id))
    order = list(Topic.values)
    items = sorted(merged.values(), key=lambda m: (m["severity"] != Severity.MUST_FIX,
                                                  order.index(m["topic"]), m["material"],
                                                  m["clause"]))  # fmt: skip
    for n, entry in enumerate(items, 1):
        entry["n"] = n
        entry["severity"] = str(entry["severity"])
    return items


@transaction.atomic
def letter_issue(*, actor: Any, review: JointReview) -> JointReview:
    """
    One consolidated opinion letter to the applicant, signed (platform SM2 over SM3). When
    anything must be fixed the one correction round opens for every item together.
    """
    from .rendering import letter_pdf

    _ensure_lead(actor, review)
    review = _lock(review)
    _review_status(review, ReviewStatus.PANEL_DRAWN)
    items = consolidated_items(review)
    if not items:
        raise Conflict(_("The panel has given no opinion yet."), code=ErrorCode.REVIEW_STATUS)
    now = timezone.now()
    case = review.case
    number = f"{case.number or str(case.public_id)[:8]}-LP{JointReview.objects.filter(case=case).exclude(letter_number='').count() + 1:02d}"
    # PANEL_DRAWN comes after the draw is prepared and revealed (and it is PROTECTed).
    assert review.draw is not None
    review.letter_data = {
        "number": number,
        "review": str(review.public_id),
        "case_number": case.number,
        "project": case.project.name,
        "enterprise": case.enterprise.name,
        "lead_department": review.lead_department.name,
        "matters": [i.matter_version.name for i in review.items.select_related("matter_version")
                    .order_by("order", "id")],
        "panel": [e.name for e in review.panel.order_by("name")],
        "draw_url": f"/draws/{review.draw.public_id}/",
        "items": items,
    }  # fmt: skip
    review.letter_number = number
    review.letter_issued_at = now
    pdf = letter_pdf(review)
    review.letter_pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
    review.letter_sm3 = sm3_hex(pdf)
    signature = platform_sign(
        canonical_json({"data": review.letter_data, "pdf_sm3": review.letter_sm3})
    )
    review.letter_key_id, review.letter_signature_hex = signature.key_id, signature.signature_hex
    must = [m for m in items if m["severity"] == Severity.MUST_FIX]
    review.status = ReviewStatus.CORRECTION_REQUESTED if must else ReviewStatus.LETTER_ISSUED
    review.correction_requested_at = now if must else None
    review.save()
    notification_send(
        kind="joint_review_letter",
        title=_g("Consolidated opinion of the joint review: %(n)s item(s) to fix") % {"n": len(must)},
        body=review.title, link=f"/joint-reviews/{review.public_id}/", enterprise=case.enterprise,
    )  # fmt: skip
    audit_record(actor=actor, action="joint_review_letter_issued", obj=review, summary=number,
                 data={"items": len(items), "must_fix": len(must), "sm3": review.letter_sm3})  # fmt: skip
    return review


@transaction.atomic
def correction_respond(
    *, actor: Any, review: JointReview, responses: dict[str, str]
) -> JointReview:
    """The applicant answers every must-fix item at once (one correction round)."""
    from kaigong.cases.permissions import is_applicant_for

    if not is_applicant_for(actor, review.case):
        raise PermissionDenied(_("Only the applicant answers the consolidated opinion."))
    review = _lock(review)
    _review_status(review, ReviewStatus.CORRECTION_REQUESTED)
    must = [m for m in review.letter_data["items"] if m["severity"] == Severity.MUST_FIX]
    answers = {str(k): str(v or "").strip()[:2000] for k, v in (responses or {}).items()}
    missing = [m["n"] for m in must if not answers.get(str(m["n"]))]
    if missing:
        raise InvalidInput(
            _("Answer every item that must be fixed: %(n)s") % {"n": "、".join(map(str, missing))},
            code=ErrorCode.RESPONSE_MISSING,
            invalid_params=[{"name": f"responses.{n}", "code": "required", "reason": ""}
                            for n in missing],
        )  # fmt: skip
    review.responses = {str(m["n"]): answers[str(m["n"])] for m in must}
    review.resubmitted_at = timezone.now()
    review.status = ReviewStatus.RESUBMITTED
    review.save(update_fields=["responses", "resubmitted_at", "status", "updated_at"])
    for department in {i.department for i in review.items.select_related("department")}:
        notification_send(kind="joint_review_resubmitted", title=_g("The applicant answered the joint review"),
                          body=review.title, link=f"/joint-reviews/{review.public_id}/",
                          department=department)  # fmt: skip
    audit_record(actor=actor, action="joint_review_resubmitted", obj=review,
                 data={"answered": sorted(review.responses)})  # fmt: skip
    return review


@transaction.atomic
def joint_review_conclude(*, actor: Any, review: JointReview) -> JointReview:
    """The lead closes the joint review; each department then decides its own item."""
    _ensure_lead(actor, review)
    review = _lock(review)
    _review_status(review, ReviewStatus.LETTER_ISSUED, ReviewStatus.RESUBMITTED)
    review.status = ReviewStatus.CONCLUDED
    review.concluded_at = timezone.now()
    review.save(update_fields=["status", "concluded_at", "updated_at"])
    audit_record(actor=actor, action="joint_review_concluded", obj=review)
    return review


def expert_pool_readable(user: Any) -> bool:
    return user_has_role(user, Role.CATALOG_ADMIN, Role.REVIEWER, Role.DEPARTMENT_HEAD,
                         Role.SUPERVISOR)  # fmt: skip
