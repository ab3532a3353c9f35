"""
Demo step: the feedback loop (kaigong/feedback), through its services.

* 滨州: a second application of the aluminium project is taken through acceptance, review
  and decision today; its applicant rates the acceptance 满意 and one decision 不满意; the
  bad review runs 核实 → 交办 → 整改 → 反馈 and its follow-up call closes it. The callback list
  of the next working morning (covering today, 滨州's "every case of the previous working
  day") holds the application; the callback agent records the call.
* 沂南: the issued application gets its evaluations (非常满意, 满意).
* 12345: a work order from 滨州's hotline client is assigned to 市审批局, answered and closed
  on the complainant's confirmation, well within its five working days.

Skipped when the hotline work order exists (idempotent).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile

from kaigong.accounts.models import Department, ServiceCenter
from kaigong.accounts.roles import Role
from kaigong.cases.applicable import case_material_needs
from kaigong.cases.constants import CaseStatus
from kaigong.cases.models import Case
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.drafting import case_create_draft, case_form_data_set
from kaigong.cases.services.intake import case_submit
from kaigong.cases.services.materials import case_material_upload
from kaigong.catalog.selectors import bundle_get_by_code
from kaigong.core.clock import local_date
from kaigong.core.models import OutboxMessage
from kaigong.demo.data import cases as case_data
from kaigong.demo.steps.cases import _form_for, _review_and_approve, _staff
from kaigong.feedback.constants import CallbackOutcome, Level, Occasion
from kaigong.feedback.models import Complaint, HotlineClient, Invitation
from kaigong.feedback.services.callbacks import callback_list_build, callback_record
from kaigong.feedback.services.common import is_working_day
from kaigong.feedback.services.complaints import complaint_act, complaint_hotline_intake
from kaigong.feedback.services.evaluations import (
    INVITATION_TOPICS,
    evaluation_submit,
    indicator_sets_ensure,
    invitation_on_event,
)
from kaigong.feedback.services.tickets import ticket_act
from kaigong.feedback.tokens import invitation_token
from kaigong.projects.models import Project

if TYPE_CHECKING:
    from kaigong.demo.loader import DemoContext

BINZHOU_PROJECT = "年产5万吨高性能铝合金新材料项目"
BINZHOU_BUNDLE = "binzhou-industrial-joint-review"
HOTLINE_KEY = "12345-binzhou"
# The demo's shared secret (set your own in the administration for a real hotline).
HOTLINE_DEMO_SECRET = "demo-12345-binzhou-shared-secret"
WORK_ORDER = {
    "ticket_no": "BZ12345-2026-000815",
    "category": "simple",
    "title": "企业反映施工许可咨询电话无人接听",
    "content": "滨州渤海铝业反映：连续两天拨打市审批局咨询电话无人接听，施工许可材料要求不清楚。",
    "complainant_name": "张振宇",
    "complainant_phone": "13805430815",
}


def load_feedback(context: DemoContext) -> None:
    if Complaint.objects.filter(hotline_ticket=WORK_ORDER["ticket_no"]).exists():
        return
    indicator_sets_ensure()
    centre = ServiceCenter.objects.get(code="binzhou-center")
    users = context.users
    case = _binzhou_case(context)
    _invite(case)
    _binzhou_evaluations(case, users)
    _yinan_evaluations()
    _morning_callbacks(centre, case, users)
    _hotline(centre, users)


def _binzhou_case(context: DemoContext) -> Case:
    """A second application of the 滨州 project, accepted, reviewed and decided today."""
    project = Project.objects.select_related("enterprise").get(name=BINZHOU_PROJECT)
    applicant = context.users["binzhou_applicant"]
    clerk = context.users["binzhou_clerk"]
    bundle = bundle_get_by_code(BINZHOU_BUNDLE)
    case = case_create_draft(
        actor=applicant,
        project=project,
        bundle_code=bundle.code,
        matter_codes=[item.matter.code for item in bundle.items.select_related("matter")],
    )
    case = case_form_data_set(case=case, actor=applicant, data=_form_for(case, project))
    for need in case_material_needs(case):
        file = ContentFile(case_data.DEMO_PDF, name=f"{need.code}.pdf")
        case_material_upload(case=case, actor=applicant, material_code=need.code, file=file)
    case.refresh_from_db()
    case = case_submit(case=case, actor=applicant)
    # accepted at the centre's first comprehensive window (the per-window 好差评 figures)
    centre = case.service_center
    window = centre.windows.first() if centre is not None else None
    case = case_accept(case=case, actor=clerk, window=window)
    _review_and_approve(case)
    context.count("cases")
    return Case.objects.get(pk=case.pk)


def _invite(case: Case) -> None:
    """Deliver the case's service occasions to the invitation consumer (as the relay does)."""
    for message in OutboxMessage.objects.filter(topic__in=INVITATION_TOPICS).order_by("id"):
        if (message.payload or {}).get("case") == str(case.public_id):
            invitation_on_event(message)


def _binzhou_evaluations(case: Case, users) -> None:
    applicant = users["binzhou_applicant"]
    callback = users["binzhou_callback"]
    accept = Invitation.objects.get(case=case, occasion=Occasion.ACCEPTANCE)
    evaluation_submit(
        token=invitation_token(accept),
        level=Level.SATISFIED,
        indicators=["efficiency", "convenience"],
        text="窗口一次告知，受理很快。",
        rater=applicant,
    )
    decision = Invitation.objects.filter(case=case, occasion=Occasion.DECISION).order_by("id")
    bad = evaluation_submit(
        token=invitation_token(decision.first()),
        level=Level.DISSATISFIED,
        indicators=["guide_accuracy"],
        text="办事指南对节能报告的要求写得不清楚，来回问了三次。",
        rater=applicant,
    )
    ticket = bad.ticket
    head = _staff(ticket.department, Role.APPROVER)
    ticket_act(ticket=ticket, actor=callback, action="verify", note="电话核实：企业反映属实。")
    ticket_act(ticket=ticket, actor=callback, action="assign", note="交办审批部门，限期整改。")
    ticket_act(
        ticket=ticket,
        actor=head,
        action="rectify",
        note="修订办事指南，补充节能报告“双控”影响分析的样表和说明。",
    )
    ticket_act(
        ticket=ticket,
        actor=callback,
        action="feedback",
        note="已电话告知企业修订后的指南和样表。",
    )
    followup = ticket.followups.get()
    callback_record(
        task=followup, actor=callback, outcome=CallbackOutcome.SATISFIED, note="企业对整改满意。"
    )
    for invitation in decision[1:3]:
        evaluation_submit(
            token=invitation_token(invitation), level=Level.VERY_SATISFIED, rater=applicant
        )


def _yinan_evaluations() -> None:
    case = Case.objects.filter(
        project__name="沂南县汶河路供水管网迁改工程", status=CaseStatus.ISSUED
    ).first()
    if case is None:
        return
    _invite(case)
    levels = [Level.VERY_SATISFIED, Level.SATISFIED, Level.VERY_SATISFIED]
    invitations = Invitation.objects.filter(case=case, evaluation__isnull=True).order_by("id")
    for invitation, level in zip(invitations, levels, strict=False):
        evaluation_submit(token=invitation_token(invitation), level=level, channel="offline")


def _morning_callbacks(centre: ServiceCenter, case: Case, users) -> None:
    """The next working morning's list (covering today) and the call of the case."""
    day = local_date() + timedelta(days=1)
    while not is_working_day(centre, day):
        day += timedelta(days=1)
    callback_list = callback_list_build(service_center=centre, on=day, seed="binzhou-demo")
    task = callback_list.tasks.filter(case=case).first()
    if task is not None:
        callback_record(
            task=task,
            actor=users["binzhou_callback"],
            outcome=CallbackOutcome.SATISFIED,
            note="企业表示审批顺利，对窗口服务满意。",
        )


def _hotline(centre: ServiceCenter, users) -> None:
    client, _ = HotlineClient.objects.get_or_create(
        key_id=HOTLINE_KEY,
        defaults={
            "name": "滨州12345政务服务便民热线",
            "secret": HOTLINE_DEMO_SECRET,
            "service_center": centre,
        },
    )
    complaint, _created = complaint_hotline_intake(client=client, data=WORK_ORDER)
    shenpi = Department.objects.get(code="binzhou-shenpi")
    clerk = users["binzhou_clerk"]
    complaint = complaint_act(complaint=complaint, actor=clerk, action="assign", department=shenpi)
    complaint = complaint_act(
        complaint=complaint,
        actor=_staff(shenpi, Role.APPROVER),
        action="answer",
        text="已安排专人回电，并在办事指南中补充施工许可材料清单；咨询电话增设值班座席。",
    )
    complaint_act(
        complaint=complaint,
        actor=clerk,
        action="confirm",
        text="12345回访：企业确认问题已解决，满意。",
    )
