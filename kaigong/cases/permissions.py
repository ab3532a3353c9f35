"""
Who may do what to a case or an item (STYLE.md 3.7): ``can_*`` answers, ``ensure_can_*``
raises ``PermissionDenied`` (403). Visibility (404) is the selectors' job; the status
(409) is the workflow's. Each condition is on its own line.

Roles (accounts/roles.py):

* applicant of the case's enterprise: drafts, submits, resubmits, withdraws, supplies
  deferred materials; a helper assigned to its project reads the case, and does the same
  (withdrawal excepted) only while a mandate (授权委托书) of the enterprise in force covers
  the action (``cases.hooks.acting_for``, kept by the assistance app);
* window clerk of the case's service centre (when the bundle's lead department has no
  centre: a clerk whose centre's jurisdiction holds the project): accepts, refuses, asks
  for correction, records commitments;
* reviewer of the item's department: opinions, pauses, resumes, extension requests;
* approver of the item's department: decisions, pre-approvals, consent letters,
  sending back, extension approvals;
* three people per item: acceptor ≠ reviewer ≠ approver, unless the matter version relaxes
  it (即办件). # rule: 受审分离 and ≥ 2 staff for substantive review (行政许可法 art. 34)
* inspectors never decide; supervisors and catalogue keepers never write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_department_ids, user_holds, user_in_jurisdiction
from kaigong.cases import hooks
from kaigong.cases.constants import CaseStatus, ErrorCode
from kaigong.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from kaigong.accounts.models import User
    from kaigong.cases.models import Case, CaseItem, SubmittedMaterial


def _active(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_applicant_for(user: User, case: Case) -> bool:
    """The user acts for the case's enterprise, or helps on its project (帮办代办): reads."""
    if not _active(user):
        return False
    if user_holds(user, Role.APPLICANT, enterprise_id=case.enterprise_id):
        return True
    return is_assigned_helper(user, case)


def is_assigned_helper(user: User, case: Case) -> bool:
    if not user_holds(user, Role.HELPER):
        return False
    return case.project.helpers.filter(pk=user.pk).exists()


def may_act_for(user: User, case: Case, action: str) -> bool:
    """
    Write for the case's enterprise: its applicant, or its assigned helper under a mandate.

    # rule: a helper acts for the enterprise only within a mandate in force, checked on
    # every request (docs/legal.md#mandate-acting-for)
    """
    if not _active(user):
        return False
    if user_holds(user, Role.APPLICANT, enterprise_id=case.enterprise_id):
        return True
    if not is_assigned_helper(user, case):
        return False
    return hooks.acting_for(user, case, action) is not None


def _edit_action(case: Case, action: str) -> str:
    if case.status == CaseStatus.CORRECTION_REQUESTED:
        return hooks.ACT_ANSWER_CORRECTIONS
    return action


def is_clerk_for(user: User, case: Case) -> bool:
    """
    A window clerk of the case's service centre; when the case has none, a clerk of a
    centre whose jurisdiction holds the project.
    """
    if not _active(user):
        return False
    if case.service_center_id is None:
        return user_in_jurisdiction(user, case.project.region_code)
    return user_holds(user, Role.WINDOW_CLERK, service_center_id=case.service_center_id)


def _holds(user: User, role: str, item: CaseItem) -> bool:
    if not _active(user):
        return False
    return user_holds(user, role, department_id=item.department_id)


def _relaxed(item: CaseItem) -> bool:
    return bool(item.matter_version.separation_relaxed)


def separation_allows_review(user: User, item: CaseItem) -> bool:
    """The reviewer is neither the acceptor nor the approver of the item."""
    if _relaxed(item):
        return True
    if item.case.accepted_by_id == user.pk:
        return False
    if item.approver_id == user.pk:
        return False
    return True


def separation_allows_decision(user: User, item: CaseItem) -> bool:
    """The approver is neither the acceptor nor the reviewer of the item."""
    if _relaxed(item):
        return True
    if item.case.accepted_by_id == user.pk:
        return False
    if item.reviewer_id == user.pk:
        return False
    return True


def can_edit_case(user: User, case: Case, action: str = hooks.ACT_DRAFT) -> bool:
    """Fill the form, choose matters (``draft``) or hand in materials (``upload``)."""
    return may_act_for(user, case, _edit_action(case, action))


def can_submit_case(user: User, case: Case) -> bool:
    return may_act_for(user, case, _edit_action(case, hooks.ACT_SUBMIT))


def can_withdraw_case(user: User, case: Case) -> bool:
    """Withdrawal is the enterprise's own: no mandate covers it."""
    if not _active(user):
        return False
    return user_holds(user, Role.APPLICANT, enterprise_id=case.enterprise_id)


def can_handle_at_window(user: User, case: Case) -> bool:
    """Accept, refuse, request correction, record a commitment."""
    return is_clerk_for(user, case)


def can_review_item(user: User, item: CaseItem) -> bool:
    """Write opinions, pause and resume the clock, request an extension."""
    if not _holds(user, Role.REVIEWER, item):
        return False
    return separation_allows_review(user, item)


def can_decide_item(user: User, item: CaseItem) -> bool:
    """Decide, pre-approve, issue a consent letter, send back, approve an extension."""
    if not _holds(user, Role.APPROVER, item):
        return False
    return separation_allows_decision(user, item)


def can_verify_commitment(user: User, case: Case) -> bool:
    """告知承诺 verification: an approver of any department reviewing the case."""
    if not _active(user):
        return False
    mine = user_department_ids(user, [Role.APPROVER])
    if not mine:
        return False
    return case.items.filter(department_id__in=mine).exists()


def _deny(message, *, separation: bool = False, user=None, case=None) -> PermissionDenied:
    if case is not None and _active(user) and is_assigned_helper(user, case):
        return PermissionDenied(
            _("A helper acts for the enterprise only under a mandate in force that covers this."),
            code=ErrorCode.MANDATE_REQUIRED,
        )
    if separation:
        return PermissionDenied(
            _("The acceptor, the reviewer and the approver of an item must be three people."),
            code=ErrorCode.SEPARATION_OF_DUTIES,
        )
    return PermissionDenied(message)


def ensure_can_edit_case(user: User, case: Case, action: str = hooks.ACT_DRAFT) -> None:
    if not can_edit_case(user, case, action):
        raise _deny(_("Only the applicant may change this application."), user=user, case=case)


def ensure_can_submit_case(user: User, case: Case) -> None:
    if not can_submit_case(user, case):
        raise _deny(_("Only the applicant may submit this application."), user=user, case=case)


def ensure_can_withdraw_case(user: User, case: Case) -> None:
    if not can_withdraw_case(user, case):
        raise _deny(_("Only the applicant may withdraw this application."))


def ensure_can_handle_at_window(user: User, case: Case) -> None:
    if not can_handle_at_window(user, case):
        raise _deny(_("Only a clerk of the service centre's window may do this."))


def ensure_can_review_item(user: User, item: CaseItem) -> None:
    if can_review_item(user, item):
        return
    separation = _holds(user, Role.REVIEWER, item)
    raise _deny(_("Only a reviewer of the item's department may do this."), separation=separation)


def ensure_can_decide_item(user: User, item: CaseItem) -> None:
    if can_decide_item(user, item):
        return
    separation = _holds(user, Role.APPROVER, item)
    raise _deny(_("Only an approver of the item's department may do this."), separation=separation)


def ensure_can_verify_commitment(user: User, case: Case) -> None:
    if not can_verify_commitment(user, case):
        raise _deny(_("Only an approver of a reviewing department may verify a commitment."))


# --- materials (the staff workspace) ----------------------------------------------------


def viewable_material_ids(user: User, case: Case) -> set[int] | None:
    """
    The catalogue materials of ``case`` whose submitted files ``user`` may open: None for
    all of them, else the set of material ids (empty: none).

    # rule: department staff see the materials their departments' items need, the window
    # its centre's submissions, the supervisor everything read-only (DESIGN.md §7)
    """
    from kaigong.cases.constants import CaseStatus
    from kaigong.cases.models import CaseItem

    if not _active(user):
        return set()
    if is_applicant_for(user, case):
        return None
    if case.status == CaseStatus.DRAFT:
        return set()
    if is_clerk_for(user, case):
        return None
    if user_holds(user, Role.SUPERVISOR):
        return None
    departments = user_department_ids(user)
    if not departments:
        return set()
    return set(
        CaseItem.objects.filter(case_id=case.pk, department_id__in=departments).values_list(
            "matter_version__requirements__material_id", flat=True
        )
    ) - {None}


def can_view_material(user: User, material: SubmittedMaterial) -> bool:
    """
    Open or download one submitted file: the applicant's side, the centre's clerk, the
    supervisor, or staff of a department with an item of the case that needs it.
    """
    allowed = viewable_material_ids(user, material.case)
    return allowed is None or material.material_id in allowed
