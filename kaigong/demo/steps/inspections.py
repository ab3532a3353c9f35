"""
Demo step: 沂南's 云踏勘 and 滨州's 联合评审, through the inspections services only.

* 沂南: a published 勘验标准 with sample pictures for the green-space matter (绿地、树木审批,
  371321-SZ-005) and the first matter of the accepted municipal case, and one video
  inspection of that case's item walked to a record signed by both inspectors and
  acknowledged by the enterprise (its PDF verifies).
* 滨州: an accepted industrial case (环评、节能审查、水土保持方案、取水许可), a joint review led
  by 生态环境局, its panel drawn from a pool of five experts (one employed by the applicant
  is recused), structured opinions and the consolidated letter.

Idempotent: skipped when the 沂南 standard already exists.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils import timezone

from kaigong.cases.applicable import case_material_needs
from kaigong.cases.constants import ItemStatus
from kaigong.cases.models import Case, CaseItem
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.drafting import case_create_draft, case_form_data_set
from kaigong.cases.services.intake import case_submit
from kaigong.cases.services.materials import case_material_upload
from kaigong.catalog.constants import VersionStatus
from kaigong.catalog.models import MatterVersion
from kaigong.catalog.selectors import bundle_get_by_code
from kaigong.demo.data import cases as case_data
from kaigong.demo.data.binzhou import JOINT_REVIEW_CODE
from kaigong.demo.data.people import CATALOG_ADMIN_USERNAME
from kaigong.demo.steps.accounts import _user_get_or_create
from kaigong.inspections import joint_services as js
from kaigong.inspections import services as s
from kaigong.inspections.models import InspectionStandard
from kaigong.inspections.permissions import member_department_for
from kaigong.projects.models import Project

if TYPE_CHECKING:
    from kaigong.demo.loader import DemoContext

GREEN_MATTER = "371321-SZ-005"
MEDIA = Path(__file__).resolve().parent.parent / "data" / "media"
CHECKLIST = [
    ("建设位置与四至", "现场人员手持手机沿用地红线环拍一周，依次拍摄东、南、西、北四至及标志物。",
     "位置、四至与申报的位置平面图一致。", "四至标志物示例"),
    ("绿地及树木现状", "逐一拍摄拟占用绿地范围和拟迁移、砍伐的树木，镜头对准树木挂牌。",
     "树木品种、规格、数量与《树木清单》一致，无未申报的古树名木。", "树木挂牌示例"),
    ("安全防护措施", "拍摄施工围挡、警示标志和临时通行通道。",
     "围挡连续、警示标志清晰，保留安全通行通道。", "围挡示例"),
]  # fmt: skip


def _picture(colour: tuple[int, int, int], label: str) -> ContentFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 440, 280), outline=(255, 255, 255), width=6)
    draw.line((40, 280, 240, 120, 440, 280), fill=(255, 255, 255), width=6)
    draw.text((56, 52), label, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name=f"{label}.png")


def _version(code: str) -> MatterVersion | None:
    return (
        MatterVersion.objects.filter(matter__code=code, status=VersionStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )


def _standard(keeper, version: MatterVersion) -> InspectionStandard:
    existing = s.standard_in_force(version)
    if existing is not None:
        return existing
    standard = s.standard_create(
        actor=keeper, matter_version=version, title=f"{version.name}现场勘验标准",
        preparation="请在勘验时段前清理现场，准备可上网的手机（开启摄像头和定位），"
        "由熟悉现场的人员持手机按勘验要点逐项展示。",
    )  # fmt: skip
    colours = [(46, 125, 50), (27, 94, 32), (230, 81, 0)]
    for (title, method, criteria, caption), colour in zip(CHECKLIST, colours, strict=True):
        item = s.checklist_item_add(actor=keeper, standard=standard, title=title, method=method,
                                    pass_criteria=criteria)  # fmt: skip
        s.sample_add(actor=keeper, item=item, caption=caption, file=_picture(colour, "sample"))
    return s.standard_publish(actor=keeper, standard=standard)


def load_inspections(context: DemoContext) -> None:
    keeper = context.users[CATALOG_ADMIN_USERNAME]
    green = _version(GREEN_MATTER)
    if green is None or InspectionStandard.objects.filter(matter_version=green).exists():
        return
    _standard(keeper, green)
    _yinan_inspection(context, keeper)
    _binzhou_joint_review(context)


def _yinan_inspection(context: DemoContext, keeper) -> None:
    item = (
        CaseItem.objects.filter(case__project__name="沂南县城区雨污分流管网改造工程",
                                department__code="yinan-zhifa", status=ItemStatus.IN_REVIEW)
        .select_related("case__project", "matter_version", "department")
        .order_by("order", "id")
        .first()
    )  # fmt: skip
    if item is None:
        return
    standard = _standard(keeper, item.matter_version)
    users = context.users
    reviewer, applicant = users["yinan_zhifa_reviewer"], users["yinan_applicant"]
    one, two = users["yinan_zhifa_inspector"], users["yinan_zhifa_inspector2"]
    start = timezone.now() + timedelta(hours=2)
    project = item.case.project
    lat0 = float(project.latitude) if project.latitude is not None else 35.55
    lon0 = float(project.longitude) if project.longitude is not None else 118.46
    # the project's red line (工程项目红线), drawn by the reviewer with the request: a square
    # of about 440 m around the project's point
    red_line = [[round(lat0 + dy, 6), round(lon0 + dx, 6)]
                for dy, dx in ((-0.002, -0.0025), (-0.002, 0.0025), (0.002, 0.0025), (0.002, -0.0025))]  # fmt: skip
    inspection = s.inspection_request(
        actor=reviewer, item=item, inspectors=[one, two], slots=[(start, start + timedelta(hours=1))],
        reason="核实管网迁改涉及的绿地和树木现状", planned_working_days=3, site_polygon=red_line,
    )  # fmt: skip
    inspection = s.inspection_slot_pick(actor=applicant, inspection=inspection,
                                        slot=inspection.slots.get().public_id)  # fmt: skip
    s.inspection_rehearsal_record(actor=applicant, inspection=inspection,
                                  result={"camera": True, "microphone": True, "signalling": True,
                                          "ice": True})  # fmt: skip
    inspection = s.inspection_start(actor=one, inspection=inspection)
    # the recorded session: two 3 s segments of the on-site stream (WebM from chromium's
    # MediaRecorder, kaigong/demo/data/media/), uploaded in order and hash-chained
    for n in range(2):
        content = (MEDIA / f"call-{n}.webm").read_bytes()
        s.segment_add(actor=one, inspection=inspection, sequence=n, start_ms=n * 3_000,
                      end_ms=(n + 1) * 3_000, file=ContentFile(content, name=f"call-{n}.webm"))  # fmt: skip
    site = inspection.item.case.project
    lat = float(site.latitude) if site.latitude is not None else 35.55
    lon = float(site.longitude) if site.longitude is not None else 118.46
    for n, check in enumerate(standard.items.all()):
        at = 60_000 * (n + 1)
        s.location_add(actor=applicant, inspection=inspection, latitude=f"{lat + 0.0002 * n:.6f}",
                       longitude=f"{lon:.6f}", accuracy_m=8)  # fmt: skip
        s.snapshot_add(actor=one, inspection=inspection, checklist_item=check.public_id,
                       file=_picture((21, 101, 192), "snapshot"), call_offset_ms=at)  # fmt: skip
        s.result_set(actor=one if n % 2 == 0 else two, inspection=inspection,
                     checklist_item=check.public_id, result="pass", call_offset_ms=at + 5_000)  # fmt: skip
    record = s.record_write(actor=one, inspection=inspection, conclusion="pass",
                            summary="现场与申报材料一致，树木清单相符，安全防护到位。")  # fmt: skip
    for signer in (one, two, applicant):
        s.record_sign(actor=signer, record=record, note="已确认" if signer == applicant else "")
    context.count("inspections")


def _binzhou_joint_review(context: DemoContext) -> None:
    users = context.users
    project = Project.objects.select_related("enterprise").get(
        name="年产5万吨高性能铝合金新材料项目"
    )
    case = _binzhou_accepted_case(context, project)
    wanted = {"binzhou-shengtai", "binzhou-fagai", "binzhou-shuili"}
    items = list(case.items.filter(department__code__in=wanted).order_by("order", "id"))
    if len(items) < 2:
        return
    keeper = users[CATALOG_ADMIN_USERNAME]
    pool = [
        ("张海燕", ["environment"], "山东省环境规划研究院", None),
        ("刘志强", ["energy"], "滨州市节能监察中心", None),
        ("王建华", ["soil_water", "water_abstraction"], "山东省水利科学研究院", None),
        ("赵明远", ["environment", "energy"], "滨州学院", None),
        ("孙立新", ["environment"], project.enterprise.name, project.enterprise),
    ]
    for n, (name, specialties, employer, enterprise) in enumerate(pool, 1):
        # the experts sign their own opinions, so each (but the recused one) has an account
        user = None if enterprise else _user_get_or_create(
            context, username=f"binzhou_expert{n}", full_name=name, is_staff=False
        )  # fmt: skip
        js.expert_create(actor=keeper, name=name, specialties=specialties, title="高级工程师",
                         employer=employer, employer_enterprise=enterprise,
                         region_code="371600", user=user)  # fmt: skip
    lead = users["binzhou_shengtai_reviewer"]
    review = js.joint_review_convene(
        actor=lead, case=case, items=items, title="年产5万吨高性能铝合金新材料项目多评合一联合评审",
        meeting="滨州市政务服务中心联合评审室（同步视频会议）", panel_size=3, quorum=2,
    )  # fmt: skip
    review = js.panel_draw_prepare(actor=lead, review=review)
    review = js.panel_draw_reveal(
        actor=lead, review=review, witnesses=["滨州市纪委监委派驻纪检监察组 李明"]
    )
    panel = list(review.panel.order_by("name"))
    opinions = [
        ("environment", "环境影响报告表", "HJ 2.2-2018 第8.1条", "must_fix", "modify", "补充熔铸工序废气的大气环境影响预测。"),
        ("environment", "环境影响报告表", "HJ2.2-2018 第 8.1 条", "suggestion", "modify", "大气预测宜补充非正常工况。"),
        ("energy", "节能报告", "GB/T 2589-2020 第4.2条", "must_fix", "modify", "核实综合能耗折标系数，补充计算过程。"),
        ("soil_water", "水土保持方案报告表", "GB 50433-2018 第3.2条", "suggestion", "agree", "临时堆土防护措施可行。"),
        ("water_abstraction", "水资源论证表", "SL/T 525-2011 第5条", "must_fix", "modify", "补充取水水源可靠性分析。"),
    ]  # fmt: skip
    for n, (topic, material, clause, severity, position, text) in enumerate(opinions):
        expert = panel[n % len(panel)]
        js.opinion_add(actor=expert.user or lead, review=review,
                       expert=None if expert.user else expert, topic=topic, material=material,
                       clause=clause, severity=severity, position=position, text=text)  # fmt: skip
    # 市水利局's own opinion contradicts the expert's 同意 on the same element: on the agenda
    shuili = users.get("binzhou_shuili_reviewer")
    if shuili is not None and member_department_for(shuili, review) is not None:
        js.opinion_add(actor=shuili, review=review, topic="soil_water", material="水土保持方案报告表",
                       clause="GB 50433-2018 第3.2条", severity="must_fix", position="modify",
                       text="临时堆土未设拦挡和苫盖，须补充防护措施及平面布置图。")  # fmt: skip
        for conflict in js.conflicts(review):
            js.conflict_resolve(actor=lead, review=review, key=conflict["key"],
                                text="会议议定：采纳市水利局意见，补充临时堆土拦挡、苫盖措施及布置图。")  # fmt: skip
    for expert in panel:
        if expert.user and review.opinions.filter(expert=expert).exists():
            js.opinion_sign(actor=expert.user, review=review)
    js.letter_issue(actor=lead, review=review)
    context.count("joint_reviews")


def _binzhou_accepted_case(context: DemoContext, project: Project) -> Case:
    existing = Case.objects.filter(project=project, status="accepted").order_by("id").first()
    if existing is not None:
        return existing
    applicant, clerk = context.users["binzhou_applicant"], context.users["binzhou_clerk"]
    bundle = bundle_get_by_code(JOINT_REVIEW_CODE)
    case = case_create_draft(
        actor=applicant, project=project, bundle_code=bundle.code,
        matter_codes=[i.matter.code for i in bundle.items.select_related("matter")],
    )  # fmt: skip
    from kaigong.demo.steps.cases import _form_for

    case = case_form_data_set(case=case, actor=applicant, data=_form_for(case, project))
    for need in case_material_needs(case):
        case_material_upload(case=case, actor=applicant, material_code=need.code,
                             file=ContentFile(case_data.DEMO_PDF, name=f"{need.code}.pdf"))  # fmt: skip
    case.refresh_from_db()
    case = case_submit(case=case, actor=applicant)
    return case_accept(case=case, actor=clerk)
