"""
The SPGL tables (国家工程建设项目审批管理系统数据共享交换标准, V3 names) as Kaigong fills
them: which table, which data columns, and how each row is produced from the state log
(``cases.CaseEvent``, ``cases.ClockPause``, ``cases.Commitment``) and the marketplace
(``marketplace.ServiceRequest`` with its contract and report); docs/exchange.md has the
field mapping. Every table also carries the control columns of ``CONTROL_COLUMNS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from kaigong.cases.constants import CaseStatus, CommitmentKind, EventKind, PauseKind
from kaigong.cases.deadlines import item_limits
from kaigong.cases.models import Case, CaseEvent, CaseItem, ClockPause, Commitment
from kaigong.marketplace.constants import RequestStatus
from kaigong.marketplace.models import ServiceRequest
from kaigong.marketplace.selectors import intermediary_segments

# LSH 流水号, DFSJZJ 地方数据主键, XZQHDM 行政区划代码, SJYXBS 数据有效标识 (1/0),
# SJWXYY 数据无效原因, SJSCZT 数据上传状态 (0 new, 3 accepted, 2 / -1 refused),
# SBYY 失败原因, SCSJ 创建时间, GXSJ 更新时间
CONTROL_COLUMNS = ("LSH", "DFSJZJ", "XZQHDM", "SJYXBS", "SJWXYY", "SJSCZT", "SBYY", "SCSJ", "GXSJ")

PROJECT = "SPGL_XMJBXXB_V3"  # 项目基本信息表
MATTER = "SPGL_XMSPSXBLXXB_V3"  # 项目审批事项办理信息表
PROCESS = "SPGL_XMSPSXBLXXXXB_V3"  # 项目审批事项办理详细信息表 (办理过程)
SPECIAL = "SPGL_XMSPSXBLTBCXXXB_V3"  # 特别程序信息表
INTERMEDIARY = "SPGL_ZJFWSXBLGCXXB_V3"  # 中介服务事项办理过程信息表
COMMITMENT = "SPGL_GZCNZBJJGXXB_V3"  # 告知承诺制办件监管信息表

TABLES: dict[str, tuple[str, ...]] = {
    PROJECT: ("XMDM", "XMMC", "XMTZLX", "JSDD", "JSDWMC", "JSDWDM", "ZTZE", "JZMJ", "YDMJ"),
    MATTER: (
        "XMDM",
        "SPSXSLBM",
        "SPSXBM",
        "SPSXMC",
        "SPBMDM",
        "SPBMMC",
        "SLSJ",
        "BJSJ",
        "SPSXBLZT",
        "BLJG",
        "CNBJSX",
        "FDBJSX",
    ),
    PROCESS: ("SPSXSLBM", "BLZT", "BLZTMC", "BLCS", "BLR", "BLSJ", "BLYJ", "DWMC", "SJLY"),
    SPECIAL: ("SPSXSLBM", "TBCXLX", "TBCXMC", "TBCXKSSJ", "TBCXJSSJ", "TBCXJHGZR", "TBCXYY"),
    INTERMEDIARY: (
        "XMDM",
        "SPSXSLBM",  # the case it serves (its number), empty when bought from the guide
        "ZJFWSLBM",  # 中介服务实例编码: the request
        "ZJFWSXBM",  # 中介服务事项编码: the service type
        "ZJFWSXMC",  # the request's title
        "FWCLBM",  # the application material the report is for
        "ZJLX",  # funds: fiscal / social
        "XQFS",  # selection method
        "ZJFWZT",  # the request's status
        "BMJZSJ",  # registration closes
        "XQSJ",  # chosen at
        "ZJJGMC",  # the chosen agency's name
        "ZJJGDM",  # its USCC
        "ZBJE",  # the winning bid
        "HTJE",  # the contract's price
        "HTQDRQ",  # contract signed on
        "FWQX",  # service period, working days
        "YDWCRQ",  # due on
        "FWKSSJ",  # service start (the contract's signing)
        "FWJSSJ",  # service end (the report filed)
        "FWYS",  # 服务用时: working days (start, end], once the report is filed
        "SFCQ",  # 是否超期: 1 when FWYS > FWQX, 0 otherwise, empty while in service
        "FWJG",  # 1 report filed, 2 failed (流标), 3 cancelled, empty otherwise
        "CGWJMC",  # the report's file name
        "CGWJZY",  # its SHA-256
    ),
    COMMITMENT: ("SPSXSLBM", "CNSX", "CNR", "CNSJ", "HCQX", "HCZT", "HCSJ"),
}

# 办理状态 (BLZT) of the process table: our actions → the codes documented in docs/exchange.md.
# Pause and resume are 9 and 10, as vendors map them; the others are this platform's list.
PROCESS_STATES: dict[str, tuple[str, str]] = {
    "accept": ("1", "受理"),
    "request_correction": ("5", "补正（开始）"),
    "resubmit": ("6", "补正（结束）"),
    "start_review": ("2", "审查"),
    "propose": ("3", "审查意见"),
    "send_back": ("3", "退回审查"),
    "pre_approve": ("4", "预审批"),
    "approve": ("11", "办结（通过）"),
    "approve_deferred": ("11", "办结（容缺通过）"),
    "deny": ("12", "办结（不予许可）"),
    "pause": ("9", "挂起（特别程序开始）"),
    "resume": ("10", "解挂（特别程序结束）"),
    "withdraw": ("13", "撤件"),
    "terminate": ("14", "办理终止"),
    "complete_materials": ("15", "容缺材料补齐"),
}
CORRECTION_START, CORRECTION_END = "5", "6"
PAUSE_TYPES: dict[str, str] = {PauseKind.SPECIAL_PROCEDURE: "1", PauseKind.CONFIGURED: "2"}
RESULT_CODES = {"approved": "1", "approved_deferred": "1", "denied": "2"}


@dataclass(frozen=True)
class SpglRow:
    table: str
    dfsjzj: str  # 地方数据主键: the local object's stable key
    xzqhdm: str
    data: dict[str, Any]
    # the row this one belongs to, (table, DFSJZJ): a matter's project, a step's matter;
    # None for a project (the root). Held back until that row is accepted, where required.
    parent: tuple[str, str] | None = None


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _slbm(case: Case, item: CaseItem | None = None) -> str:
    """事项实例编码: the case number, and the item's position for a matter's row."""
    return f"{case.number}-{item.order + 1:02d}" if item is not None else case.number


def _project_code(project) -> str:
    return project.investment_project_code or str(project.public_id)


def _cases():
    return (
        Case.objects.filter(accepted_at__isnull=False)
        .exclude(status=CaseStatus.DRAFT)
        .select_related("project", "project__enterprise")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=CaseItem.objects.select_related(
                    "matter_version__matter", "department", "case__project", "case__bundle"
                ).order_by("order", "id"),
            )
        )
        .order_by("id")
    )


def _project_row(project) -> SpglRow:
    return SpglRow(
        PROJECT,
        str(project.public_id),
        (project.region_code or "")[:6],
        {
            "XMDM": _project_code(project),
            "XMMC": project.name,
            "XMTZLX": project.investment_type,
            "JSDD": project.address,
            "JSDWMC": project.enterprise.name,
            "JSDWDM": project.enterprise.uscc,
            "ZTZE": str(project.total_investment or ""),
            "JZMJ": str(project.floor_area or ""),
            "YDMJ": str(project.land_area or ""),
        },
    )


def spgl_rows() -> Iterator[SpglRow]:
    """Every row the front tables should hold now, computed from the state log."""
    projects_seen: set[int] = set()
    for case in _cases():
        project = case.project
        region = (project.region_code or "")[:6]
        code = _project_code(project)
        if project.pk not in projects_seen:
            projects_seen.add(project.pk)
            yield _project_row(project)
        items = {item.pk: item for item in case.items.all()}
        for item in items.values():
            promised, statutory = item_limits(item)
            yield SpglRow(
                MATTER,
                str(item.public_id),
                region,
                {
                    "XMDM": code,
                    "SPSXSLBM": _slbm(case, item),
                    "SPSXBM": item.matter_version.matter.code,
                    "SPSXMC": item.matter_version.name,
                    "SPBMDM": item.department.code,
                    "SPBMMC": item.department.name,
                    # 受理: the day the item's clock started (the case's acceptance, or the
                    # day its prerequisite was concluded)
                    "SLSJ": _iso(item.clock_started_on),
                    "BJSJ": _iso(item.decided_on),
                    "SPSXBLZT": item.status,
                    "BLJG": RESULT_CODES.get(item.status, ""),
                    "CNBJSX": promised,
                    "FDBJSX": statutory,
                },
                parent=(PROJECT, str(project.public_id)),
            )
        yield from _process_rows(case, items, region)
    yield from _special_rows()
    yield from _commitment_rows()
    yield from _intermediary_rows(projects_seen)


def _process_rows(case: Case, items: dict[int, CaseItem], region: str) -> Iterator[SpglRow]:
    events = (
        CaseEvent.objects.filter(
            case=case, kind__in=[EventKind.CASE_TRANSITION, EventKind.ITEM_TRANSITION]
        )
        .select_related("actor")
        .order_by("seq")
    )
    for event in events:
        action = str(event.data.get("action", ""))
        if action not in PROCESS_STATES:
            continue
        code, label = PROCESS_STATES[action]
        item = items.get(event.item_id) if event.item_id else None
        actor = event.actor
        yield SpglRow(
            PROCESS,
            f"{case.public_id}:{event.seq}",
            region,
            {
                "SPSXSLBM": _slbm(case, item),
                "BLZT": code,
                "BLZTMC": label,
                "BLCS": item.department.name if item else "",
                "BLR": (actor.full_name or actor.username) if actor else "",
                "BLSJ": event.occurred_at.isoformat(),
                "BLYJ": str(event.data.get("reason", "") or event.data.get("note", ""))[:500],
                "DWMC": item.department.name if item else "",
                "SJLY": "kaigong",
            },
            # a matter's step belongs to the matter, a case-level step to the project
            parent=(MATTER, str(item.public_id))
            if item is not None
            else (PROJECT, str(case.project.public_id)),
        )


def _special_rows() -> Iterator[SpglRow]:
    pauses = ClockPause.objects.select_related("item__case__project", "item__case").order_by("id")
    for pause in pauses:
        case = pause.item.case
        yield SpglRow(
            SPECIAL,
            str(pause.public_id),
            (case.project.region_code or "")[:6],
            {
                "SPSXSLBM": _slbm(case, pause.item),
                "TBCXLX": PAUSE_TYPES.get(pause.kind, "2"),
                "TBCXMC": pause.get_kind_display(),
                "TBCXKSSJ": _iso(pause.started_on),
                # the day the clock runs again (the paused days end the day before)
                "TBCXJSSJ": _iso(pause.resumed_on),
                "TBCXJHGZR": pause.planned_working_days,
                "TBCXYY": pause.reason[:500],
            },
            parent=(MATTER, str(pause.item.public_id)),
        )


def _commitment_rows() -> Iterator[SpglRow]:
    commitments = Commitment.objects.filter(kind=CommitmentKind.UNDERTAKING).select_related(
        "case__project"
    )
    for commitment in commitments.order_by("id"):
        case = commitment.case
        yield SpglRow(
            COMMITMENT,
            str(commitment.public_id),
            (case.project.region_code or "")[:6],
            {
                "SPSXSLBM": _slbm(case),
                "CNSX": ",".join(commitment.material_codes or []),
                "CNR": commitment.signer_name,
                "CNSJ": _iso(commitment.signed_at),
                "HCQX": _iso(commitment.verification_due_on),
                "HCZT": commitment.status,
                "HCSJ": _iso(commitment.settled_at),
            },
            parent=(PROJECT, str(case.project.public_id)),
        )


# FWJG 服务结果 of a request that ended
SERVICE_RESULTS: dict[str, str] = {
    RequestStatus.DELIVERED.value: "1",
    RequestStatus.FAILED.value: "2",
    RequestStatus.CANCELLED.value: "3",
}


def _intermediary_rows(projects_seen: set[int]) -> Iterator[SpglRow]:
    """
    One row per intermediary service request (中介超市), its key the request: the selection,
    the contract, the report and the service time as the marketplace keeps them. A step
    forward (chosen, contracted, delivered) changes the row: a correction. The project of a
    request is exported too (its parent), even before a case of it is accepted.
    """
    requests = ServiceRequest.objects.select_related(
        "project__enterprise",
        "case",
        "winner__agency__enterprise",
        "contract",
        "deliverable",
    ).order_by("id")
    service_days: dict[int, dict[str, int]] = {}
    for request in requests:
        project = request.project
        if project.pk not in projects_seen:
            projects_seen.add(project.pk)
            yield _project_row(project)
        contract = getattr(request, "contract", None)
        deliverable = getattr(request, "deliverable", None)
        winner = request.winner
        used: int | str = ""
        overdue = ""
        if contract is not None and deliverable is not None:
            if project.pk not in service_days:
                # the marketplace's own count: working days (signed, report filed]
                service_days[project.pk] = {
                    s.request: s.working_days
                    for s in intermediary_segments(project=project)
                    if s.end is not None
                }
            days = service_days[project.pk].get(str(request.public_id))
            if days is not None:
                used, overdue = days, "1" if days > contract.period_days else "0"
        yield SpglRow(
            INTERMEDIARY,
            str(request.public_id),
            (project.region_code or request.region_code or "")[:6],
            {
                "XMDM": _project_code(project),
                "SPSXSLBM": request.case.number if request.case is not None else "",
                "ZJFWSLBM": str(request.public_id),
                "ZJFWSXBM": request.service_type,
                "ZJFWSXMC": request.title,
                "FWCLBM": request.material_code,
                "ZJLX": request.funds_type,
                "XQFS": request.method,
                "ZJFWZT": request.status,
                "BMJZSJ": _iso(request.registration_closes_at),
                "XQSJ": _iso(request.chosen_at),
                "ZJJGMC": winner.agency.enterprise.name if winner else "",
                "ZJJGDM": winner.agency.enterprise.uscc if winner else "",
                "ZBJE": str(winner.price) if winner else "",
                "HTJE": str(contract.price) if contract else "",
                "HTQDRQ": _iso(contract.signed_on) if contract else "",
                "FWQX": contract.period_days if contract else "",
                "YDWCRQ": _iso(contract.due_on) if contract else "",
                "FWKSSJ": _iso(contract.signed_on) if contract else "",
                "FWJSSJ": _iso(deliverable.delivered_on) if deliverable else "",
                "FWYS": used,
                "SFCQ": overdue,
                "FWJG": SERVICE_RESULTS.get(request.status, ""),
                "CGWJMC": deliverable.original_name if deliverable else "",
                "CGWJZY": deliverable.sha256 if deliverable else "",
            },
            parent=(PROJECT, str(project.public_id)),
        )
