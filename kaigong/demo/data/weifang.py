"""
潍坊市 — 开工直通车 (seeds/001, 《推行“开工直通车”审批服务模式实施办法（试行）》, 2020).

Two process tracks with their main-process goals (社会投资民用建筑 35, 工业建筑 25 working
days); five themes before construction (我要立项、我要用地、我要规划图、我要施工图、我要开工),
each accepted once by its lead department and handled in parallel; in 我要开工 the merged
matter that issues four certificates at once (四证合发). 预审批: the works planning permit
may be pre-approved once the design scheme is reviewed, and its pre-approval is accepted by
the next step.
"""

from kaigong.catalog.constants import (
    CaseKind,
    DependencyKind,
    ExerciseLevel,
    InvestmentType,
    MatterType,
    Necessity,
    ResultType,
)

from .catalogue import yes

REGION = "370700"
SOURCE = "《推行“开工直通车”审批服务模式实施办法（试行）》（潍坊市，2020年）"
MERGED_MATTER_CODE = "370700-SP-001"

TRACKS = [
    {"code": "weifang-civil", "name": "社会投资民用建筑工程", "order": 1,
     "investment_type": InvestmentType.SOCIAL, "main_process_days": 35,
     "region_code": REGION, "source": SOURCE},
    {"code": "weifang-industrial", "name": "工业建筑工程", "order": 2,
     "investment_type": InvestmentType.ANY, "main_process_days": 25,
     "region_code": REGION, "source": SOURCE},
]  # fmt: skip

PRE = DependencyKind.ACCEPTS_PRE_APPROVAL
RESULT = DependencyKind.REQUIRES_RESULT
BASE = [{"field": "project_name"}, {"field": "project_address"}, {"field": "construction_unit"},
        {"field": "construction_unit_uscc"}, {"field": "contact_name"},
        {"field": "contact_phone"}]  # fmt: skip
FORM = {"material": "general-application", "original_copies": 1}
LICENCE = {"material": "business-licence", "satisfied_by": "business-licence"}
CITY = {"exercise_level": ExerciseLevel.CITY}

MATTERS = [
    {
        "matter_code": "370700-FG-001", "name": "企业投资项目备案", "department": "weifang-fagai",
        "matter_type": MatterType.OTHER, "stage": "project-land-planning",
        "case_kind": CaseKind.INSTANT, "separation_relaxed": True,
        "statutory_limit": 3, "promised_limit": 1,
        "legal_basis": "《企业投资项目核准和备案管理条例》（国务院令第673号）第十三条",
        "result_name": "企业投资项目备案证明", "certificate_types": ["investment-record"],
        "requirements": [FORM, LICENCE],
        "fields": [*BASE, {"field": "investment_project_code", "required": False},
                   {"field": "total_investment"}, {"field": "floor_area"}],
    },
    {
        "matter_code": "370700-ST-001", "name": "建设项目环境影响评价审批",
        "department": "weifang-shengtai", "stage": "project-land-planning",
        "statutory_limit": 30, "statutory_limit_unit": "ND", "promised_limit": 10,
        "legal_basis": "《中华人民共和国环境影响评价法》第二十二条",
        "result_name": "建设项目环境影响评价审批意见", "certificate_types": ["eia-approval"],
        "intermediary_services": [{"name": "环境影响报告表编制",
                                   "basis": "《中华人民共和国环境影响评价法》第十九条",
                                   "typical_days": 15}],
        "requirements": [FORM, {"material": "eia-report", "original_copies": 1}],
        "fields": BASE,
    },
    {
        "matter_code": "370700-ZR-001", "name": "建设项目用地预审与选址意见书核发",
        "department": "weifang-zrzy", "stage": "project-land-planning",
        "statutory_limit": 20, "promised_limit": 5, "is_milestone": True,
        "legal_basis": "《中华人民共和国土地管理法》第五十二条；《中华人民共和国城乡规划法》第三十六条",
        "result_name": "建设项目用地预审与选址意见书", "certificate_types": ["land-pre-review"],
        "dependencies": [{"prerequisite": "370700-FG-001", "kind": RESULT}],
        "requirements": [FORM, {"material": "investment-record-doc",
                                "satisfied_by": "investment-record"},
                         {"material": "site-location-plan", "copy_copies": 1}],
        "fields": [*BASE, {"field": "land_area"}],
    },
    {
        "matter_code": "370700-ZR-002", "name": "建设用地规划许可证核发",
        "department": "weifang-zrzy", "stage": "project-land-planning",
        "statutory_limit": 20, "promised_limit": 3,
        "legal_basis": "《中华人民共和国城乡规划法》第三十七条、第三十八条",
        "result_name": "建设用地规划许可证", "certificate_types": ["land-planning-permit"],
        "dependencies": [{"prerequisite": "370700-ZR-001", "kind": RESULT}],
        "requirements": [FORM, {"material": "land-pre-review-doc", "satisfied_by": "land-pre-review"},
                         {"material": "land-title-doc", "satisfied_by": "real-estate-title"}],
        "fields": [*BASE, {"field": "land_area"}],
    },
    {
        "matter_code": "370700-ZR-003", "name": "建设工程设计方案审查",
        "department": "weifang-zrzy", "stage": "engineering-permit",
        "matter_type": MatterType.OTHER, "result_type": ResultType.APPROVAL_DOCUMENT,
        "statutory_limit": 20, "promised_limit": 5,
        "legal_basis": "《中华人民共和国城乡规划法》第四十条",
        "result_name": "建设工程设计方案审查意见",
        "notes": "设计方案联合审查（潍坊特色功能版块）。",
        # the land-planning permit gives no pre-approval in this catalogue, so waiting for a
        # pre-approval of it would contradict it (publication refuses that; docs/catalog.md)
        "dependencies": [{"prerequisite": "370700-ZR-002", "kind": RESULT,
                          "note": "用地规划许可证核发后申报"}],
        "requirements": [FORM, {"material": "design-scheme", "copy_copies": 2}],
        "fields": [*BASE, {"field": "floor_area"}],
    },
    {
        "matter_code": "370700-ZR-004", "name": "建设工程规划许可证核发",
        "department": "weifang-zrzy", "stage": "engineering-permit",
        "statutory_limit": 20, "promised_limit": 5, "is_milestone": True,
        # rule: 预审批机制 — once the design scheme review is in and stable the department
        # issues a pre-approval that serves as the permit for later steps (seeds/001)
        "pre_approval_allowed": True, "pre_approval_days": 2,
        "legal_basis": "《中华人民共和国城乡规划法》第四十条",
        "result_name": "建设工程规划许可证", "certificate_types": ["works-planning-permit"],
        "dependencies": [
            {"prerequisite": "370700-ZR-003", "kind": RESULT},
            {"prerequisite": "370700-ZR-002", "kind": RESULT},
        ],
        "requirements": [FORM,
                         {"material": "land-planning-permit-doc",
                          "satisfied_by": "land-planning-permit"},
                         {"material": "design-scheme", "copy_copies": 2},
                         {"material": "land-title-doc", "satisfied_by": "real-estate-title"}],
        "fields": [*BASE, {"field": "floor_area"}],
    },
    {
        "matter_code": "370700-ZJ-001", "name": "施工图设计文件审查（联合审图）",
        "department": "weifang-zhujian", "stage": "construction-permit",
        "matter_type": MatterType.OTHER, "statutory_limit": 20, "promised_limit": 10,
        "legal_basis": "《建设工程质量管理条例》第十一条；"
        "《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》",
        "result_name": "施工图设计文件审查合格书", "certificate_types": ["drawing-review"],
        "notes": "消防、人防、技防等技术审查并入施工图审查（多图联审）。",
        "dependencies": [{"prerequisite": "370700-ZR-004", "kind": PRE,
                          "note": "规划许可预审批意见可作为有效申报材料"}],
        "requirements": [FORM, {"material": "construction-drawings"},
                         {"material": "civil-defence-drawings", "necessity": Necessity.CONDITIONAL,
                          "condition": yes("civil_defence")}],
        "fields": [*BASE, {"field": "floor_area"},
                   {"field": "civil_defence_area", "condition": yes("civil_defence")}],
    },
    {
        "matter_code": "370700-RF-001", "name": "结合民用建筑修建防空地下室审批",
        "department": "weifang-renfang", "stage": "construction-permit",
        "statutory_limit": 20, "promised_limit": 5,
        "legal_basis": "《中华人民共和国人民防空法》第二十二条",
        "result_type": ResultType.APPROVAL_DOCUMENT, "result_name": "防空地下室建设审批意见",
        "requirements": [FORM, {"material": "civil-defence-drawings"}],
        "fields": [*BASE, {"field": "floor_area"}, {"field": "civil_defence_area"}],
    },
    {
        "matter_code": MERGED_MATTER_CODE,
        "name": "建筑工程施工许可证核发（含工程质量监督登记、安全施工措施备案、人防工程质量监督登记）",
        "short_name": "施工许可（四证合发）",
        "department": "weifang-shenpi", "stage": "construction-permit", "is_milestone": True,
        # rule: 建筑法 第八条 — decided within 7 days of the application
        "statutory_limit": 7, "promised_limit": 3, "commitment_allowed": True,
        "legal_basis": "《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》；"
        "《建设工程质量管理条例》第十三条；《建设工程安全生产管理条例》第十条；"
        "《中华人民共和国人民防空法》",
        "result_name": "建筑工程施工许可证等四证（四证合发）",
        "notes": "由市行政审批服务局统一受理、四证合发（seeds/001）。",
        "certificate_types": ["construction-permit", "quality-supervision", "safety-measures",
                              "civil-defence-quality"],
        "dependencies": [
            {"prerequisite": "370700-ZR-004", "kind": PRE,
             "note": "预审批意见相当于建设工程规划许可证"},
            {"prerequisite": "370700-ZJ-001", "kind": RESULT},
        ],
        "requirements": [
            FORM,
            {"material": "land-title-doc", "satisfied_by": "real-estate-title"},
            {"material": "works-planning-permit-doc", "satisfied_by": "works-planning-permit"},
            {"material": "drawing-review-doc", "satisfied_by": "drawing-review"},
            {"material": "construction-contract", "copy_copies": 1},
            {"material": "supervision-contract", "copy_copies": 1, "deferrable": True},
            {"material": "quality-safety-measures"},
            {"material": "fund-commitment", "commitment_replaces": True},
            {"material": "civil-defence-drawings", "necessity": Necessity.CONDITIONAL,
             "condition": yes("civil_defence")},
        ],
        "fields": [*BASE, {"field": "investment_project_code", "required": False},
                   {"field": "floor_area"}, {"field": "total_investment"},
                   {"field": "contract_price"}, {"field": "contract_period"},
                   {"field": "construction_contractor"}, {"field": "supervision_unit"},
                   {"field": "civil_defence_area", "condition": yes("civil_defence")}],
    },
    {
        "matter_code": "370700-CG-001", "name": "城市建筑垃圾处置核准",
        "department": "weifang-chengguan", "stage": "construction-permit",
        "statutory_limit": 20, "promised_limit": 3,
        "legal_basis": "《城市建筑垃圾管理规定》（建设部令第139号）第七条",
        "result_type": ResultType.APPROVAL_DOCUMENT, "result_name": "城市建筑垃圾处置核准决定",
        "requirements": [FORM, {"material": "construction-waste-plan"}],
        "fields": BASE,
    },
]  # fmt: skip

for _matter in MATTERS:
    for _key, _value in CITY.items():
        _matter.setdefault(_key, _value)


def _theme(code, name, lead, stage, items, order):
    return {
        "code": code,
        "name": name,
        "kind": "theme",
        "lead_department": lead,
        "stage": stage,
        "region_code": REGION,
        "source": SOURCE,
        "description": "主题内事项一次受理、统筹办理；主题之间加强协作、并行推进。",
        "order": order,
        "items": [
            {"matter": m, "mandatory": cond is None, "condition": cond or {}, "order": i}
            for i, (m, cond) in enumerate(items)
        ],
    }


BUNDLES = [
    _theme("weifang-lixiang", "我要立项", "weifang-fagai", "project-land-planning",
           [("370700-FG-001", None), ("370700-ST-001", yes("needs_eia"))], 20),
    _theme("weifang-yongdi", "我要用地", "weifang-zrzy", "project-land-planning",
           [("370700-ZR-001", None), ("370700-ZR-002", None)], 21),
    _theme("weifang-guihuatu", "我要规划图", "weifang-zrzy", "engineering-permit",
           [("370700-ZR-003", None), ("370700-ZR-004", None)], 22),
    _theme("weifang-shigongtu", "我要施工图", "weifang-zhujian", "construction-permit",
           [("370700-ZJ-001", None), ("370700-RF-001", yes("civil_defence"))], 23),
    _theme("weifang-kaigong", "我要开工", "weifang-shenpi", "construction-permit",
           [(MERGED_MATTER_CODE, None), ("370700-CG-001", yes("construction_waste"))], 24),
]  # fmt: skip
