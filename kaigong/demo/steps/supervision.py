"""
Demo step: what a supervisor works on. Through the cases services, three more 沂南
municipal bundles are handled "in the past" (the services run under a clock set back, so
every time the state log records is consistent): one accepted ten working days ago (red:
overdue), one accepted four working days ago (yellow and green items: limits 5 and 7), one
refused at the window this week; plus a correction this week. Then the supervision services
run as the periodic job does: figures, signals, this week's denial registers (awaiting the
监审办's audit), and two open 督办 orders (one from the red signal, one by hand and replied).
Skipped when supervision orders exist (idempotent).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast
from unittest import mock

from django.core.files.base import ContentFile
from django.utils import timezone

from kaigong.accounts.models import Department
from kaigong.calendars.selectors import work_calendar
from kaigong.cases.applicable import case_material_needs
from kaigong.cases.models import Case
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.drafting import case_create_draft, case_form_data_set
from kaigong.cases.services.intake import case_refuse, case_request_correction, case_submit
from kaigong.cases.services.materials import case_material_upload
from kaigong.catalog.selectors import bundle_get_by_code
from kaigong.core.clock import local_date
from kaigong.demo.data import cases as cases_data
from kaigong.demo.data import projects as projects_data
from kaigong.demo.data.supervision import ACCEPT, AGED, REFUSE
from kaigong.demo.data.yinan import BUNDLE_CODE
from kaigong.demo.steps.cases import _form_for
from kaigong.projects.models import Project
from kaigong.projects.services import project_answers_update, project_create
from kaigong.supervision.constants import SignalLevel
from kaigong.supervision.models import Signal, SignalRule, SupervisionOrder
from kaigong.supervision.services import (
    audit_compile,
    order_issue,
    order_reply,
    signal_rule_save,
    step_limit_save,
    supervision_sweep,
)

if TYPE_CHECKING:
    from kaigong.demo.loader import DemoContext


@contextmanager
def _clock(instant: datetime):
    """The services read ``timezone.now()``: set back to ``instant`` while they run."""
    with mock.patch("django.utils.timezone.now", return_value=instant):
        yield


def _working_days_ago(n: int):
    calendar = work_calendar("371321")
    day = local_date()
    while n > 0:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            n -= 1
    return day


def _instant(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def load_supervision(context: DemoContext) -> None:
    if SupervisionOrder.objects.exists():
        return
    template = next(
        p
        for p in cast(list[dict[str, Any]], projects_data.PROJECTS)
        if p["name"] == "沂南县城区雨污分流管网改造工程"
    )
    applicant = context.users["yinan_applicant"]
    clerk = context.users["yinan_clerk"]
    bundle = bundle_get_by_code(BUNDLE_CODE)
    for name, ago, what in AGED:
        if Project.objects.filter(name=name).exists():
            continue
        day = _working_days_ago(ago) if ago else local_date()
        with _clock(_instant(day)):
            project = project_create(
                actor=applicant, enterprise=context.enterprises[template["enterprise"]], name=name,
                region_code=template["region_code"], investment_type=template["investment_type"],
                category=template["category"], address=template["address"],
            )  # fmt: skip
            project_answers_update(project=project, actor=applicant, answers=template["answers"])
            case = case_create_draft(
                actor=applicant, project=project, bundle_code=bundle.code,
                matter_codes=[i.matter.code for i in bundle.items.select_related("matter")],
            )  # fmt: skip
            case = case_form_data_set(case=case, actor=applicant, data=_form_for(case, project))
            for need in case_material_needs(case):
                file = ContentFile(cases_data.DEMO_PDF, name=f"{need.code}.pdf")
                case_material_upload(case=case, actor=applicant, material_code=need.code, file=file)
            case = case_submit(case=Case.objects.get(pk=case.pk), actor=applicant)
            if what == ACCEPT:
                case_accept(case=case, actor=clerk)
            elif what == REFUSE:
                case_refuse(
                    case=case, actor=clerk, reason="拟迁移路灯杆线位于省道管理范围，不属于本县受理范围。",
                    legal_basis="《中华人民共和国行政许可法》第三十二条第一款第（二）项",
                )  # fmt: skip
            else:
                case_request_correction(
                    case=case, actor=clerk,
                    items=[{"kind": "material", "code": "yn-tree-inventory", "problem": "defective",
                            "note": "树木清单缺少规格与数量，请补充后重新提交。"}],
                )  # fmt: skip
        context.count("supervision cases")
    today = local_date()
    supervisor = context.users["kaigong_supervisor"]
    # the thresholds are data: the lead department warns earlier than the defaults, and the
    # first matter of the bundle gives its review 2 working days (a step overrun to show)
    if not SignalRule.objects.exists() and bundle.lead_department_id:
        signal_rule_save(
            actor=supervisor,
            data={"department": bundle.lead_department, "prompt_percent": 70,
                  "yellow_percent": 85, "advice_after_days": 3, "active": True},
        )  # fmt: skip
        first = bundle.items.select_related("matter").order_by("order", "id").first()
        if first is not None:
            step_limit_save(
                actor=supervisor,
                data={"matter": first.matter, "step": "review", "working_days": 2, "active": True},
            )
        context.count("supervision thresholds")
    supervision_sweep(on=today)
    audit_compile(on=today, force=True)
    red = (
        Signal.objects.filter(level=SignalLevel.RED)
        .select_related("item__department", "item__case")
        .order_by("item__department__code", "id")
        .first()
    )
    if red is not None:
        order_issue(
            actor=supervisor, department=red.item.department, item=red.item, signal=red,
            subject=f"逾期督办：{red.item.case.number}",
            instruction="该事项已超过承诺时限，请于回告期限内说明原因、提出整改措施并尽快办结。",
            reply_days=3,
        )  # fmt: skip
        context.count("supervision orders")
    zhujian = Department.objects.filter(code="yinan-zhujian").first()
    if zhujian is not None:
        order = order_issue(
            actor=supervisor, department=zhujian, subject="本周补正率偏高，请自查",
            instruction="请对本周补正件逐件自查一次性告知是否到位，并回告自查结果。", reply_days=5,
        )  # fmt: skip
        reviewer = context.users.get("yinan_zhujian_reviewer")
        if reviewer is not None:
            order_reply(order=order, actor=reviewer, text="已逐件自查，补正告知均一次性告知到位。")
        context.count("supervision orders")
