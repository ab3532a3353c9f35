"""
沂南县 — 办理市政设施建设手续“一件事” (seeds/000).

Five optional matters chosen by the enterprise (企业按需选择), accepted at the county
service centre's “高效办成一件事” window on the departments' authorisation (授权委托书,
一窗受理、受审分离), reviewed in parallel and issued together. Across the five matters the
requirement rows below are 16 and refer to 10 distinct materials: the guide computes
"16 → 10" from them (the seed's 申请材料由16项压缩为10项); no figure is typed here.
"""

from kaigong.catalog.constants import ExerciseLevel, MatterType, SourceChannel

from .catalogue import yes

REGION = "371321"
BUNDLE_CODE = "yinan-municipal-facilities"

MATERIALS = [
    {"code": "yn-municipal-application", "name": "市政设施建设类申请表",
     "fill_instructions": "使用《沂南县市政设施类申请表》，勾选所办事项，一表填报，加盖单位公章。"},
    {"code": "yn-construction-plan", "name": "施工方案（含安全保障措施、施工工期及恢复方案）"},
    {"code": "yn-traffic-plan", "name": "交通组织（疏导）方案"},
    {"code": "yn-pipeline-drawings", "name": "管线设计图及位置平面图"},
    {"code": "yn-bridge-safety-opinion", "name": "桥梁原设计单位技术安全意见",
     "source_channel": SourceChannel.INTERMEDIARY, "issuing_body": "桥梁原设计单位"},
    {"code": "yn-facility-plan", "name": "供水、排水设施拆除、改动、迁移方案"},
    {"code": "yn-owner-consent", "name": "设施产权（运营维护）单位意见",
     "source_channel": SourceChannel.OTHER, "issuing_body": "供水、排水设施运营维护单位"},
    {"code": "yn-tree-inventory", "name": "绿地现状图及树木清单（位置、品种、规格、数量）"},
    {"code": "yn-replanting-plan", "name": "绿化补偿（补植）方案"},
]  # fmt: skip

COMMON_FIELDS = [
    {"field": "project_name"},
    {"field": "project_address"},
    {"field": "construction_unit"},
    {"field": "construction_unit_uscc"},
    {"field": "contact_name"},
    {"field": "contact_phone"},
]

APPLICATION = {"material": "yn-municipal-application", "original_copies": 1}
ELEMENTS = {
    "matter_type": MatterType.LICENSING,
    "exercise_level": ExerciseLevel.COUNTY,
    "stage": "yinan-joint-review",
    "statutory_limit": 20,  # rule: 行政许可法 第四十二条 — 20 working days
    "acceptance_conditions": "申请人为建设单位；已通过“高效办成一件事”专区或县政务服务中心"
    "“高效办成一件事”综合窗口提交申请；材料齐全、符合法定形式。",
    "procedure": "一窗受理（综合窗口授权受理）→ 部门并联审查（受审分离）→ 踏勘（审勘分离，可云踏勘）"
    "→ 决定 → 统一出证（电子证照）。",
    "is_fee": False,
}

MATTERS = [
    {
        "matter_code": "371321-SZ-001",
        "name": "占用、挖掘城市道路审批",
        "short_name": "占用挖掘城市道路",
        "department": "yinan-zhifa",
        "promised_limit": 5,
        "legal_basis": "《城市道路管理条例》第三十条、第三十一条、第三十三条",
        "site_inspection_required": True,
        "result_name": "占用、挖掘城市道路许可决定书",
        "certificate_types": ["road-excavation-permit"],
        "requirements": [
            APPLICATION,
            # rule: 挖掘城市道路 needs the planning department's approval document
            # (城市道路管理条例 第三十三条); a held permit replaces the upload (免提交)
            {"material": "works-planning-permit-doc", "satisfied_by": "works-planning-permit",
             "legal_basis": "《城市道路管理条例》第三十三条"},
            {"material": "yn-construction-plan", "copy_copies": 1},
            {"material": "yn-traffic-plan", "copy_copies": 1},
        ],
        "fields": [*COMMON_FIELDS, {"field": "road_name"}, {"field": "excavation_length"},
                   {"field": "excavation_area"}, {"field": "excavation_start_on"},
                   {"field": "excavation_end_on"}],
    },
    {
        "matter_code": "371321-SZ-002",
        "name": "城市桥梁上架设各类市政管线审批",
        "short_name": "桥梁架设管线",
        "department": "yinan-zhujian",
        "promised_limit": 5,
        "legal_basis": "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）；"
        "《城市桥梁检测和养护维修管理办法》（建设部令第118号）",
        "result_name": "城市桥梁上架设市政管线许可决定书",
        "certificate_types": ["bridge-pipeline-permit"],
        "intermediary_services": [
            {"name": "桥梁原设计单位技术安全意见", "basis": "《城市桥梁检测和养护维修管理办法》",
             "typical_days": 5}
        ],
        "requirements": [
            APPLICATION,
            {"material": "yn-pipeline-drawings", "copy_copies": 1},
            {"material": "yn-bridge-safety-opinion", "original_copies": 1},
        ],
        "fields": [*COMMON_FIELDS, {"field": "bridge_name"}, {"field": "pipeline_type"},
                   {"field": "pipeline_length"}],
    },
    {
        "matter_code": "371321-SZ-003",
        "name": "因工程建设需要拆除、改动、迁移供水、排水与污水处理设施审批",
        "short_name": "供排水设施拆改迁移",
        "department": "yinan-shuiwu",
        "promised_limit": 5,
        "legal_basis": "《城市供水条例》第三十条；《城镇排水与污水处理条例》第四十三条",
        "result_name": "拆除、改动、迁移供水排水设施审批决定书",
        "certificate_types": ["water-facility-permit"],
        "requirements": [
            APPLICATION,
            {"material": "yn-facility-plan", "copy_copies": 1},
            # 容缺: the operator's opinion may follow on a signed commitment
            {"material": "yn-owner-consent", "original_copies": 1, "deferrable": True},
        ],
        "fields": [*COMMON_FIELDS, {"field": "facility_type"}, {"field": "pipeline_length"}],
    },
    {
        "matter_code": "371321-SZ-004",
        "name": "依附于城市道路建设各种管线、杆线等设施审批",
        "short_name": "依附道路管线杆线",
        "department": "yinan-zhujian",
        "promised_limit": 5,
        "legal_basis": "《城市道路管理条例》第二十九条",
        "result_name": "依附城市道路建设管线杆线许可决定书",
        "certificate_types": ["road-attachment-permit"],
        "requirements": [
            APPLICATION,
            {"material": "yn-pipeline-drawings", "copy_copies": 1},
            {"material": "yn-construction-plan", "copy_copies": 1},
        ],
        "fields": [*COMMON_FIELDS, {"field": "road_name"}, {"field": "pipeline_type"},
                   {"field": "pipeline_length"}],
    },
    {
        "matter_code": "371321-SZ-005",
        "name": "工程建设涉及城市绿地、树木审批",
        "short_name": "城市绿地树木",
        "department": "yinan-zhifa",
        "promised_limit": 7,
        "legal_basis": "《城市绿化条例》第二十条、第二十一条",
        "site_inspection_required": True,
        "result_name": "工程建设涉及城市绿地、树木审批决定书",
        "certificate_types": ["greenery-decision"],
        "notes": "跨部门事项：由县行政审批服务局组织行政执法等单位联商联办，一次性告知申报要点。",
        "requirements": [
            APPLICATION,
            {"material": "yn-tree-inventory", "copy_copies": 1},
            {"material": "yn-replanting-plan", "copy_copies": 1, "deferrable": True},
        ],
        "fields": [*COMMON_FIELDS, {"field": "tree_count"}, {"field": "green_area"}],
    },
]  # fmt: skip

for _matter in MATTERS:
    for _key, _value in ELEMENTS.items():
        _matter.setdefault(_key, _value)

_QUESTION_OF = {
    "371321-SZ-001": "occupies_road",
    "371321-SZ-002": "pipeline_on_bridge",
    "371321-SZ-003": "moves_water_facility",
    "371321-SZ-004": "attaches_to_road",
    "371321-SZ-005": "affects_greenery",
}

BUNDLES = [
    {
        "code": BUNDLE_CODE,
        "name": "办理市政设施建设手续“一件事”",
        "kind": "one_thing",
        "lead_department": "yinan-shenpi",
        "stage": "yinan-joint-review",
        "region_code": REGION,
        "promised_limit": 7,
        "source": "《沂南县办理市政设施建设手续“一件事”实施方案》",
        "description": "依托山东省政务服务网“高效办成一件事”专区，5项联办事项企业按需选择，"
        "一窗受理、受审分离、并联审查、统一出证；按项目策划、联合审查、施工验收三个阶段办理。",
        "order": 10,
        # every matter optional, suggested by its situation question
        "items": [
            {"matter": m["matter_code"], "mandatory": False,
             "condition": yes(_QUESTION_OF[m["matter_code"]]), "order": i}
            for i, m in enumerate(MATTERS)
        ],
    }
]  # fmt: skip
