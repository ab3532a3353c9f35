"""
Consultations, policies, suggestions, pre-reviews, assignments and hand-overs through the
services; working-day deadlines across the 2026 中秋 and 国庆 holidays (calendars' seed:
25 September off; 1–7 October off; Saturday 10 October an adjusted working day).
"""

from __future__ import annotations

import datetime as dt

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import ServiceCenterFactory, UserFactory
from kaigong.assistance.models import ExpertDuty, HelperAssignment
from kaigong.assistance.selectors import (
    assignment_history,
    helper_workbench,
    policy_list_visible_to,
    pre_reviews_of_case,
    question_faq_for_matter,
)
from kaigong.assistance.services import (
    assignment_create,
    assignment_hand_over,
    deadlines_warn,
    early_intervention_assign,
    mandate_grant,
    policy_mark_read,
    policy_publish,
    pre_review_annotate,
    pre_review_request,
    pre_reviews_warn,
    question_answer,
    question_ask,
    question_publish,
    session_attendance_record,
    session_sign_up,
    suggestion_close,
    suggestion_record,
)
from kaigong.cases.services.intake import case_submit
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, upload_all
from kaigong.core.exceptions import Conflict, PermissionDenied
from kaigong.core.models import Notification

from .conftest import at

pytestmark = pytest.mark.django_db


def _far_clerk(world):
    """A window clerk of 潍坊 (370700): the 沂南 project is outside its jurisdiction."""
    centre = ServiceCenterFactory(region_code="370700")
    return _staff(world, Role.WINDOW_CLERK, "far-clerk", service_center=centre)


def _staff(world, role, name, **scope):
    user = UserFactory(username=f"{name}{world.enterprise.pk}")
    membership_grant(user=user, role=role, **scope)
    return user


def test_a_consultation_is_due_in_working_days_across_the_national_day(travel):
    travel(at(2026, 9, 30))  # Wednesday, the last working day before 国庆
    world = lifecycle_world()
    department = world.departments[0]
    expert = _staff(world, Role.EXPERT, "expert", department=department)
    ExpertDuty.objects.create(
        department=department, expert=expert, start=dt.date(2026, 9, 1), end=dt.date(2026, 10, 31)
    )

    question = question_ask(
        actor=world.applicant,
        project=world.project,
        department=department,
        matter=world.versions["M1"].matter,
        text="开工建设有限公司的开工测试项目能否并联办理？",
    )

    # 3 working days from 30 Sep: 8 Oct (1), 9 Oct (2), Saturday 10 Oct, adjusted (3)
    assert question.due_on == dt.date(2026, 10, 10)
    assert question.expert == expert
    # the warning (1 working day ahead) comes on Friday 9 Oct, not before, and only once
    travel(at(2026, 10, 8, 8))
    assert deadlines_warn() == 0
    travel(at(2026, 10, 9, 8))
    assert deadlines_warn() == 1
    assert deadlines_warn() == 0
    assert Notification.objects.filter(user=expert, kind="assistance.question_due").count() == 1

    # answered by the expert, published anonymised as an FAQ of the matter's guide
    with pytest.raises(PermissionDenied):
        question_answer(actor=world.applicant, question=question, answer="可以")
    question_answer(actor=expert, question=question, answer="开工测试项目可以并联办理。")
    with pytest.raises(Conflict):
        question_answer(actor=expert, question=question, answer="again")
    question_publish(actor=expert, question=question)
    faq = question_faq_for_matter(world.versions["M1"].matter_id).get()
    assert faq.faq_question == "**的**能否并联办理？"
    assert faq.faq_answer == "**可以并联办理。"


def test_no_expert_on_duty_is_refused_and_only_the_enterprise_side_asks(monday):
    world = lifecycle_world()
    department = world.departments[1]
    with pytest.raises(Conflict) as excinfo:
        question_ask(actor=world.applicant, project=world.project, department=department, text="?")
    assert excinfo.value.code == "no_expert_on_duty"
    with pytest.raises(PermissionDenied):
        question_ask(
            actor=world.users["stranger"], project=world.project, department=department, text="?"
        )


def test_a_pre_review_is_annotated_in_working_days_and_starts_no_clock(travel):
    travel(at(2026, 9, 24))  # Thursday before 中秋 (Friday 25 Sep off)
    world = lifecycle_world()
    draft = CaseFactory(world=world)

    review = pre_review_request(actor=world.applicant, case=draft, note="请看看材料是否齐全")

    # 3 working days: 28 Sep (1), 29 (2), 30 (3); the holiday and the weekend skipped
    assert review.due_on == dt.date(2026, 9, 30)
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.number == "" or draft.number is None
    assert draft.correction_notice_due_on is None  # no statutory clock started
    # the helper without a mandate may not ask; the stranger does not see it at all
    with pytest.raises(PermissionDenied):
        pre_review_request(actor=world.helper, case=draft)
    with pytest.raises(PermissionDenied):
        pre_review_annotate(actor=_far_clerk(world), pre_review=review, notes=[{"text": "x"}])
    pre_review_annotate(
        actor=world.users["clerk"],
        pre_review=review,
        notes=[{"target": "field", "code": "floor_area", "text": "建筑面积与规划不符"}],
    )
    review.refresh_from_db()
    assert review.status == "annotated"
    assert [n.code for n in review.notes.all()] == ["floor_area"]

    # the case submitted later still shows it had a pre-review
    upload_all(draft, world.applicant)
    submitted = case_submit(case=draft, actor=world.applicant)
    assert [r.pk for r in pre_reviews_of_case(submitted)] == [review.pk]
    with pytest.raises(Conflict):
        pre_review_request(actor=world.applicant, case=submitted)


def test_assignment_hand_over_keeps_the_history_and_moves_the_read_scope(monday):
    world = lifecycle_world(key_project=True)
    world.project.helpers.clear()
    clerk, first = world.users["clerk"], world.helper
    second = _staff(world, Role.HELPER, "helper-b", service_center=world.centre)
    with pytest.raises(PermissionDenied):
        assignment_create(
            actor=_far_clerk(world), project=world.project, helper=first, level="town"
        )

    a = assignment_create(actor=clerk, project=world.project, helper=first, level="county")
    mandate_grant(
        actor=world.applicant,
        enterprise=world.enterprise,
        agent=first,
        projects=[world.project],
        actions=["draft"],
        valid_until=dt.date(2026, 3, 31),
    )
    draft = CaseFactory(world=world)
    assert [r["project"] for r in helper_workbench(first)] == [world.project]
    assert helper_workbench(first)[0]["waiting_on_enterprise"][0]["case"] == draft

    b = assignment_hand_over(actor=clerk, assignment=a, to_helper=second)

    history = list(assignment_history(world.project).order_by("since", "id"))
    assert [(h.helper, h.until is None) for h in history] == [(first, False), (second, True)]
    assert history[0].handed_over_to == b
    assert list(world.project.helpers.all()) == [second]
    assert helper_workbench(first) == []  # no longer assigned: its mandate covers nothing
    with pytest.raises(Conflict):
        assignment_hand_over(actor=clerk, assignment=a, to_helper=second)
    assert HelperAssignment.objects.filter(project=world.project).count() == 2

    # 提前介入 on a key project
    row = early_intervention_assign(
        actor=clerk, project=world.project, department=world.departments[0]
    )
    assert row.department == world.departments[0]


def test_policies_reach_the_targeted_enterprises_with_receipts_and_attendance(monday):
    world = lifecycle_world()
    department = world.departments[0]
    head = _staff(world, Role.DEPARTMENT_HEAD, "head", department=department)
    with pytest.raises(PermissionDenied):
        policy_publish(actor=world.applicant, kind="policy", title="t", body="b")

    everyone = policy_publish(actor=head, kind="policy", title="惠企政策十条", body="正文")
    key_only = policy_publish(
        actor=head, kind="policy", title="重点项目专享", body="正文", key_projects_only=True
    )
    industrial = policy_publish(
        actor=head, kind="policy", title="工业项目", body="正文", categories=["industrial"]
    )
    session = policy_publish(
        actor=head,
        kind="session",
        title="政策解读课",
        body="解读",
        session_at=at(2026, 3, 20, 15),
        capacity=1,
    )

    # the project (civil building by the factory? its category decides) sees what targets it
    seen = {p.title for p in policy_list_visible_to(world.applicant)}
    expected = {"惠企政策十条", "政策解读课"}
    if world.project.category == "industrial":
        expected.add("工业项目")
    assert seen == expected
    assert key_only.title not in seen and industrial.pk
    inbox = Notification.objects.filter(enterprise=world.enterprise, kind="assistance.policy")
    assert {n.title for n in inbox} == expected
    assert {p.title for p in policy_list_visible_to(world.users["stranger"])} == set()

    receipt = policy_mark_read(actor=world.applicant, policy=everyone, enterprise=world.enterprise)
    again = policy_mark_read(actor=world.applicant, policy=everyone, enterprise=world.enterprise)
    assert receipt.pk == again.pk
    signup = session_sign_up(
        actor=world.applicant, policy=session, enterprise=world.enterprise, attendee="王经理"
    )
    with pytest.raises(Conflict):
        session_sign_up(
            actor=world.applicant, policy=everyone, enterprise=world.enterprise, attendee="x"
        )
    session_attendance_record(actor=head, signup=signup, attended=True)
    signup.refresh_from_db()
    assert signup.attended is True


def test_suggestions_are_tracked_with_owner_deadline_and_result(monday):
    world = lifecycle_world()
    department = world.departments[0]
    head = _staff(world, Role.DEPARTMENT_HEAD, "head", department=department)
    forum = suggestion_record(
        actor=world.users["clerk"],
        source="forum",
        text="推行“拿地即开工”",
        owner=department,
        deadline=dt.date(2026, 4, 30),
    )
    own = suggestion_record(
        actor=world.applicant,
        source="enterprise",
        text="延长窗口服务时间",
        owner=department,
        deadline=dt.date(2026, 3, 31),
        enterprise=world.enterprise,
    )
    assert own.enterprise == world.enterprise and forum.enterprise is None
    with pytest.raises(PermissionDenied):
        suggestion_close(actor=world.users["clerk"], suggestion=forum, status="done", result="x")
    suggestion_close(actor=head, suggestion=forum, status="done", result="已在工业园区试点")
    forum.refresh_from_db()
    assert (forum.status, forum.result) == ("done", "已在工业园区试点")


def test_a_pre_review_about_to_lapse_warns_the_window_and_the_helpers_once(travel):
    travel(at(2026, 9, 24))  # Thursday before 中秋 (Friday 25 Sep off): due Wed 30 Sep
    world = lifecycle_world()
    draft = CaseFactory(world=world)
    review = pre_review_request(actor=world.applicant, case=draft)
    far = _far_clerk(world)
    annotated = pre_review_request(actor=world.applicant, case=CaseFactory(world=world))
    pre_review_annotate(
        actor=world.users["clerk"], pre_review=annotated, notes=[{"text": "核对面积"}]
    )

    def warned(user):
        return Notification.objects.filter(user=user, kind="assistance.pre_review_due").count()

    # Monday 28 Sep: due in two working days, not yet within the one-day warning
    travel(at(2026, 9, 28, 8))
    assert pre_reviews_warn() == 0
    # Tuesday 29 Sep: due the next working day; the window and the helper are told, once
    travel(at(2026, 9, 29, 8))
    assert pre_reviews_warn() == 1
    assert pre_reviews_warn() == 0
    assert warned(world.users["clerk"]) == 1
    assert warned(world.helper) == 1
    assert warned(far) == 0 and warned(world.applicant) == 0
    notice = Notification.objects.get(user=world.helper, kind="assistance.pre_review_due")
    assert notice.link == f"/assistance/pre-reviews/{review.public_id}/"
    assert "2026-09-30" in notice.title
    review.refresh_from_db()
    assert review.warned_at is not None
    # the annotated pre-review warned nobody, even once past its deadline
    travel(at(2026, 10, 9, 8))
    assert pre_reviews_warn() == 0
