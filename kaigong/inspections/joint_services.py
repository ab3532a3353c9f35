"""
Joint review (联合评审 / 多评合一): several items of one case, one lead department, one panel
drawn from the expert pool with the verifiable draw, structured opinions merged by their
structure, a consolidated letter per round, as many correction rounds as must-fix items
remain; each department decides alone.

    expert_create                       catalogue keeper
    joint_review_convene(case, items)   reviewer / department head of a department of the case
    panel_draw_prepare / _reveal        the lead: recusal, frozen list, committed seed, reveal
    opinion_add                         a panel expert (or the lead, minuting the meeting), or
                                        a reviewer of a member department (its own opinion);
                                        from round 2 only on the items the letter reopened
    opinion_sign                        a panel expert signs the round's individual opinion
    conflict_resolve                    the lead records how the meeting settled a conflict
    letter_issue                        the lead: quorum of signed opinions, no open conflict;
                                        merged items, PDF, signed, filed in the archive;
                                        correction asked when anything must be fixed
    correction_respond                  the applicant answers every must-fix item at once; the
                                        next round (re-review of those items) opens
    joint_review_conclude               the lead closes it once a letter has nothing to fix
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
from kaigong.certificates.personal import (
    fingerprint_text,
    key_fingerprint,
    personal_sign,
    signature_verify,
)
from kaigong.core.draw_services import draw_prepare, draw_reveal
from kaigong.core.draws import Candidate
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.services import audit_record, notification_send

from .constants import ErrorCode, Position, ReviewStatus, Severity, Topic
from .models import (
    Expert,
    ExpertConflict,
    JointReview,
    OpinionSignature,
    ReviewLetter,
    ReviewOpinion,
)
from .permissions import (
    can_keep_standards,
    can_lead_review,
    lead_departments_for,
    member_department_for,
    panel_expert_for,
)
from .services import _name, _text

OPEN_ITEM = (ItemStatus.WAITING, ItemStatus.IN_REVIEW, ItemStatus.PAUSED)
# opinions are collected, signed and consolidated in these states (round 1, re-review)
COLLECTING = (ReviewStatus.PANEL_DRAWN, ReviewStatus.RESUBMITTED)


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
    panel_size: int = 3, specialties: list[str] | None = None, quorum: int | None = None,
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
    # rule: a panel concludes only with a quorum of its experts' signed opinions, more than
    # half unless the convener sets more (docs/legal.md#expert-quorum)
    if quorum in (None, ""):
        quorum = panel_size // 2 + 1
    if isinstance(quorum, bool) or not isinstance(quorum, int) or not 1 <= quorum <= panel_size:
        raise InvalidInput(
            _("The quorum is 1 to the panel's size."),
            invalid_params=[{"name": "quorum", "code": "invalid", "reason": str(quorum)}],
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
        convened_by=actor, panel_size=panel_size, specialties=wanted, quorum=quorum,
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
    text: str, expert: Any = None, position: str = Position.MODIFY,
) -> ReviewOpinion:  # fmt: skip
    """
    A panel expert's opinion item; the lead may minute one for a named panel expert; a
    reviewer of a department with an item in the review (the lead's included) gives the
    department's own opinion. From round 2 only the items the last letter reopened (its
    must-fix items) take opinions. An expert who signed the round adds nothing more to it.
    """
    if expert is not None and not getattr(expert, "pk", None):
        from .services import as_uuid

        key = as_uuid(expert)
        expert = review.panel.filter(public_id=key).first() if key else None
        if expert is None:
            raise InvalidInput(_("That expert is not on the panel."), code=ErrorCode.NOT_PANEL)
    own = panel_expert_for(actor, review)
    department = None
    if own is not None and expert is None:
        expert = own
    elif can_lead_review(actor, review) and expert is not None:
        if not review.panel.filter(pk=expert.pk).exists():
            raise InvalidInput(_("That expert is not on the panel."), code=ErrorCode.NOT_PANEL)
    elif expert is None and (department := member_department_for(actor, review)) is not None:
        pass
    else:
        raise PermissionDenied(
            _("Only the panel's experts and the departments of the review give opinions."),
            code=ErrorCode.NOT_PANEL,
        )
    review = _lock(review)
    _review_status(review, *COLLECTING)
    if (
        topic not in Topic.values
        or severity not in Severity.values
        or position not in Position.values
    ):
        bad = (
            "topic"
            if topic not in Topic.values
            else "severity"
            if severity not in Severity.values
            else "position"
        )
        raise InvalidInput(
            _("Choose a topic, a severity and a position."),
            invalid_params=[{"name": bad, "code": "invalid_choice", "reason": ""}],
        )  # fmt: skip
    if position == Position.AGREE and severity == Severity.MUST_FIX:
        raise InvalidInput(
            _("An opinion that agrees has nothing that must be fixed."),
            invalid_params=[{"name": "severity", "code": "invalid", "reason": ""}],
        )
    if (
        expert is not None
        and OpinionSignature.objects.filter(
            review=review, round=review.round, expert=expert
        ).exists()
    ):
        raise Conflict(_("This expert has signed the round's opinion already."),
                       code=ErrorCode.ALREADY_SIGNED)  # fmt: skip
    material = _text(material, "material", max_length=100)
    clause = _text(clause, "clause", max_length=100)
    if review.round > 1 and structure_key(topic, material, clause) not in reopened_keys(review):
        raise InvalidInput(
            _("Only the items the last letter asked to fix are reviewed again."),
            code=ErrorCode.NOT_REOPENED,
        )
    opinion = ReviewOpinion.objects.create(
        review=review, round=review.round, expert=expert, department=department, topic=topic,
        material=material, clause=clause, severity=severity, position=position,
        text=_text(text, "text"), recorded_by=actor,
    )  # fmt: skip
    audit_record(actor=actor, action="joint_review_opinion", obj=opinion,
                 summary=f"{opinion.author}: {topic}/{opinion.material}/{opinion.clause}")  # fmt: skip
    return opinion


def reopened_keys(review: JointReview) -> set[tuple[str, str, str]]:
    """The structure keys of the last letter's must-fix items: what round n + 1 re-reviews."""
    previous = review.letters.filter(round=review.round - 1).first()
    if previous is None:
        return set()
    return {structure_key(m["topic"], m["material"], m["clause"]) for m in previous.must_fix_items}


def _opinion_payload(review: JointReview, expert: Expert, actor: Any, when: Any) -> dict:
    opinions = review.opinions.filter(round=review.round, expert=expert).order_by("id")
    return {
        "review": str(review.public_id),
        "round": review.round,
        "expert": str(expert.public_id),
        "expert_name": expert.name,
        "signer": str(actor.public_id),
        "signed_at": when.isoformat(),
        "opinions": [
            {"id": str(o.public_id), "topic": o.topic, "material": o.material, "clause": o.clause,
             "severity": o.severity, "position": o.position, "text": o.text}
            for o in opinions
        ],
    }  # fmt: skip


@transaction.atomic
def opinion_sign(*, actor: Any, review: JointReview) -> OpinionSignature:
    """
    A panel expert signs the individual opinion of this round: every item the expert gave
    in it, as canonical JSON with the expert's and the signing account's ids, signed SM2
    with the expert's own key (certificates.personal, made at the first signature).
    """
    expert = panel_expert_for(actor, review)
    if expert is None:
        raise PermissionDenied(_("Only a panel expert signs an opinion."), code=ErrorCode.NOT_PANEL)
    review = _lock(review)
    _review_status(review, *COLLECTING)
    if OpinionSignature.objects.filter(review=review, round=review.round, expert=expert).exists():
        raise Conflict(_("This expert has signed the round's opinion already."),
                       code=ErrorCode.ALREADY_SIGNED)  # fmt: skip
    now = timezone.now()
    payload = _opinion_payload(review, expert, actor, now)
    if not payload["opinions"]:
        raise Conflict(_("Give at least one opinion item before signing."),
                       code=ErrorCode.NO_OPINION)  # fmt: skip
    sig = personal_sign(actor, canonical_json(payload))
    signature = OpinionSignature.objects.create(
        review=review, round=review.round, expert=expert, signer=actor, payload=payload,
        signed_at=now, key_id=sig.key_id, public_key_hex=sig.public_key_hex,
        signature_hex=sig.signature_hex,
    )  # fmt: skip
    audit_record(actor=actor, action="joint_review_opinion_signed", obj=review,
                 summary=f"{expert.name}: {review.round}",
                 data={"items": len(payload["opinions"])})  # fmt: skip
    return signature


def opinion_signature_verify(signature: OpinionSignature) -> bool:
    """The signature is good and the opinions it covers are unchanged."""
    if not signature_verify(user_id=signature.signer_id, key_id=signature.key_id,
                            data=canonical_json(signature.payload),
                            signature_hex=signature.signature_hex,
                            stored_public_key_hex=signature.public_key_hex):  # fmt: skip
        return False
    stored = {str(o.public_id): o for o in signature.review.opinions.filter(
        round=signature.round, expert=signature.expert)}  # fmt: skip
    signed = signature.payload["opinions"]
    return len(stored) == len(signed) and all(
        (o := stored.get(s["id"])) is not None
        and [o.topic, o.material, o.clause, o.severity, o.position, o.text]
        == [s["topic"], s["material"], s["clause"], s["severity"], s["position"], s["text"]]
        for s in signed
    )


def quorum_state(review: JointReview) -> dict:
    """Who signed this round, who gave opinions without signing, and whether the quorum holds."""
    signed = list(
        OpinionSignature.objects.filter(review=review, round=review.round)
        .select_related("expert").order_by("signed_at", "id")
    )  # fmt: skip
    signed_ids = {s.expert_id for s in signed}
    unsigned = sorted({
        o.author for o in review.opinions.filter(round=review.round, expert__isnull=False)
        .select_related("expert") if o.expert_id not in signed_ids
    })  # fmt: skip
    return {
        "quorum": review.quorum,
        "signed": [s.expert.name for s in signed],
        "unsigned": unsigned,
        "met": len(signed) >= review.quorum and not unsigned,
    }


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


def key_text(key: tuple[str, str, str]) -> str:
    """A structure key as one string (forms, stored resolutions)."""
    return "|".join(key)


def consolidated_items(review: JointReview, round: int | None = None) -> list[dict]:
    """A round's opinions merged by structure: one item per key, the strictest severity wins."""
    merged: dict[tuple, dict] = {}
    opinions = (
        review.opinions.filter(round=round or review.round)
        .select_related("expert", "department")
        .order_by("id")
    )
    for op in opinions:
        key = structure_key(op.topic, op.material, op.clause)
        entry = merged.setdefault(
            key,
            {"key": key_text(key), "topic": op.topic, "material": op.material,
             "clause": op.clause, "severity": Severity.SUGGESTION, "texts": [], "experts": [],
             "positions": {}, "opinions": []},
        )  # fmt: skip
        if op.severity == Severity.MUST_FIX:
            entry["severity"] = Severity.MUST_FIX
        if op.text not in entry["texts"]:
            entry["texts"].append(op.text)
        if op.author not in entry["experts"]:
            entry["experts"].append(op.author)
        entry["positions"][op.author] = str(op.position)
        entry["opinions"].append(str(op.public_id))
    order = list(Topic.values)
    items = sorted(merged.values(), key=lambda m: (m["severity"] != Severity.MUST_FIX,
                                                  order.index(m["topic"]), m["material"],
                                                  m["clause"]))  # fmt: skip
    resolved = review.resolutions.get(str(round or review.round), {})
    for n, entry in enumerate(items, 1):
        entry["n"] = n
        entry["severity"] = str(entry["severity"])
        entry["conflict"] = _is_conflict(entry["positions"])
        if entry["key"] in resolved:
            entry["resolution"] = resolved[entry["key"]]["text"]
    return items


def _is_conflict(positions: dict[str, str]) -> bool:
    """
    # rule: opinions on the same element that contradict each other go to the meeting
    # (docs/legal.md#joint-review-conflicts): one author agrees (同意) while another wants
    # it changed or disagrees (需修改 / 不同意).
    """
    values = set(positions.values())
    return Position.AGREE in values and bool(values & {Position.MODIFY, Position.DISAGREE})


def conflicts(review: JointReview) -> list[dict]:
    """The current round's contradicting items, each with its resolution if the meeting gave one."""
    return [m for m in consolidated_items(review) if m["conflict"]]


@transaction.atomic
def conflict_resolve(*, actor: Any, review: JointReview, key: str, text: str) -> JointReview:
    """The lead records how the meeting settled one contradiction, before the letter."""
    _ensure_lead(actor, review)
    review = _lock(review)
    _review_status(review, *COLLECTING)
    if key not in {m["key"] for m in conflicts(review)}:
        raise InvalidInput(_("There is no such contradiction in this round."),
                           code=ErrorCode.NO_CONFLICT)  # fmt: skip
    text = _text(text, "text", max_length=1000)
    resolutions = dict(review.resolutions)
    resolutions.setdefault(str(review.round), {})[key] = {
        "text": text, "by": _name(actor), "at": timezone.now().isoformat(),
    }  # fmt: skip
    review.resolutions = resolutions
    review.save(update_fields=["resolutions", "updated_at"])
    audit_record(actor=actor, action="joint_review_conflict_resolved", obj=review,
                 summary=text[:200], data={"round": review.round, "key": key})  # fmt: skip
    return review


@transaction.atomic
def letter_issue(*, actor: Any, review: JointReview) -> JointReview:
    """
    The round's consolidated opinion letter to the applicant, signed by the chair who
    issues it (the lead department's reviewer, their own SM2 key over the SM3 of the
    canonical data and the PDF's SM3) and filed in the project's archive. Refused until the quorum of panel experts has
    signed and every contradiction is resolved. When anything must be fixed a correction
    opens for every item together; otherwise the review can be concluded.
    """
    from .filing import letter_file
    from .rendering import letter_pdf

    _ensure_lead(actor, review)
    review = _lock(review)
    _review_status(review, *COLLECTING)
    items = consolidated_items(review)
    if not items:
        raise Conflict(_("The panel has given no opinion yet."), code=ErrorCode.REVIEW_STATUS)
    quorum = quorum_state(review)
    if not quorum["met"]:
        raise Conflict(
            _("%(s)s of the %(q)s signed expert opinions the quorum needs; unsigned: %(u)s.")
            % {"s": len(quorum["signed"]), "q": review.quorum,
               "u": "、".join(quorum["unsigned"]) or "—"},
            code=ErrorCode.QUORUM,
        )  # fmt: skip
    open_conflicts = [m for m in items if m["conflict"] and "resolution" not in m]
    if open_conflicts:
        raise Conflict(
            _("Resolve the contradicting opinions at the meeting first: %(n)s")
            % {"n": "、".join(str(m["n"]) for m in open_conflicts)},
            code=ErrorCode.CONFLICTS_OPEN,
        )
    now = timezone.now()
    case = review.case
    count = ReviewLetter.objects.filter(review__case=case).count() + 1
    number = f"{case.number or str(case.public_id)[:8]}-LP{count:02d}"
    # the review collects opinions only after the draw is prepared and revealed (PROTECTed)
    assert review.draw is not None
    must = [m for m in items if m["severity"] == Severity.MUST_FIX]
    data = {
        "number": number,
        "review": str(review.public_id),
        "round": review.round,
        "case_number": case.number,
        "project": case.project.name,
        "enterprise": case.enterprise.name,
        "lead_department": review.lead_department.name,
        "matters": [i.matter_version.name for i in review.items.select_related("matter_version")
                    .order_by("order", "id")],
        "panel": [e.name for e in review.panel.order_by("name")],
        "draw_url": f"/draws/{review.draw.public_id}/",
        "quorum": quorum["quorum"],
        "signed_by": quorum["signed"],
        "items": items,
    }  # fmt: skip
    letter = ReviewLetter(review=review, round=review.round, number=number, data=data,
                          issued_at=now, must_fix=len(must))  # fmt: skip
    pdf = letter_pdf(letter)
    letter.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
    letter.sm3 = sm3_hex(pdf)
    signature = personal_sign(actor, letter_signed_bytes(letter))
    letter.key_id, letter.signature_hex = signature.key_id, signature.signature_hex
    letter.signed_by = actor
    letter.save()
    letter_file(letter, pdf)
    review.status = ReviewStatus.CORRECTION_REQUESTED if must else ReviewStatus.LETTER_ISSUED
    review.save(update_fields=["status", "updated_at"])
    notification_send(
        kind="joint_review_letter",
        title=_g("Consolidated opinion of the joint review: %(n)s item(s) to fix") % {"n": len(must)},
        body=review.title, link=f"/joint-reviews/{review.public_id}/", enterprise=case.enterprise,
    )  # fmt: skip
    audit_record(actor=actor, action="joint_review_letter_issued", obj=review, summary=number,
                 data={"round": review.round, "items": len(items), "must_fix": len(must),
                       "sm3": letter.sm3})  # fmt: skip
    return review


def letter_signed_bytes(letter: ReviewLetter) -> bytes:
    return canonical_json({"data": letter.data, "pdf_sm3": letter.sm3})


def letter_verify(letter: ReviewLetter) -> dict:
    """The chair's signature over the letter's data and PDF digest, and the PDF's digest."""
    pdf_ok = None
    if letter.pdf:
        with letter.pdf.open("rb") as handle:
            pdf_ok = sm3_hex(handle.read()) == letter.sm3
    signature_ok = signature_verify(user_id=letter.signed_by_id, key_id=letter.key_id,
                                    data=letter_signed_bytes(letter),
                                    signature_hex=letter.signature_hex)  # fmt: skip
    return {"signature_ok": signature_ok, "pdf_ok": pdf_ok,
            "fingerprint": fingerprint_text(key_fingerprint(letter.signed_by_id, letter.key_id)),
            "ok": signature_ok and pdf_ok is not False}  # fmt: skip


def opinion_fingerprint(signature: OpinionSignature) -> str:
    return fingerprint_text(key_fingerprint(signature.signer_id, signature.key_id))


@transaction.atomic
def correction_respond(
    *, actor: Any, review: JointReview, responses: dict[str, str]
) -> JointReview:
    """
    The applicant answers every must-fix item of the round's letter at once. The next
    round opens: the panel re-reviews those items only (reopened_keys).
    """
    from kaigong.cases.permissions import is_applicant_for

    if not is_applicant_for(actor, review.case):
        raise PermissionDenied(_("Only the applicant answers the consolidated opinion."))
    review = _lock(review)
    _review_status(review, ReviewStatus.CORRECTION_REQUESTED)
    letter = review.letters.get(round=review.round)
    must = letter.must_fix_items
    answers = {str(k): str(v or "").strip()[:2000] for k, v in (responses or {}).items()}
    missing = [m["n"] for m in must if not answers.get(str(m["n"]))]
    if missing:
        raise InvalidInput(
            _("Answer every item that must be fixed: %(n)s") % {"n": "、".join(map(str, missing))},
            code=ErrorCode.RESPONSE_MISSING,
            invalid_params=[{"name": f"responses.{n}", "code": "required", "reason": ""}
                            for n in missing],
        )  # fmt: skip
    letter.responses = {str(m["n"]): answers[str(m["n"])] for m in must}
    letter.resubmitted_at = timezone.now()
    letter.save(update_fields=["responses", "resubmitted_at", "updated_at"])
    review.round += 1
    review.status = ReviewStatus.RESUBMITTED
    review.save(update_fields=["round", "status", "updated_at"])
    for department in {i.department for i in review.items.select_related("department")}:
        notification_send(kind="joint_review_resubmitted", title=_g("The applicant answered the joint review"),
                          body=review.title, link=f"/joint-reviews/{review.public_id}/",
                          department=department)  # fmt: skip
    for expert in review.panel.filter(user__isnull=False).select_related("user"):
        notification_send(kind="joint_review_resubmitted", title=_g("The applicant answered the joint review"),
                          body=review.title, link=f"/joint-reviews/{review.public_id}/",
                          user=expert.user)  # fmt: skip
    audit_record(actor=actor, action="joint_review_resubmitted", obj=review,
                 data={"answered": sorted(letter.responses), "round": letter.round})  # fmt: skip
    return review


@transaction.atomic
def joint_review_conclude(*, actor: Any, review: JointReview) -> JointReview:
    """The lead closes the joint review once a letter has nothing left to fix."""
    _ensure_lead(actor, review)
    review = _lock(review)
    _review_status(review, ReviewStatus.LETTER_ISSUED)
    review.status = ReviewStatus.CONCLUDED
    review.concluded_at = timezone.now()
    review.save(update_fields=["status", "concluded_at", "updated_at"])
    audit_record(actor=actor, action="joint_review_concluded", obj=review)
    return review


def expert_pool_readable(user: Any) -> bool:
    return user_has_role(user, Role.CATALOG_ADMIN, Role.REVIEWER, Role.DEPARTMENT_HEAD,
                         Role.SUPERVISOR)  # fmt: skip
