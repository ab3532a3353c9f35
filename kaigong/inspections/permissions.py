"""
Who may do what in inspections and joint reviews. ``can_*`` answers; the services raise.

* a catalogue keeper writes and publishes the 勘验标准;
* a reviewer of the item's department (who may review it, cases.permissions) requests an
  inspection and names two inspectors of the department;
* the inspectors run the call, take snapshots, fill the checklist, write and sign the record;
* the enterprise's applicant picks a slot, is the person on site, acknowledges the record;
* a reviewer or department head of one of the case's departments convenes a joint review
  and leads it; panel experts write their own opinions.

# rule: 审勘分离 — nobody who accepted, reviews or decides an item inspects it
# (docs/legal.md#inspection-two-inspectors)
"""

from __future__ import annotations

from typing import Any

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_has_role, user_holds
from kaigong.cases.permissions import can_review_item, is_applicant_for


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_keep_standards(user: Any) -> bool:
    return _active(user) and user_has_role(user, Role.CATALOG_ADMIN)


def can_request_inspection(user: Any, item: Any) -> bool:
    return _active(user) and can_review_item(user, item)


def holds_inspector(user: Any, item: Any) -> bool:
    return _active(user) and user_holds(user, Role.INSPECTOR, department_id=item.department_id)


def separation_refuses(user: Any, item: Any, requested_by: Any = None) -> bool:
    """
    True when ``user`` accepted the case, reviews or decides the item (or asked for this
    inspection): such a person may not inspect it.

    # rule: 审勘分离, two or more staff verify on site (行政许可法 art. 34)
    # (docs/legal.md#inspection-two-inspectors)
    """
    if item.case.accepted_by_id == user.pk:
        return True
    if item.reviewer_id == user.pk or item.approver_id == user.pk:
        return True
    return requested_by is not None and requested_by.pk == user.pk


def is_inspector_of(user: Any, inspection: Any) -> bool:
    return _active(user) and inspection.inspectors.filter(pk=user.pk).exists()


def is_site_person_of(user: Any, inspection: Any) -> bool:
    return _active(user) and inspection.site_person_id == user.pk


def can_pick_slot(user: Any, inspection: Any) -> bool:
    return _active(user) and is_applicant_for(user, inspection.item.case)


def is_call_participant(user: Any, inspection: Any) -> bool:
    return is_inspector_of(user, inspection) or is_site_person_of(user, inspection)


def can_lead_review(user: Any, review: Any) -> bool:
    return _active(user) and (
        user_holds(user, Role.REVIEWER, department_id=review.lead_department_id)
        or user_holds(user, Role.DEPARTMENT_HEAD, department_id=review.lead_department_id)
    )


def lead_departments_for(user: Any) -> set[int]:
    from kaigong.accounts.selectors import user_department_ids

    if not _active(user):
        return set()
    return user_department_ids(user, [Role.REVIEWER, Role.DEPARTMENT_HEAD])


def panel_expert_for(user: Any, review: Any) -> Any:
    """The panel's expert whose account ``user`` is, or None."""
    if not _active(user):
        return None
    return review.panel.filter(user=user).first()


def member_department_for(user: Any, review: Any) -> Any:
    """The department of one of the review's items that ``user`` reviews, or None."""
    if not _active(user):
        return None
    for item in review.items.select_related("department", "case"):
        if can_review_item(user, item):
            return item.department
    return None
