"""
Demo step: serving the enterprise (issue #12, first half), through the assistance services.

* 沂南 (seeds/000): the county 项目助手 (yinan_helper) on both 沂南 projects, with a mandate
  of 沂南汶河 in force; the 9-person 专家咨询团队 on duty ("1+1+N": the helper in the
  middle, the enterprise and the departments on either side); an answered consultation
  published as an FAQ; a policy and a 政策解读课 of the county 审批局 with a sign-up; a
  sample of the 座谈会 suggestions (the seed counts 27 and names their themes, not each
  one), tracked with owner, deadline and, for one, the result; a pre-review of the draft.
* 潍坊 (seeds/001, "濰好辦"): a key project with a 专班 of three levels (市/县/镇) and a
  department assigned early (提前介入).

Idempotent: each row is found by its natural key and left alone when it exists.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django.utils import timezone

from kaigong.assistance.constants import MandateAction
from kaigong.assistance.models import (
    EarlyIntervention,
    ExpertDuty,
    HelperAssignment,
    HelperTeam,
    Mandate,
    Policy,
    PreReview,
    Question,
    Suggestion,
)
from kaigong.assistance.services import (
    assignment_create,
    early_intervention_assign,
    mandate_grant,
    policy_mark_read,
    policy_publish,
    pre_review_annotate,
    pre_review_request,
    question_answer,
    question_ask,
    question_publish,
    session_sign_up,
    suggestion_close,
    suggestion_record,
    team_create,
)
from kaigong.cases.constants import CaseStatus
from kaigong.cases.models import Case
from kaigong.core.clock import local_date
from kaigong.demo.data.projects import PROJECTS
from kaigong.projects.models import Project

if TYPE_CHECKING:
    from kaigong.demo.loader import DemoContext

YINAN_EXPERTS = (
    "yinan_zhifa_expert",
    "yinan_zhifa_expert2",
    "yinan_shenpi_expert",
    "yinan_shenpi_expert2",
    "yinan_zhujian_expert",
    "yinan_zhujian_expert2",
    "yinan_jiaojing_expert",
    "yinan_zrzy_expert",
    "yinan_shuiwu_expert",
)

# A sample of 沂南's 27 suggestions (座谈会 and enterprises; seeds/000 names the themes:
# 沟通不畅、跑腿多、政策信息同步、透明高效审批), each with an owner department and a deadline.
SUGGESTIONS = (
    ("forum", "市政项目审批前希望有部门一次性讲清要件，避免因沟通不畅反复跑腿", "yinan-shenpi", 20),
    ("forum", "管网迁改涉及占道施工，建议住建、交警联合现场踏勘", "yinan-zhujian", 30),
    ("forum", "行业政策与审批信息请通过协同办公系统同步推送到企业", "yinan-shenpi", 15),
    ("enterprise", "希望“服务专码”能显示下一步需要准备的材料", "yinan-shenpi", 25),
    ("forum", "排水许可与施工许可的现场核查时间尽量合并", "yinan-shuiwu", 30),
)
DONE = "已在县政务服务中心“项目助手”专区实行一次性告知清单，并于座谈会上反馈企业。"

WEIFANG_KEY_PROJECT = "潍坊高新区智能装备产业园项目"  # in demo/data/projects.py


def _days(n: int) -> dt.date:
    return local_date() + dt.timedelta(days=n)


def load_assistance(context: DemoContext) -> None:
    users, departments = context.users, context.departments
    _yinan(context, users, departments)
    _weifang(context, users, departments)


def _yinan(context, users, departments) -> None:
    clerk, helper, applicant = users["yinan_clerk"], users["yinan_helper"], users["yinan_applicant"]
    enterprise = context.enterprises["yinan-wenhe"]
    # the projects of the demo data (later steps add projects of their own: not assisted here,
    # so that a second load changes nothing)
    rows = cast("list[dict[str, Any]]", PROJECTS)
    names = [row["name"] for row in rows if row["enterprise"] == "yinan-wenhe"]
    projects = list(Project.objects.filter(enterprise=enterprise, name__in=names).order_by("id"))
    for project in projects:
        if not HelperAssignment.objects.filter(project=project, helper=helper).exists():
            assignment_create(
                actor=clerk, project=project, helper=helper, level="county", note="县级项目助手"
            )
            context.count("helper_assignments")
    if not Mandate.objects.filter(enterprise=enterprise, agent=helper).exists():
        mandate_grant(
            actor=applicant,
            enterprise=enterprise,
            agent=helper,
            projects=projects,
            actions=list(MandateAction.values),
            valid_until=_days(180),
        )
        context.count("mandates")
    # the expert team on duty: one roster per department for the year
    today = local_date()
    for username in YINAN_EXPERTS:
        expert = users[username]
        department = next(d for d in departments.values() if _holds(expert, d))
        if not ExpertDuty.objects.filter(department=department, expert=expert).exists():
            ExpertDuty.objects.create(
                department=department,
                expert=expert,
                start=dt.date(today.year, 1, 1),
                end=dt.date(today.year, 12, 31),
            )
            context.count("expert_duties")
    shenpi = departments["yinan-shenpi"]
    project = projects[0]
    if not Question.objects.filter(enterprise=enterprise).exists():
        # a matter of the 沂南 catalogue, asked of its department's expert on duty
        matter, asked_of = _yinan_matter(departments)
        asked = question_ask(
            actor=helper,
            project=project,
            department=asked_of,
            matter=matter,
            text="沂南县汶河市政工程有限公司的雨污分流项目要迁移供水、排水设施，这项审批能否与施工许可并联办理？",
        )
        expert = users[_expert_of(asked)]
        question_answer(
            actor=expert,
            question=asked,
            answer="可以。在县政务服务中心综合窗口一次提交，并联审查，拆改迁移供排水设施"
            "审批与施工许可同步办理。",
        )
        if matter is not None:
            question_publish(
                actor=expert,
                question=asked,
                faq_question="市政管网项目迁移供水、排水设施的审批能否与施工许可并联办理？",
            )
        question_ask(
            actor=applicant,
            project=projects[-1],
            department=departments["yinan-zhujian"],
            text="供水管网迁改需要提交哪些图纸？",
        )
        context.count("questions", 2)
    head = users["yinan_shenpi_head"]
    if not Policy.objects.filter(department=shenpi).exists():
        policy = policy_publish(
            actor=head,
            kind="policy",
            title="沂南县市政设施建设手续集成改革惠企措施",
            body="市政项目“拿地即开工”、“项目助手”一对一帮代办、“一企一码”码上跟踪。",
            categories=["municipal"],
        )
        session = policy_publish(
            actor=head,
            kind="session",
            title="市政建设项目政策解读课（公安、住建、行政执法）",
            body="县行政审批局牵头，讲解市政建设项目审批流程与惠企政策。",
            session_at=timezone.now() + dt.timedelta(days=7),
            venue="沂南县政务服务中心三楼会议室",
            capacity=60,
        )
        policy_mark_read(actor=applicant, policy=policy, enterprise=enterprise)
        session_sign_up(actor=applicant, policy=session, enterprise=enterprise, attendee="孟凡成")
        context.count("policies", 2)
    if not Suggestion.objects.filter(region_code__startswith="371321").exists():
        for source, text, owner, days in SUGGESTIONS:
            row = suggestion_record(
                actor=applicant if source == "enterprise" else head,
                source=source,
                text=text,
                owner=departments[owner],
                deadline=_days(days),
                enterprise=enterprise if source == "enterprise" else None,
            )
            context.count("suggestions")
            if owner == "yinan-shenpi" and source == "forum" and days == 20:
                suggestion_close(actor=head, suggestion=row, status="done", result=DONE)
    _gaoming(context, users)


def _gaoming(context, users) -> None:
    """高明 (seeds/004): 前期辅导 / 申报预审 of the key project's draft, annotated by the window."""
    enterprise = context.enterprises["gaoming-cangjiang"]
    draft = Case.objects.filter(project__enterprise=enterprise, status=CaseStatus.DRAFT).first()
    if draft is not None and not PreReview.objects.filter(case=draft).exists():
        review = pre_review_request(
            actor=users["gaoming_applicant"], case=draft, note="请预审申请表与设计方案"
        )
        pre_review_annotate(
            actor=users["gaoming_clerk"],
            pre_review=review,
            notes=[{"target": "general", "text": "建议补充总平面图，并核对建设规模与用地面积。"}],
        )
        context.count("pre_reviews")


def _weifang(context, users, departments) -> None:
    enterprise = context.enterprises["weifang-yuandu"]
    clerk = users["weifang_clerk"]
    project = Project.objects.get(enterprise=enterprise, name=WEIFANG_KEY_PROJECT)
    levels = (
        ("weifang_helper", "city"),
        ("weifang_helper_county", "county"),
        ("weifang_helper_town", "town"),
    )
    team = HelperTeam.objects.filter(name="鸢都智能装备产业园项目专班").first()
    if team is None:
        team = team_create(
            actor=clerk,
            name="鸢都智能装备产业园项目专班",
            lead=users["weifang_helper"],
            members=[users[u] for u, _level in levels],
        )
        context.count("task_forces")
    for username, level in levels:
        helper = users[username]
        if not HelperAssignment.objects.filter(project=project, helper=helper).exists():
            assignment_create(
                actor=clerk,
                project=project,
                helper=helper,
                level=level,
                role="team_member",
                team=team,
            )
            context.count("helper_assignments")
    zrzy = departments["weifang-zrzy"]
    if not EarlyIntervention.objects.filter(project=project, department=zrzy).exists():
        early_intervention_assign(
            actor=clerk, project=project, department=zrzy, note="拿地前提前介入，指导规划设计方案"
        )
        context.count("early_interventions")


def _holds(user, department) -> bool:
    from kaigong.accounts.models import Membership

    return Membership.objects.filter(user=user, department=department).exists()


def _expert_of(question) -> str:
    return question.expert.username


def _yinan_matter(departments):
    """The first 沂南 matter whose department has an expert on duty (and that department)."""
    from kaigong.catalog.models import MatterVersion

    with_experts = set(ExpertDuty.objects.values_list("department_id", flat=True))
    version = (
        MatterVersion.objects.filter(
            department__region_code="371321", department_id__in=with_experts
        )
        .select_related("matter", "department")
        .order_by("department__code", "matter__code")
        .first()
    )
    if version is None:
        return None, departments["yinan-shenpi"]
    return version.matter, version.department
