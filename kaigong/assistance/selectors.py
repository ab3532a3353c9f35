"""
Reads of the assistance app, with their scope (who may see what).

* mandates: the enterprise's applicants, the authorised helper, and window clerks / centre
  administrators whose jurisdiction holds one of the mandate's projects;
* assignments and 提前介入: who may see the project (projects.selectors);
* consultations: the enterprise's applicants, the asker, the expert, staff of the
  department, window clerks of the jurisdiction;
* policies: the publishing department's staff, supervisors, staff of the jurisdiction,
  and the enterprises with a project the policy targets;
* pre-reviews: the applicant's side of the case, window clerks and department staff whose
  jurisdiction holds the project;
* 专班 (task forces): the centre's window clerks and administrators, the team's lead and
  members, supervisors;
* session sign-ups: the publishing department's staff, the signed-up enterprise;
* suggestions: who recorded it, its enterprise, the owner department, staff of the region.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import Department
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import (
    region_prefix,
    user_department_ids,
    user_enterprise_ids,
    user_has_role,
    user_holds,
    user_jurisdiction_prefixes,
)
from kaigong.cases.permissions import is_applicant_for
from kaigong.core.clock import local_date
from kaigong.core.exceptions import NotFound
from kaigong.projects.models import Project
from kaigong.projects.selectors import project_list_visible_to

from .constants import MandateStatus, QuestionStatus
from .models import (
    EarlyIntervention,
    HelperAssignment,
    HelperTeam,
    Mandate,
    Policy,
    PolicyReceipt,
    PreReview,
    Question,
    SessionSignup,
    Suggestion,
)

STAFF_DEPARTMENT_ROLES = (Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD, Role.EXPERT)
CENTRE_ROLES = (Role.WINDOW_CLERK, Role.CENTRE_ADMIN)


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _get(qs: QuerySet, public_id: Any, message) -> Any:
    try:
        return qs.get(public_id=public_id)
    except (qs.model.DoesNotExist, ValidationError, ValueError, TypeError):
        raise NotFound(message) from None


def staff_prefixes(user: Any) -> set[str]:
    """The region prefixes of the user's centres (clerks, admins) and departments."""
    prefixes = set(user_jurisdiction_prefixes(user, CENTRE_ROLES))
    departments = user_department_ids(user, STAFF_DEPARTMENT_ROLES)
    if departments:
        codes = Department.objects.filter(id__in=departments).values_list("region_code", flat=True)
        prefixes |= {p for p in (region_prefix(c) for c in codes) if p}
    return prefixes


def _region_q(prefixes: set[str], path: str) -> Q:
    condition = Q(pk__in=[])
    for prefix in sorted(prefixes):
        condition |= Q(**{f"{path}__startswith": prefix})
    return condition


# --- mandates --------------------------------------------------------------------------


def mandate_status(mandate: Mandate, on: date | None = None) -> str:
    on = on or local_date()
    if mandate.revoked_at is not None:
        return MandateStatus.REVOKED
    if on < mandate.valid_from:
        return MandateStatus.NOT_YET
    if on > mandate.valid_until:
        return MandateStatus.EXPIRED
    return MandateStatus.IN_FORCE


def mandate_in_force_for(
    user: Any, enterprise_id: int, project_id: int | None, action: str | None
) -> Mandate | None:
    """
    The mandate under which ``user`` may do ``action`` (None: any) on the project.

    # rule: checked afresh on every request: a revoked or lapsed mandate covers nothing
    # from the next request on (docs/legal.md#mandate-acting-for)
    """
    if not _active(user) or project_id is None:
        return None
    today = local_date()
    rows = (
        Mandate.objects.filter(
            agent=user,
            enterprise_id=enterprise_id,
            revoked_at__isnull=True,
            valid_from__lte=today,
            valid_until__gte=today,
            projects__id=project_id,
        )
        .select_related("enterprise")
        .order_by("-signed_at")
    )
    for mandate in rows:
        if action is None or action in (mandate.actions or []):
            return mandate
    return None


def mandate_context(mandate: Mandate, agent: Any) -> dict[str, str]:
    """What an event records of the mandate: "X 代 Y（委托书 M）"."""
    return {
        "mandate": str(mandate.public_id),
        "number": mandate.number,
        "enterprise": mandate.enterprise.name,
        "agent": str(agent),
        "agent_id": str(agent.public_id),
    }


def mandate_acting_for(user: Any, case: Any, action: str | None) -> dict | None:
    """The checker cases asks (cases.hooks.acting_for)."""
    mandate = mandate_in_force_for(user, case.enterprise_id, case.project_id, action)
    return mandate_context(mandate, user) if mandate else None


def mandate_list_visible_to(user: Any) -> QuerySet[Mandate]:
    base = Mandate.objects.select_related("enterprise", "agent", "signed_by")
    if not _active(user):
        return base.none()
    if user_has_role(user, Role.SUPERVISOR):
        return base.all()
    condition = Q(agent=user)
    enterprises = user_enterprise_ids(user)
    if enterprises:
        condition |= Q(enterprise_id__in=enterprises)
    prefixes = set(user_jurisdiction_prefixes(user, CENTRE_ROLES))
    if prefixes:
        condition |= _region_q(prefixes, "projects__region_code")
    return base.filter(pk__in=Mandate.objects.filter(condition).values("pk"))


def mandate_get_for(user: Any, public_id: Any) -> Mandate:
    return _get(mandate_list_visible_to(user), public_id, _("There is no such mandate."))


# --- assignments -----------------------------------------------------------------------


def assignment_list_visible_to(user: Any) -> QuerySet[HelperAssignment]:
    projects = project_list_visible_to(user).values("pk")
    return HelperAssignment.objects.filter(project_id__in=projects).select_related(
        "project", "helper", "team", "team__lead", "assigned_by"
    )


def assignment_get_for(user: Any, public_id: Any) -> HelperAssignment:
    return _get(assignment_list_visible_to(user), public_id, _("There is no such assignment."))


def assignment_history(project: Project) -> QuerySet[HelperAssignment]:
    return HelperAssignment.objects.filter(project=project).select_related(
        "helper", "team", "assigned_by"
    )


def early_intervention_list(project: Project) -> QuerySet[EarlyIntervention]:
    return EarlyIntervention.objects.filter(project=project).select_related("department")


def helper_workbench(user: Any) -> list[dict[str, Any]]:
    """
    The helper's projects (current assignments) and, per case, who the next step waits on
    (the enterprise or the government) and what it is.
    """
    from kaigong.cases.constants import CaseStatus
    from kaigong.cases.models import Case

    waiting_on_enterprise: dict[str, Promise] = {
        CaseStatus.DRAFT: _("Prepare and submit the application"),
        CaseStatus.CORRECTION_REQUESTED: _("Supply the corrections asked for"),
    }
    waiting_on_government: dict[str, Promise] = {
        CaseStatus.SUBMITTED: _("The window checks the application (受理)"),
        CaseStatus.ACCEPTED: _("The departments review the application"),
        CaseStatus.CONCLUDED: _("The results are released together"),
    }
    rows = []
    current = (
        HelperAssignment.objects.filter(helper=user, until__isnull=True)
        .select_related("project", "project__enterprise", "team")
        .order_by("project__name")
    )
    for assignment in current:
        project = assignment.project
        mandate = mandate_in_force_for(user, project.enterprise_id, project.pk, None)
        cases = []
        for case in Case.objects.filter(project=project).order_by("-created_at", "-id"):
            step: str | Promise
            if case.status in waiting_on_enterprise:
                side, step = "enterprise", waiting_on_enterprise[case.status]
            elif case.status in waiting_on_government:
                side, step = "government", waiting_on_government[case.status]
            else:
                side, step = "", ""
            cases.append({"case": case, "side": side, "next_step": step})
        rows.append(
            {
                "assignment": assignment,
                "project": project,
                "mandate": mandate,
                "cases": cases,
                "waiting_on_enterprise": [c for c in cases if c["side"] == "enterprise"],
                "waiting_on_government": [c for c in cases if c["side"] == "government"],
            }
        )
    return rows


# --- consultations ---------------------------------------------------------------------


def question_list_visible_to(user: Any) -> QuerySet[Question]:
    base = Question.objects.select_related(
        "enterprise", "project", "matter", "department", "expert", "asked_by"
    )
    if not _active(user):
        return base.none()
    if user_has_role(user, Role.SUPERVISOR):
        return base.all()
    condition = Q(asked_by=user) | Q(expert=user)
    enterprises = user_enterprise_ids(user)
    if enterprises:
        condition |= Q(enterprise_id__in=enterprises)
    if user_has_role(user, Role.HELPER):
        condition |= Q(project__helpers=user)
    departments = user_department_ids(user, STAFF_DEPARTMENT_ROLES)
    if departments:
        condition |= Q(department_id__in=departments)
    prefixes = set(user_jurisdiction_prefixes(user, CENTRE_ROLES))
    if prefixes:
        condition |= _region_q(prefixes, "region_code")
    return base.filter(pk__in=Question.objects.filter(condition).values("pk"))


def question_get_for(user: Any, public_id: Any) -> Question:
    return _get(question_list_visible_to(user), public_id, _("There is no such question."))


def question_faq_for_matter(matter_id: int) -> QuerySet[Question]:
    """The published, anonymised answers of a matter (its 办事指南 FAQ)."""
    return Question.objects.filter(
        matter_id=matter_id, status=QuestionStatus.ANSWERED, published_at__isnull=False
    ).order_by("-published_at")


def expert_on_duty(department: Department, on: date) -> Any:
    """The department's expert on duty on ``on``; else None."""
    from .models import ExpertDuty

    duty = (
        ExpertDuty.objects.filter(department=department, start__lte=on, end__gte=on)
        .select_related("expert")
        .order_by("start", "id")
        .first()
    )
    if duty and user_holds(duty.expert, Role.EXPERT, department_id=department.pk):
        return duty.expert
    return None


# --- policies --------------------------------------------------------------------------


def _project_stage(project: Project) -> int | None:
    from kaigong.cases.models import Case

    row = (
        Case.objects.filter(project=project)
        .order_by("-created_at")
        .values_list("bundle__stage__national_stage", flat=True)
        .first()
    )
    return row


def policy_targets(policy: Policy, project: Project) -> bool:
    """The policy is meant for ``project``: region, category, stage and key-project flag."""
    if not project.region_code.startswith(region_prefix(policy.region_code)):
        return False
    if policy.categories and project.category not in policy.categories:
        return False
    if policy.key_projects_only and not project.is_key_project:
        return False
    if policy.stages:
        stage = _project_stage(project) or 1
        if stage not in policy.stages:
            return False
    return True


def _enterprise_projects(user: Any) -> QuerySet[Project]:
    """The enterprise's projects, or (a helper) the projects it is assigned to."""
    condition = Q(enterprise_id__in=user_enterprise_ids(user))
    if user_has_role(user, Role.HELPER):
        condition |= Q(helpers=user)
    return Project.objects.filter(condition).distinct()


def policy_list_for_project(project: Project) -> list[Policy]:
    prefix_rows = Policy.objects.select_related("department").order_by("-published_at")
    return [p for p in prefix_rows if policy_targets(p, project)]


def policy_list_visible_to(user: Any) -> list[Policy]:
    if not _active(user):
        return []
    rows = list(Policy.objects.select_related("department").order_by("-published_at", "-id"))
    if user_has_role(user, Role.SUPERVISOR):
        return rows
    departments = user_department_ids(user)
    prefixes = staff_prefixes(user)
    projects = list(_enterprise_projects(user))
    out = []
    for policy in rows:
        if policy.department_id in departments:
            out.append(policy)
        elif any(policy.region_code.startswith(p) for p in prefixes):
            out.append(policy)
        elif any(policy_targets(policy, project) for project in projects):
            out.append(policy)
    return out


def policy_get_for(user: Any, public_id: Any) -> Policy:
    for policy in policy_list_visible_to(user):
        if str(policy.public_id) == str(public_id):
            return policy
    raise NotFound(_("There is no such policy."))


def policy_read_ids(user: Any) -> set[int]:
    return set(
        PolicyReceipt.objects.filter(enterprise_id__in=user_enterprise_ids(user)).values_list(
            "policy_id", flat=True
        )
    )


def policy_receipts(policy: Policy) -> QuerySet[PolicyReceipt]:
    return policy.receipts.select_related("enterprise", "read_by")


def session_signups(policy: Policy) -> QuerySet[SessionSignup]:
    return policy.signups.select_related("enterprise").order_by("created_at")


def suggestion_list_visible_to(user: Any) -> QuerySet[Suggestion]:
    base = Suggestion.objects.select_related("owner", "enterprise")
    if not _active(user):
        return base.none()
    if user_has_role(user, Role.SUPERVISOR):
        return base.all()
    condition = Q(recorded_by=user)
    enterprises = user_enterprise_ids(user)
    if enterprises:
        condition |= Q(enterprise_id__in=enterprises)
    departments = user_department_ids(user, STAFF_DEPARTMENT_ROLES)
    if departments:
        condition |= Q(owner_id__in=departments)
    prefixes = staff_prefixes(user)
    if prefixes:
        condition |= _region_q(prefixes, "region_code")
    return base.filter(condition)


def suggestion_get_for(user: Any, public_id: Any) -> Suggestion:
    return _get(suggestion_list_visible_to(user), public_id, _("There is no such suggestion."))


# --- pre-reviews -----------------------------------------------------------------------


def pre_review_list_visible_to(user: Any) -> QuerySet[PreReview]:
    base = PreReview.objects.select_related("case", "case__project", "case__enterprise")
    if not _active(user):
        return base.none()
    condition = Q(requested_by=user)
    enterprises = user_enterprise_ids(user)
    if enterprises:
        condition |= Q(case__enterprise_id__in=enterprises)
    if user_has_role(user, Role.HELPER):
        condition |= Q(case__project__helpers=user)
    prefixes = staff_prefixes(user)
    if prefixes:
        condition |= _region_q(prefixes, "case__project__region_code")
    return base.filter(pk__in=PreReview.objects.filter(condition).values("pk"))


def pre_review_get_for(user: Any, public_id: Any) -> PreReview:
    return _get(pre_review_list_visible_to(user), public_id, _("There is no such pre-review."))


def pre_reviews_of_case(case: Any) -> QuerySet[PreReview]:
    return PreReview.objects.filter(case=case).prefetch_related("notes")


def is_staff_for_project(user: Any, project: Project) -> bool:
    """A window clerk or department staff member whose jurisdiction holds the project."""
    return any(project.region_code.startswith(p) for p in staff_prefixes(user))


def applicant_side(user: Any, case: Any) -> bool:
    return is_applicant_for(user, case)


# --- lookups for input -----------------------------------------------------------------


def helper_by_public_id(public_id: Any, name: str = "helper") -> Any:
    """A user holding the helper role; an ``invalid_input`` naming ``name`` otherwise."""
    from kaigong.accounts.models import User
    from kaigong.core.exceptions import InvalidInput

    user = User.objects.filter(public_id=public_id, is_active=True).first()
    if user is None or not user_has_role(user, Role.HELPER):
        raise InvalidInput(
            _("There is no such helper."),
            code="not_helper",
            invalid_params=[{"name": name, "code": "not_helper", "reason": str(public_id)}],
        )
    return user


def department_by_code(code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise NotFound(_("There is no such department."), code="department_not_found")
    return department


def matter_by_code(code: str) -> Any:
    from kaigong.catalog.models import Matter

    if not code:
        return None
    matter = Matter.objects.filter(code=code).first()
    if matter is None:
        raise NotFound(_("There is no such matter."), code="matter_not_found")
    return matter


def enterprise_of_user(user: Any, public_id: Any) -> Any:
    """An enterprise the user belongs to; 404 for any other."""
    from kaigong.accounts.models import Enterprise

    try:
        return Enterprise.objects.get(public_id=public_id, id__in=user_enterprise_ids(user))
    except (Enterprise.DoesNotExist, ValidationError, ValueError, TypeError):
        raise NotFound(_("There is no such enterprise."), code="enterprise_not_found") from None


def signup_get_for(user: Any, public_id: Any) -> SessionSignup:
    qs = SessionSignup.objects.select_related("policy", "enterprise").filter(
        policy__department_id__in=user_department_ids(user, STAFF_DEPARTMENT_ROLES)
    )
    return _get(qs, public_id, _("There is no such sign-up."))


def centre_helpers(user: Any) -> list[Any]:
    """The helpers of the centres where ``user`` is a window clerk or centre admin."""
    from kaigong.accounts.models import Membership
    from kaigong.accounts.selectors import user_service_center_ids

    centres = user_service_center_ids(user, CENTRE_ROLES)
    rows = Membership.objects.filter(role=Role.HELPER, service_center_id__in=centres)
    return sorted({m.user for m in rows.select_related("user")}, key=str)


def departments_for_region(region_code: str) -> list[Department]:
    """The departments whose region holds ``region_code`` (county, city, province)."""
    rows = Department.objects.order_by("name")
    return [d for d in rows if (region_code or "").startswith(region_prefix(d.region_code))]


def departments_of_staff(user: Any) -> list[Department]:
    prefixes = staff_prefixes(user)
    rows = Department.objects.order_by("name")
    return [d for d in rows if any(d.region_code.startswith(p) for p in prefixes)]


def is_clerk_for_project(user: Any, project: Project) -> bool:
    return any(
        project.region_code.startswith(p) for p in user_jurisdiction_prefixes(user, CENTRE_ROLES)
    )


def askable_projects(user: Any) -> QuerySet[Project]:
    """The projects ``user`` may ask about: its enterprises', or those it is assigned to."""
    condition = Q(enterprise_id__in=user_enterprise_ids(user))
    if user_has_role(user, Role.HELPER):
        condition |= Q(helpers=user)
    return Project.objects.filter(condition).distinct().order_by("name")


def enterprise_projects_with_helpers(user: Any) -> QuerySet[Project]:
    return (
        Project.objects.filter(enterprise_id__in=user_enterprise_ids(user))
        .prefetch_related("helpers")
        .order_by("name")
    )


# --- 专班 (task forces) and session sign-ups --------------------------------------------


def team_list_visible_to(user: Any) -> QuerySet[HelperTeam]:
    from kaigong.accounts.selectors import user_service_center_ids

    base = HelperTeam.objects.select_related("service_center", "lead").prefetch_related("members")
    if not _active(user):
        return base.none()
    if user_has_role(user, Role.SUPERVISOR):
        return base.all()
    condition = Q(lead=user) | Q(members=user)
    centres = user_service_center_ids(user, CENTRE_ROLES)
    if centres:
        condition |= Q(service_center_id__in=centres)
    return base.filter(pk__in=HelperTeam.objects.filter(condition).values("pk"))


def team_get_for(user: Any, public_id: Any) -> HelperTeam:
    return _get(team_list_visible_to(user), public_id, _("There is no such task force."))


def signup_list_visible_to(user: Any) -> QuerySet[SessionSignup]:
    """Sign-ups of the sessions of the user's departments, and those of its enterprises."""
    base = SessionSignup.objects.select_related("policy", "enterprise").order_by("created_at", "id")
    if not _active(user):
        return base.none()
    condition = Q(pk__in=[])
    departments = user_department_ids(user, STAFF_DEPARTMENT_ROLES)
    if departments:
        condition |= Q(policy__department_id__in=departments)
    enterprises = user_enterprise_ids(user)
    if enterprises:
        condition |= Q(enterprise_id__in=enterprises)
    return base.filter(condition)


def users_by_public_ids(public_ids: list[Any], name: str) -> list[Any]:
    """Helpers by public id, in the given order (``not_helper`` for any other)."""
    return [helper_by_public_id(p, name) for p in public_ids]


def pre_review_watchers(review: PreReview) -> list[Any]:
    """
    Whom a pre-review about to lapse is told of: the window clerks who annotate it (the
    case's service centre; without one, the centres whose jurisdiction holds the project)
    and the project's assigned helpers, who follow it for the enterprise.
    """
    from kaigong.accounts.models import ServiceCenter, User
    from kaigong.accounts.selectors import region_contains

    case = review.case
    if case.service_center_id:
        centres = [case.service_center_id]
    else:
        region = case.project.region_code
        centres = [
            c.pk for c in ServiceCenter.objects.all() if region_contains(c.region_code, region)
        ]
    clerks = User.objects.filter(
        is_active=True,
        memberships__role=Role.WINDOW_CLERK,
        memberships__service_center_id__in=centres,
    )
    helpers = case.project.helpers.filter(is_active=True)
    people = {u.pk: u for u in [*clerks, *helpers]}
    return [people[pk] for pk in sorted(people)]
