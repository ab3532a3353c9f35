"""
Writes of the assistance app. Each checks who may do it, changes one thing, audits it.

Working-day limits run on the calendars app's clock (``due_date``), in the project's region;
no statutory clock of a case is started or moved here (a pre-review is not a 补正).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import Department, Enterprise
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import (
    region_prefix,
    user_department_ids,
    user_has_role,
    user_holds,
    user_in_jurisdiction,
    user_service_center_ids,
)
from kaigong.calendars.selectors import due_date
from kaigong.cases.constants import CaseStatus
from kaigong.cases.hashing import sm3_hex
from kaigong.cases.permissions import can_edit_case
from kaigong.certificates.signing import platform_sign
from kaigong.core.clock import local_date
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.services import audit_record, notification_send
from kaigong.projects.models import Project
from kaigong.projects.services import project_helpers_set

from .constants import (
    AssignmentRole,
    ErrorCode,
    HelperLevel,
    MandateAction,
    NoteTarget,
    PolicyKind,
    PreReviewStatus,
    QuestionStatus,
    SuggestionSource,
    SuggestionStatus,
)
from .models import (
    EarlyIntervention,
    HelperAssignment,
    HelperTeam,
    Mandate,
    Policy,
    PolicyReceipt,
    PreReview,
    PreReviewNote,
    Question,
    SessionSignup,
    Suggestion,
)
from .selectors import (
    expert_on_duty,
    is_staff_for_project,
    mandate_status,
    policy_targets,
    pre_review_watchers,
    staff_prefixes,
)


def _bad(name: str, code: str, message) -> InvalidInput:
    return InvalidInput(
        message, code=code, invalid_params=[{"name": name, "code": code, "reason": str(message)}]
    )


def _text(value: Any, name: str) -> str:
    value = str(value or "").strip()
    if not value:
        raise _bad(name, ErrorCode.TEXT_REQUIRED, _("This text is required."))
    return value


def _choice(value: Any, choices, name: str) -> str:
    if value not in choices.values:
        raise _bad(name, "invalid_choice", _("Not one of the choices."))
    return value


def _working_days_due(start: date, days: int, region_code: str) -> date:
    # rule: limits in working days on the calendar of the project's region
    # (docs/legal.md#assistance-working-days)
    region = region_code if region_code and len(region_code) == 6 else ""
    return due_date(start, days, region_code=region).due_on


def _name(user: Any) -> str:
    return str(user)


# --- assignments (项目助手, 专班) --------------------------------------------------------


def _ensure_assigner(actor: Any, project: Project) -> None:
    # a window clerk of the project's jurisdiction (projects.permissions), or its centre admin
    if user_in_jurisdiction(actor, project.region_code, [Role.WINDOW_CLERK, Role.CENTRE_ADMIN]):
        return
    raise PermissionDenied(_("Only the service centre of the project's region assigns helpers."))


def _sync_helpers(project: Project, actor: Any) -> None:
    current = [
        a.helper for a in HelperAssignment.objects.filter(project=project, until__isnull=True)
    ]
    project_helpers_set(project=project, helpers=list(dict.fromkeys(current)), actor=actor)


def _ensure_helper(user: Any, name: str = "helper") -> None:
    if not user_has_role(user, Role.HELPER):
        raise _bad(name, ErrorCode.NOT_HELPER, _("%(user)s is not a helper.") % {"user": user})


@transaction.atomic
def team_create(*, actor: Any, name: str, lead: Any, members: Iterable[Any]) -> HelperTeam:
    """
    A 专班 of the actor's centre: a named team with a lead and members, all helpers of the
    actor's centres. Errors: ``permission_denied`` (403), ``not_helper`` (400).
    """
    centres = user_service_center_ids(actor, [Role.WINDOW_CLERK, Role.CENTRE_ADMIN])
    if not centres:
        raise PermissionDenied(_("Only a service centre forms a task force."))
    members = list(members)
    for user in [lead, *members]:
        _ensure_helper(user, "members")
        # the team's people are the centre's own helpers (no helper of another centre)
        if not any(user_holds(user, Role.HELPER, service_center_id=c) for c in centres):
            raise _bad(
                "members",
                ErrorCode.NOT_HELPER,
                _("%(user)s is not a helper of your service centre.") % {"user": user},
            )
    team = HelperTeam.objects.create(
        name=_text(name, "name"), service_center_id=min(centres), lead=lead
    )
    team.members.set(list(dict.fromkeys([lead, *members])))
    audit_record(actor=actor, action="assistance_team_create", obj=team, summary=team.name)
    return team


@transaction.atomic
def assignment_create(
    *,
    actor: Any,
    project: Project,
    helper: Any,
    level: str,
    role: str = AssignmentRole.PROJECT_HELPER,
    team: HelperTeam | None = None,
    note: str = "",
) -> HelperAssignment:
    """
    Assign a helper (项目助手) or a 专班 member to a project. The project's current helpers
    (``Project.helpers``) follow. Errors: ``permission_denied`` (403), ``not_helper`` (400).
    """
    _ensure_assigner(actor, project)
    _ensure_helper(helper)
    _choice(level, HelperLevel, "level")
    _choice(role, AssignmentRole, "role")
    existing = HelperAssignment.objects.filter(
        project=project, helper=helper, until__isnull=True
    ).first()
    if existing is not None:
        return existing
    assignment = HelperAssignment.objects.create(
        project=project,
        helper=helper,
        level=level,
        role=role,
        team=team,
        since=timezone.now(),
        assigned_by=actor,
        note=(note or "")[:200],
    )
    _sync_helpers(project, actor)
    audit_record(
        actor=actor,
        action="assistance_assign",
        obj=assignment,
        data={"project": str(project.public_id), "helper": str(helper.public_id), "level": level},
    )
    return assignment


@transaction.atomic
def assignment_hand_over(
    *, actor: Any, assignment: HelperAssignment, to_helper: Any, note: str = ""
) -> HelperAssignment:
    """
    Hand the project over to another helper: the old row is closed (until, handed over to),
    a new one opens with the same role, level and team; the history keeps both. The old
    helper's mandates stop covering the project with its assignment (cases checks it).
    """
    _ensure_assigner(actor, assignment.project)
    _ensure_helper(to_helper, "to_helper")
    if assignment.until is not None:
        raise Conflict(_("This assignment has already ended."), code="assignment_ended")
    if to_helper.pk == assignment.helper_id:
        raise _bad("to_helper", "same_helper", _("Hand over to another helper."))
    now = timezone.now()
    successor = HelperAssignment.objects.create(
        project=assignment.project,
        helper=to_helper,
        level=assignment.level,
        role=assignment.role,
        team=assignment.team,
        since=now,
        assigned_by=actor,
        note=(note or "")[:200],
    )
    assignment.until = now
    assignment.handed_over_to = successor
    assignment.save(update_fields=["until", "handed_over_to", "updated_at"])
    _sync_helpers(assignment.project, actor)
    audit_record(
        actor=actor,
        action="assistance_hand_over",
        obj=assignment,
        data={"to": str(successor.public_id), "helper": str(to_helper.public_id)},
    )
    return successor


@transaction.atomic
def early_intervention_assign(
    *, actor: Any, project: Project, department: Department, note: str = ""
) -> EarlyIntervention:
    """
    提前介入: a department follows a key project before its land is obtained.

    # rule: only key projects get 提前介入 (docs/legal.md#early-intervention)
    """
    _ensure_assigner(actor, project)
    if not project.is_key_project:
        raise Conflict(_("Only key projects get early intervention."), code="not_key_project")
    row, _created = EarlyIntervention.objects.get_or_create(
        project=project,
        department=department,
        defaults={"assigned_by": actor, "note": (note or "")[:200]},
    )
    audit_record(actor=actor, action="assistance_early_intervention", obj=row)
    return row


# --- mandates (授权委托书) ----------------------------------------------------------------


def _mandate_number(year: int) -> str:
    prefix = f"WT{year}"
    last = Mandate.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    n = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{n:05d}"


def mandate_text(
    *,
    number: str,
    enterprise: Enterprise,
    agent: Any,
    projects: Sequence[Project],
    actions: Sequence[str],
    valid_from: date,
    valid_until: date,
) -> str:
    """The mandate's wording (Chinese, what the enterprise signs; its SM3 is recorded)."""
    labels = "、".join(str(MandateAction(a).label) for a in actions)
    names = "、".join(p.name for p in projects)
    return _g(
        "Mandate %(number)s. Principal: %(enterprise)s (USCC %(uscc)s). Agent: helper "
        "%(agent)s. Projects: %(projects)s. Powers: %(actions)s. Valid from %(start)s to "
        "%(end)s. The principal may revoke it at any time."
    ) % {
        "number": number,
        "enterprise": enterprise.name,
        "uscc": enterprise.uscc,
        "agent": _name(agent),
        "projects": names,
        "actions": labels,
        "start": valid_from.isoformat(),
        "end": valid_until.isoformat(),
    }


@transaction.atomic
def mandate_grant(
    *,
    actor: Any,
    enterprise: Enterprise,
    agent: Any,
    projects: Iterable[Project],
    actions: Iterable[str],
    valid_until: date,
    valid_from: date | None = None,
) -> Mandate:
    """
    The enterprise authorises a helper (授权委托书): for its ``projects`` (the helper must be
    assigned to each), for ``actions``, from ``valid_from`` (today) to ``valid_until``.
    Signed by the actor's account: who and when, the SM3 of the text and the platform's SM2
    signature over it.

    Errors: ``permission_denied`` (403, not an applicant of the enterprise), ``not_helper``,
    ``mandate_invalid`` (400).
    """
    if not user_holds(actor, Role.APPLICANT, enterprise_id=enterprise.pk):
        raise PermissionDenied(_("Only the enterprise's own account signs its mandates."))
    _ensure_helper(agent, "agent")
    projects = list(dict.fromkeys(projects))
    actions = list(dict.fromkeys(actions or []))
    today = local_date()
    valid_from = valid_from or today
    if not projects:
        raise _bad("projects", ErrorCode.MANDATE_INVALID, _("Name at least one project."))
    for project in projects:
        if project.enterprise_id != enterprise.pk:
            raise _bad("projects", ErrorCode.MANDATE_INVALID, _("A project of another owner."))
        if not project.helpers.filter(pk=agent.pk).exists():
            raise _bad(
                "projects",
                ErrorCode.MANDATE_INVALID,
                _("The helper is not assigned to the project “%(p)s”.") % {"p": project.name},
            )
    if not actions or any(a not in MandateAction.values for a in actions):
        raise _bad("actions", ErrorCode.MANDATE_INVALID, _("Choose the actions it covers."))
    if valid_until < valid_from or valid_from < today:
        raise _bad("valid_until", ErrorCode.MANDATE_INVALID, _("The validity is not possible."))
    number = _mandate_number(today.year)
    text = mandate_text(
        number=number,
        enterprise=enterprise,
        agent=agent,
        projects=projects,
        actions=actions,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    data = text.encode("utf-8")
    signature = platform_sign(data)
    mandate = Mandate.objects.create(
        number=number,
        enterprise=enterprise,
        agent=agent,
        actions=actions,
        valid_from=valid_from,
        valid_until=valid_until,
        text=text,
        text_sm3=sm3_hex(data),
        signature_hex=signature.signature_hex,
        signature_key_id=signature.key_id,
        signed_by=actor,
        signed_at=timezone.now(),
    )
    mandate.projects.set(projects)
    audit_record(
        actor=actor,
        action="assistance_mandate_grant",
        obj=mandate,
        summary=number,
        data={"agent": str(agent.public_id), "actions": actions, "until": valid_until.isoformat()},
    )
    notification_send(
        kind="assistance.mandate",
        title=_g("Mandate %(n)s granted to you") % {"n": number},
        body=text,
        link=f"/assistance/mandates/{mandate.public_id}/",
        user=agent,
    )
    return mandate


@transaction.atomic
def mandate_revoke(*, actor: Any, mandate: Mandate, reason: str = "") -> Mandate:
    """Revoke at once: from the next request on the helper writes nothing under it."""
    if not user_holds(actor, Role.APPLICANT, enterprise_id=mandate.enterprise_id):
        raise PermissionDenied(_("Only the enterprise revokes its mandates."))
    if mandate.revoked_at is not None:
        raise Conflict(_("The mandate is already revoked."), code=ErrorCode.MANDATE_REVOKED)
    mandate.revoked_at = timezone.now()
    mandate.revoked_by = actor
    mandate.revoke_reason = (reason or "")[:200]
    mandate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "updated_at"])
    audit_record(actor=actor, action="assistance_mandate_revoke", obj=mandate, summary=reason)
    notification_send(
        kind="assistance.mandate",
        title=_g("Mandate %(n)s revoked") % {"n": mandate.number},
        link=f"/assistance/mandates/{mandate.public_id}/",
        user=mandate.agent,
    )
    return mandate


def mandate_verify(mandate: Mandate) -> bool:
    """The recorded text still hashes to its SM3 and carries the platform's signature."""
    from kaigong.certificates.signing import platform_verify

    data = mandate.text.encode("utf-8")
    return sm3_hex(data) == mandate.text_sm3 and platform_verify(data, mandate.signature_hex)


def mandate_state(mandate: Mandate) -> str:
    return mandate_status(mandate)


# --- expert consultation (专家咨询) -------------------------------------------------------


def _asks_for(actor: Any, enterprise: Enterprise, project: Project | None) -> bool:
    if user_holds(actor, Role.APPLICANT, enterprise_id=enterprise.pk):
        return True
    return bool(
        project is not None
        and user_has_role(actor, Role.HELPER)
        and project.helpers.filter(pk=actor.pk).exists()
    )


@transaction.atomic
def question_ask(
    *,
    actor: Any,
    department: Department,
    text: str,
    project: Project | None = None,
    enterprise: Enterprise | None = None,
    matter: Any = None,
) -> Question:
    """
    An enterprise (or its assigned helper, for a project) asks a department. The question
    goes to the department's expert on duty, due in the configured working days.

    Errors: ``permission_denied`` (403), ``text_required`` (400), ``no_expert_on_duty`` (409).
    """
    enterprise = project.enterprise if project is not None else enterprise
    if enterprise is None or not _asks_for(actor, enterprise, project):
        raise PermissionDenied(_("Only the enterprise or its helper asks for it."))
    text = _text(text, "text")
    today = local_date()
    expert = expert_on_duty(department, today)
    if expert is None:
        raise Conflict(
            _("No expert of this department is on duty; ask the window."),
            code=ErrorCode.NO_EXPERT_ON_DUTY,
        )
    region = project.region_code if project is not None else department.region_code
    days = settings.KAIGONG_QUESTION_ANSWER_WORKING_DAYS
    question = Question.objects.create(
        enterprise=enterprise,
        project=project,
        matter=matter,
        department=department,
        asked_by=actor,
        text=text,
        expert=expert,
        region_code=region,
        asked_on=today,
        due_on=_working_days_due(today, days, region),
    )
    audit_record(actor=actor, action="assistance_question_ask", obj=question)
    notification_send(
        kind="assistance.question",
        title=_g("A consultation waits for your answer by %(d)s") % {"d": question.due_on},
        body=text[:300],
        link=f"/assistance/questions/{question.public_id}/",
        user=expert,
    )
    return question


def _department_expert(actor: Any, department_id: int) -> bool:
    return user_holds(actor, Role.EXPERT, Role.DEPARTMENT_HEAD, department_id=department_id)


@transaction.atomic
def question_answer(*, actor: Any, question: Question, answer: str) -> Question:
    """Errors: ``permission_denied`` (403), ``already_answered`` (409), ``text_required``."""
    if not _department_expert(actor, question.department_id):
        raise PermissionDenied(_("Only the department's experts answer."))
    if question.status == QuestionStatus.ANSWERED:
        raise Conflict(_("The question is already answered."), code=ErrorCode.ALREADY_ANSWERED)
    question.answer = _text(answer, "answer")
    question.answered_by = actor
    question.answered_at = timezone.now()
    question.status = QuestionStatus.ANSWERED
    question.save()
    audit_record(actor=actor, action="assistance_question_answer", obj=question)
    notification_send(
        kind="assistance.question",
        title=_g("Your consultation is answered"),
        body=question.answer[:300],
        link=f"/assistance/questions/{question.public_id}/",
        enterprise=question.enterprise,
    )
    return question


def anonymise(text: str, question: Question) -> str:
    """Remove the enterprise's and the project's names (and the USCC) from ``text``."""
    out = text
    for secret in (
        question.enterprise.name,
        question.enterprise.uscc,
        question.project.name if question.project is not None else "",
    ):
        if secret:
            out = out.replace(secret, "**")
    return out


@transaction.atomic
def question_publish(
    *, actor: Any, question: Question, faq_question: str = "", faq_answer: str = ""
) -> Question:
    """
    Publish the answer, anonymised, as an FAQ of the matter's 办事指南.

    Errors: ``permission_denied`` (403), ``not_answered`` / ``no_matter`` (409).
    """
    if not _department_expert(actor, question.department_id):
        raise PermissionDenied(_("Only the department's experts publish answers."))
    if question.status != QuestionStatus.ANSWERED:
        raise Conflict(_("Answer the question first."), code="not_answered")
    if question.matter_id is None:
        raise Conflict(_("The question names no matter."), code="no_matter")
    question.faq_question = anonymise(faq_question or question.text, question)
    question.faq_answer = anonymise(faq_answer or question.answer, question)
    question.published_at = timezone.now()
    question.save()
    audit_record(actor=actor, action="assistance_question_publish", obj=question)
    return question


def _warn_day(today: date, region_code: str) -> date:
    days = settings.KAIGONG_ASSISTANCE_WARN_WORKING_DAYS
    return _working_days_due(today, days, region_code) if days else today


@transaction.atomic
def deadlines_warn(*, on: date | None = None) -> int:
    """
    Warn the expert of each open question due within the warning working days (once
    each). Returns the number of warnings.
    """
    today = on or local_date()
    sent = 0
    for question in Question.objects.filter(status=QuestionStatus.OPEN, warned_at__isnull=True):
        if question.due_on > _warn_day(today, question.region_code):
            continue
        notification_send(
            kind="assistance.question_due",
            title=_g("A consultation is due on %(d)s") % {"d": question.due_on},
            body=question.text[:300],
            link=f"/assistance/questions/{question.public_id}/",
            user=question.expert,
        )
        question.warned_at = timezone.now()
        question.save(update_fields=["warned_at", "updated_at"])
        sent += 1
    return sent


@transaction.atomic
def pre_reviews_warn(*, on: date | None = None) -> int:
    """
    Warn of each pre-review not yet annotated whose soft deadline falls within the warning
    working days (``KAIGONG_ASSISTANCE_WARN_WORKING_DAYS``, on the calendar of the project's
    region) or has passed: the window clerks who annotate it and the project's helpers, each
    once. No statutory clock is involved (申报预审 is guidance). Returns the number of
    pre-reviews warned of.

    # rule: the pre-review's limit is a service promise in working days, not a statutory
    # time limit (docs/legal.md#pre-review)
    """
    today = on or local_date()
    sent = 0
    rows = PreReview.objects.filter(
        status=PreReviewStatus.REQUESTED, warned_at__isnull=True
    ).select_related("case", "case__project")
    for review in rows:
        if review.due_on > _warn_day(today, review.case.project.region_code):
            continue
        title = _g("A pre-review is due on %(d)s") % {"d": review.due_on}
        body = review.case.project.name[:300]
        for user in pre_review_watchers(review):
            notification_send(
                kind="assistance.pre_review_due",
                title=title,
                body=body,
                link=f"/assistance/pre-reviews/{review.public_id}/",
                user=user,
            )
        review.warned_at = timezone.now()
        review.save(update_fields=["warned_at", "updated_at"])
        audit_record(
            actor=None,
            action="assistance_pre_review_warn",
            obj=review,
            data={"due_on": review.due_on.isoformat()},
        )
        sent += 1
    return sent


# --- policies (政策入企) ------------------------------------------------------------------


def _publishing_department(actor: Any) -> Department:
    departments = user_department_ids(actor, [Role.DEPARTMENT_HEAD])
    if not departments:
        raise PermissionDenied(_("Only a department head publishes policies."))
    return Department.objects.get(pk=min(departments))


@transaction.atomic
def policy_publish(
    *,
    actor: Any,
    kind: str,
    title: str,
    body: str,
    region_code: str = "",
    categories: Sequence[str] = (),
    stages: Sequence[int] = (),
    key_projects_only: bool = False,
    session_at: Any = None,
    venue: str = "",
    capacity: int | None = None,
) -> Policy:
    """
    Publish a policy or a 政策解读课, targeted by region (the department's by default and
    never outside it), project category, stage and key-project flag; each targeted
    enterprise gets it in its inbox.
    """
    from kaigong.projects.constants import ProjectCategory

    department = _publishing_department(actor)
    _choice(kind, PolicyKind, "kind")
    region = (region_code or department.region_code).strip()
    if not region.startswith(region_prefix(department.region_code)):
        raise _bad("region_code", "region_outside", _("Outside the department's region."))
    for category in categories:
        _choice(category, ProjectCategory, "categories")
    stages = [int(s) for s in stages]
    if any(s not in range(1, 6) for s in stages):
        raise _bad("stages", "invalid_choice", _("Not one of the choices."))
    if kind == PolicyKind.SESSION and session_at is None:
        raise _bad("session_at", "session_time_required", _("Give the session's time."))
    policy = Policy.objects.create(
        kind=kind,
        title=_text(title, "title"),
        body=_text(body, "body"),
        department=department,
        published_by=actor,
        published_at=timezone.now(),
        region_code=region,
        categories=list(categories),
        stages=stages,
        key_projects_only=bool(key_projects_only),
        session_at=session_at if kind == PolicyKind.SESSION else None,
        venue=venue if kind == PolicyKind.SESSION else "",
        capacity=capacity if kind == PolicyKind.SESSION else None,
    )
    audit_record(actor=actor, action="assistance_policy_publish", obj=policy, summary=title)
    reached = set()
    projects = Project.objects.filter(region_code__startswith=region_prefix(region))
    for project in projects.select_related("enterprise"):
        if project.enterprise_id in reached or not policy_targets(policy, project):
            continue
        reached.add(project.enterprise_id)
        notification_send(
            kind="assistance.policy",
            title=policy.title,
            body=policy.body[:300],
            link=f"/assistance/policies/{policy.public_id}/",
            enterprise=project.enterprise,
        )
    return policy


def _enterprise_of(actor: Any, enterprise: Enterprise | None) -> Enterprise:
    if enterprise is None or not user_holds(actor, Role.APPLICANT, enterprise_id=enterprise.pk):
        raise PermissionDenied(_("Only the enterprise's own account does this."))
    return enterprise


@transaction.atomic
def policy_mark_read(*, actor: Any, policy: Policy, enterprise: Enterprise) -> PolicyReceipt:
    """The enterprise has read it (read receipt, once per enterprise)."""
    _enterprise_of(actor, enterprise)
    receipt, created = PolicyReceipt.objects.get_or_create(
        policy=policy,
        enterprise=enterprise,
        defaults={"read_by": actor, "read_at": timezone.now()},
    )
    if created:
        audit_record(actor=actor, action="assistance_policy_read", obj=receipt)
    return receipt


@transaction.atomic
def session_sign_up(
    *, actor: Any, policy: Policy, enterprise: Enterprise, attendee: str
) -> SessionSignup:
    """Errors: ``not_a_session`` / ``session_full`` (409), ``text_required`` (400)."""
    _enterprise_of(actor, enterprise)
    if policy.kind != PolicyKind.SESSION:
        raise Conflict(_("Only sessions take sign-ups."), code=ErrorCode.NOT_A_SESSION)
    existing = SessionSignup.objects.filter(policy=policy, enterprise=enterprise).first()
    if existing is not None:
        return existing
    if policy.capacity and policy.signups.count() >= policy.capacity:
        raise Conflict(_("The session is full."), code="session_full")
    signup = SessionSignup.objects.create(
        policy=policy,
        enterprise=enterprise,
        signed_up_by=actor,
        attendee=_text(attendee, "attendee")[:50],
    )
    audit_record(actor=actor, action="assistance_session_sign_up", obj=signup)
    return signup


@transaction.atomic
def session_attendance_record(
    *, actor: Any, signup: SessionSignup, attended: bool
) -> SessionSignup:
    if not user_holds(actor, Role.DEPARTMENT_HEAD, department_id=signup.policy.department_id):
        raise PermissionDenied(_("Only the publishing department records attendance."))
    signup.attended = bool(attended)
    signup.attendance_by = actor
    signup.save(update_fields=["attended", "attendance_by", "updated_at"])
    audit_record(actor=actor, action="assistance_attendance", obj=signup, data={"a": attended})
    return signup


# --- suggestions (座谈会 and enterprises) ------------------------------------------------


@transaction.atomic
def suggestion_record(
    *,
    actor: Any,
    source: str,
    text: str,
    owner: Department,
    deadline: date,
    region_code: str = "",
    enterprise: Enterprise | None = None,
) -> Suggestion:
    """
    A suggestion as an item with an owner department, a deadline and (later) a result.
    An enterprise records its own; staff of the region record a 座谈会's.
    """
    _choice(source, SuggestionSource, "source")
    if source == SuggestionSource.ENTERPRISE:
        _enterprise_of(actor, enterprise)
        region = region_code or owner.region_code
    else:
        region = region_code or owner.region_code
        if not any(region.startswith(p) for p in staff_prefixes(actor)):
            raise PermissionDenied(_("Only staff of the region record a forum's suggestions."))
        enterprise = None
    if deadline < local_date():
        raise _bad("deadline", "deadline_past", _("The deadline has passed."))
    row = Suggestion.objects.create(
        source=source,
        text=_text(text, "text"),
        region_code=region,
        enterprise=enterprise,
        recorded_by=actor,
        owner=owner,
        deadline=deadline,
    )
    audit_record(actor=actor, action="assistance_suggestion_record", obj=row)
    notification_send(
        kind="assistance.suggestion",
        title=_g("A suggestion to handle by %(d)s") % {"d": deadline},
        body=row.text[:300],
        link=f"/assistance/suggestions/{row.public_id}/",
        department=owner,
    )
    return row


@transaction.atomic
def suggestion_close(*, actor: Any, suggestion: Suggestion, status: str, result: str) -> Suggestion:
    """The owner department records the result (done or declined, with the reason)."""
    if not user_holds(actor, Role.DEPARTMENT_HEAD, department_id=suggestion.owner_id):
        raise PermissionDenied(_("Only the owner department records the result."))
    if status not in (SuggestionStatus.DONE, SuggestionStatus.DECLINED):
        raise _bad("status", "invalid_choice", _("Not one of the choices."))
    suggestion.status = status
    suggestion.result = _text(result, "result")
    suggestion.closed_at = timezone.now()
    suggestion.save()
    audit_record(actor=actor, action="assistance_suggestion_close", obj=suggestion)
    return suggestion


# --- pre-review (前期辅导 / 申报预审) ------------------------------------------------------


@transaction.atomic
def pre_review_request(*, actor: Any, case: Any, note: str = "") -> PreReview:
    """
    Ask for a pre-review of a draft: the window and the departments annotate it within the
    configured working days. No statutory clock starts and the case does not change.

    # rule: 申报预审 is guidance before the application, not a 补正 (docs/legal.md#pre-review)

    Errors: ``permission_denied`` (403: not the applicant, or a helper without a mandate for
    drafting), ``not_a_draft`` (409).
    """
    if not can_edit_case(actor, case):
        raise PermissionDenied(_("Only the applicant, or its helper under a mandate, asks."))
    if case.status != CaseStatus.DRAFT:
        raise Conflict(_("Only a draft can be pre-reviewed."), code=ErrorCode.NOT_A_DRAFT)
    open_review = PreReview.objects.filter(case=case, status=PreReviewStatus.REQUESTED).first()
    if open_review is not None:
        return open_review
    today = local_date()
    region = case.project.region_code
    review = PreReview.objects.create(
        case=case,
        requested_by=actor,
        requested_on=today,
        due_on=_working_days_due(today, settings.KAIGONG_PREREVIEW_WORKING_DAYS, region),
        note=(note or "").strip(),
    )
    audit_record(actor=actor, action="assistance_pre_review_request", obj=review)
    return review


@transaction.atomic
def pre_review_annotate(
    *, actor: Any, pre_review: PreReview, notes: Sequence[dict], summary: str = ""
) -> PreReview:
    """
    The window or a department of the project's region annotates fields and materials
    (suggestions). Errors: ``permission_denied`` (403), ``text_required`` (400).
    """
    if not is_staff_for_project(actor, pre_review.case.project):
        raise PermissionDenied(_("Only the window or a department of the region annotates."))
    if not notes and not (summary or "").strip():
        raise _bad("notes", ErrorCode.TEXT_REQUIRED, _("Write at least one suggestion."))
    for i, note in enumerate(notes):
        target = note.get("target") or NoteTarget.GENERAL
        _choice(target, NoteTarget, f"notes[{i}].target")
        PreReviewNote.objects.create(
            pre_review=pre_review,
            target=target,
            code=str(note.get("code") or "")[:64],
            text=_text(note.get("text"), f"notes[{i}].text"),
            author=actor,
        )
    if (summary or "").strip():
        PreReviewNote.objects.create(
            pre_review=pre_review, target=NoteTarget.GENERAL, text=summary.strip(), author=actor
        )
    pre_review.status = PreReviewStatus.ANNOTATED
    pre_review.annotated_by = actor
    pre_review.annotated_at = timezone.now()
    pre_review.save()
    audit_record(actor=actor, action="assistance_pre_review_annotate", obj=pre_review)
    notification_send(
        kind="assistance.pre_review",
        title=_g("Your pre-review has suggestions"),
        link=f"/assistance/pre-reviews/{pre_review.public_id}/",
        enterprise=pre_review.case.enterprise,
    )
    return pre_review
