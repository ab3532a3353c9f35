"""
Demo step: 滨州's 中介超市 (seed 002) — three listed agencies, the 节能报告编制 the 滨州 case
was asked to correct, drawn at random before a witness, contract and report filed, the
report attached to the case, the case carried on to its approval, and the ratings (the
department's derived from that approval); a losing bidder's objection to the published
selection, heard and dismissed, and another agency suspended under due process (notice,
statement, decision). The selection is replayed from 30 days ago
(``now``/``on`` of the services); the attachment and the approval happen today. Skipped
when the request exists.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils import timezone

from kaigong.cases.models import Case
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.intake import case_resubmit
from kaigong.demo.data import cases as case_data
from kaigong.demo.steps.cases import _review_and_approve
from kaigong.marketplace.due_process import (
    objection_decide,
    objection_raise,
    sanction_decide,
    sanction_open,
    sanction_statement,
)
from kaigong.marketplace.models import Agency, ServiceRequest
from kaigong.marketplace.services import (
    agency_register,
    agency_review,
    bid_submit,
    contract_file,
    deliverable_attach_to_case,
    deliverable_file,
    qualification_add,
    rating_centre,
    rating_owner,
    requests_advance,
    service_request_open,
)
from kaigong.projects.models import Project

if TYPE_CHECKING:
    from kaigong.demo.loader import DemoContext

TITLE = "年产5万吨高性能铝合金新材料项目节能报告编制"
QUALIFICATION = "节能评估咨询"
OBJECTION_GROUNDS = (
    "中选机构的项目负责人同时在另一项目驻场，无法保证本项目的服务人员，请求复核其人员配备。"
)
OBJECTION_DECISION = (
    "经核查，中选机构报名时承诺的项目负责人及两名技术人员均在岗，"
    "另一项目已于上月完成交付，异议理由不成立，予以驳回，选取结果维持。"
)
SANCTION_GROUNDS = (
    "该机构在2026年滨州市经济开发区一项节能报告中引用失效的能耗限额标准，"
    "导致审查部门两次退回，经中介超市核查属实。"
)
SANCTION_STATEMENT = (
    "标准引用错误系编制人员疏忽，报告已按现行标准重新编制并通过审查；"
    "本机构已对相关人员进行培训，恳请从轻处理。"
)
SANCTION_DECISION = (
    "陈述申辩已听取。错误造成两次退回、延误审批，事实清楚；考虑到已整改，"
    "决定暂停该机构在中介超市承接服务六个月，期满自动恢复。"
)
AGENCIES = [  # (enterprise key, intermediary, phone, price)
    ("binzhou-huanke", "binzhou_agency", "0543-3186601", "38000"),
    ("binzhou-tianyuan", "binzhou_agency2", "0543-3186602", "41500"),
    ("binzhou-lvjian", "binzhou_agency3", "0543-3186603", "36800"),
]


def load_marketplace(context: DemoContext) -> None:
    if ServiceRequest.objects.filter(title=TITLE).exists():
        return
    admin = context.users["binzhou_centre_admin"]
    agencies = []
    for key, username, phone, _price in AGENCIES:
        enterprise, person = context.enterprises[key], context.users[username]
        agency = Agency.objects.filter(enterprise=enterprise).first()
        if agency is None:
            agency = agency_register(
                actor=person,
                enterprise=enterprise,
                service_types=["节能报告编制", "环境影响评价"],
                contact_phone=phone,
                staff=[{"name": person.full_name, "certificate_no": f"JN-{enterprise.uscc[-6:]}"}],
            )
            qualification_add(
                actor=person,
                agency=agency,
                kind=QUALIFICATION,
                level="甲级",
                certificate_no=f"JNZX-{enterprise.uscc[-8:]}",
                valid_to=date(2029, 12, 31),
            )
            agency = agency_review(actor=admin, agency=agency, approve=True, note="资质核验通过")
            context.count("agencies")
        agencies.append((agency, person))

    owner = context.users["binzhou_applicant"]
    project = Project.objects.get(name="年产5万吨高性能铝合金新材料项目")
    case = Case.objects.filter(project=project).order_by("id").first()
    start = timezone.now() - timedelta(days=30)
    request = service_request_open(
        actor=owner,
        project=project,
        case=case,
        title=TITLE,
        service_type="节能报告编制",
        stage="立项用地规划许可",
        funds_type="fiscal",
        method="random",
        price_min=Decimal("30000"),
        price_max=Decimal("45000"),
        registration_closes_at=start + timedelta(days=2),
        choice_at=start + timedelta(days=2, hours=2),
        witnesses=["滨州市纪委监委派驻纪检组 李明", "业主代表 张振宇"],
        qualification_kind=QUALIFICATION,
        material_code="energy-report",
        complaint_phone="0543-12345",
        now=start,
    )
    for (agency, person), (_k, _u, phone, price) in zip(agencies, AGENCIES, strict=True):
        bid_submit(
            actor=person,
            request=request,
            agency=agency,
            price=Decimal(price),
            contact_phone=phone,
            now=start + timedelta(days=1),
        )
    requests_advance(now=start + timedelta(days=2, hours=2))  # closes, freezes, draws
    request.refresh_from_db()
    # the random draw has chosen (the demo seeds three eligible bids)
    assert request.winner is not None and request.objection_until is not None
    winner = next(p for a, p in agencies if a.pk == request.winner.agency_id)
    others = [(a, p) for a, p in agencies if a.pk != request.winner.agency_id]
    # 公示期异议: a losing bidder objects the day after the 公示; the centre hears it and
    # dismisses it the next day (the selection stands), before the contract is signed
    assert request.chosen_at is not None
    objection = objection_raise(
        actor=others[0][1],
        request=request,
        grounds=OBJECTION_GROUNDS,
        contact=others[0][0].contact_phone,
        now=request.chosen_at + timedelta(days=1),
    )
    objection_decide(
        actor=admin,
        objection=objection,
        uphold=False,
        decision=OBJECTION_DECISION,
        now=request.chosen_at + timedelta(days=2),
    )
    context.count("objections")
    signed = request.objection_until + timedelta(days=1)
    contract_file(
        actor=owner,
        request=request,
        price=request.winner.price,
        period_days=10,
        signed_on=signed,
        on=signed,
    )
    report = ContentFile(case_data.DEMO_PDF, name="节能报告.pdf")
    deliverable_file(actor=winner, request=request, file=report, on=signed + timedelta(days=12))
    deliverable_attach_to_case(actor=owner, request=request)
    context.count("service_requests")

    # the case goes on with the report: resubmitted, accepted, reviewed and approved
    assert case is not None  # the seeded case of this project
    case = case_resubmit(case=Case.objects.get(pk=case.pk), actor=owner)
    case = case_accept(case=case, actor=context.users["binzhou_clerk"])
    _review_and_approve(case)
    # the relying department's rating is derived by the approval's hook; the sweep repairs a miss
    requests_advance()
    rating_owner(
        actor=owner,
        request=request,
        scores={"quality": 5, "timeliness": 4, "attitude": 5, "charge": 4, "standards": 5},
        comment="报告一次通过审查。",
    )
    rating_centre(actor=admin, request=request, score=90, comment="按期提交，资料规范。")

    # a sanction under due process: notice (告知) → the agency's statement (陈述申辩) →
    # decision (a 6-month suspension, published, with its credit record)
    sanctioned, person = others[1]
    sanction = sanction_open(
        actor=admin, agency=sanctioned, kind="suspend", grounds=SANCTION_GROUNDS
    )
    sanction = sanction_statement(actor=person, sanction=sanction, statement=SANCTION_STATEMENT)
    sanction_decide(
        actor=admin, sanction=sanction, uphold=True, decision=SANCTION_DECISION, months=6
    )
    context.count("sanctions")
