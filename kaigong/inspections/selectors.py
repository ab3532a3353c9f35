"""
What each person may see (404 otherwise): inspections and joint reviews follow the case
items the person sees (kaigong/cases/selectors.py), plus the inspectors of an inspection
and the experts of a panel. Standards in force and their samples are public (the guide).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from kaigong.cases.selectors import item_list_visible_to

from .constants import StandardStatus
from .exceptions import (
    ExpertNotFound,
    InspectionNotFound,
    JointReviewNotFound,
    RecordNotFound,
    SampleNotFound,
    StandardNotFound,
)
from .models import (
    ChecklistItem,
    Expert,
    Inspection,
    InspectionRecord,
    InspectionStandard,
    JointReview,
    SampleImage,
)
from .permissions import can_keep_standards
from .services import as_uuid, standard_in_force


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _items_prefetch() -> Prefetch:
    return Prefetch("items", queryset=ChecklistItem.objects.prefetch_related("samples"))


def standard_public(matter_version: Any) -> InspectionStandard | None:
    """The standard in force for the guide, with its items and samples (勘前准备)."""
    standard = standard_in_force(matter_version)
    if standard is None:
        return None
    return InspectionStandard.objects.prefetch_related(_items_prefetch()).get(pk=standard.pk)


def standard_list_for(user: Any) -> QuerySet[InspectionStandard]:
    qs = InspectionStandard.objects.select_related("matter_version__matter")
    if can_keep_standards(user):
        return qs
    return qs.filter(status=StandardStatus.PUBLISHED)


def standard_get_for(user: Any, public_id: Any) -> InspectionStandard:
    key = as_uuid(public_id)
    standard = (
        standard_list_for(user).prefetch_related(_items_prefetch()).filter(public_id=key).first()
        if key
        else None
    )
    if standard is None:
        raise StandardNotFound()
    return standard


def sample_get_public(public_id: Any, user: Any = None) -> SampleImage:
    """A sample of a published standard (anyone), or of a draft (its keeper)."""
    key = as_uuid(public_id)
    qs = SampleImage.objects.select_related("item__standard")
    if not can_keep_standards(user):
        qs = qs.filter(item__standard__status=StandardStatus.PUBLISHED)
    sample = qs.filter(public_id=key).first() if key else None
    if sample is None:
        raise SampleNotFound()
    return sample


def inspection_list_visible_to(user: Any) -> QuerySet[Inspection]:
    if not _active(user):
        return Inspection.objects.none()
    condition = Q(item__in=item_list_visible_to(user).values("pk")) | Q(inspectors=user)
    return (
        Inspection.objects.filter(condition)
        .distinct()
        .select_related(
            "item__case__project",
            "item__case__enterprise",
            "item__matter_version",
            "item__department",
            "standard",
            "site_person",
            "requested_by",
        )  # fmt: skip
        .order_by("-created_at", "-id")
    )


def inspection_get_for(user: Any, public_id: Any) -> Inspection:
    key = as_uuid(public_id)
    inspection = (
        inspection_list_visible_to(user)
        .prefetch_related("slots", "inspectors", _standard_items())
        .filter(public_id=key)
        .first()
        if key
        else None
    )
    if inspection is None:
        raise InspectionNotFound()
    return inspection


def _standard_items() -> Prefetch:
    return Prefetch("standard__items", queryset=ChecklistItem.objects.prefetch_related("samples"))


def record_get_for(user: Any, inspection_id: Any) -> InspectionRecord:
    inspection = inspection_get_for(user, inspection_id)
    record = InspectionRecord.objects.filter(inspection=inspection).first()
    if record is None:
        raise RecordNotFound()
    return record


def record_get_public(public_id: Any) -> InspectionRecord:
    """A completed record, for its public verification page (digests and names only)."""
    key = as_uuid(public_id)
    record = (
        InspectionRecord.objects.filter(public_id=key, completed_at__isnull=False).first()
        if key
        else None
    )
    if record is None:
        raise RecordNotFound()
    return record


def item_inspections(item: Any) -> list[Inspection]:
    """The inspections of an item, newest first, with their records (the item page)."""
    return list(
        Inspection.objects.filter(item=item)
        .select_related("record")
        .prefetch_related("inspectors")
        .order_by("-created_at", "-id")
    )


def joint_review_list_visible_to(user: Any) -> QuerySet[JointReview]:
    if not _active(user):
        return JointReview.objects.none()
    condition = Q(items__in=item_list_visible_to(user).values("pk")) | Q(panel__user=user)
    ids = JointReview.objects.filter(condition).values("pk")
    return (
        JointReview.objects.filter(pk__in=ids)
        .select_related("case__project", "case__enterprise", "lead_department", "draw")
        .order_by("-created_at", "-id")
    )


def joint_review_get_for(user: Any, public_id: Any) -> JointReview:
    key = as_uuid(public_id)
    review = (
        joint_review_list_visible_to(user)
        .prefetch_related("items__matter_version", "items__department", "panel")
        .filter(public_id=key)
        .first()
        if key
        else None
    )
    if review is None:
        raise JointReviewNotFound()
    return review


def item_joint_reviews(item: Any) -> list[JointReview]:
    return list(item.joint_reviews.select_related("lead_department").order_by("-created_at"))


def expert_list() -> QuerySet[Expert]:
    return Expert.objects.select_related("employer_enterprise").prefetch_related("conflicts")


def expert_get(public_id: Any) -> Expert:
    key = as_uuid(public_id)
    expert = Expert.objects.filter(public_id=key).first() if key else None
    if expert is None:
        raise ExpertNotFound()
    return expert


def item_inspection_opinion_text(item: Any) -> str:
    """
    What the newest completed inspection record of the item says, as the start of the
    reviewer's opinion (the conclusion feeds the opinion; the reviewer edits it).
    """
    from django.utils.translation import gettext as _

    record = (
        InspectionRecord.objects.filter(inspection__item=item, completed_at__isnull=False)
        .order_by("-completed_at")
        .first()
    )
    if record is None:
        return ""
    text = _("Site inspection record %(no)s: %(conclusion)s. %(summary)s") % {
        "no": record.number,
        "conclusion": record.get_conclusion_display(),
        "summary": record.data.get("summary", ""),
    }
    rectifications = record.data.get("rectifications") or []
    if rectifications:
        text += " " + "；".join(rectifications)
    return text


def rehearsal_rows(inspection: Inspection) -> list[dict[str, Any]]:
    """
    Each participant's connectivity rehearsal as the page shows it: the person's name (the
    result is kept by account name) and whether camera, microphone, signalling and ICE
    all worked.
    """
    from kaigong.accounts.models import User

    runs = inspection.rehearsal_result or {}
    people = {u.username: str(u) for u in User.objects.filter(username__in=list(runs))}
    checks = ("camera", "microphone", "signalling", "ice")
    return [
        {"name": people.get(who, who), "ok": all(run.get(c) for c in checks)}
        for who, run in sorted(runs.items())
    ]
