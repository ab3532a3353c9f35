"""
Who may do what in the feedback app (scoped by centre and department).

* centre feedback staff: 回访员 (callback_agent) and 中心管理员 of the ticket's, list's or
  complaint's service centre: verify, assign, record feedback, work callbacks;
* window clerks of the centre: take 办不成事 complaints at the counter and assign them;
* department staff (部门负责人, approver, reviewer) of the responsible department: rectify,
  answer complaints, file appeals;
* supervisors: read everything, write nothing.
"""

from __future__ import annotations

from typing import Any

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_holds

CENTRE_FEEDBACK_ROLES = (Role.CALLBACK_AGENT, Role.CENTRE_ADMIN)
COUNTER_ROLES = (Role.WINDOW_CLERK, Role.CALLBACK_AGENT, Role.CENTRE_ADMIN)
DEPARTMENT_ROLES = (Role.DEPARTMENT_HEAD, Role.APPROVER, Role.REVIEWER)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_centre_feedback_staff(user: Any, service_center_id: int | None) -> bool:
    return (
        _active(user)
        and service_center_id is not None
        and user_holds(user, *CENTRE_FEEDBACK_ROLES, service_center_id=service_center_id)
    )


def is_counter_staff(user: Any, service_center_id: int | None) -> bool:
    return (
        _active(user)
        and service_center_id is not None
        and user_holds(user, *COUNTER_ROLES, service_center_id=service_center_id)
    )


def is_department_staff(user: Any, department_id: int | None) -> bool:
    return (
        _active(user)
        and department_id is not None
        and user_holds(user, *DEPARTMENT_ROLES, department_id=department_id)
    )
