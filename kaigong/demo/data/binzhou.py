"""
滨州市 — 工程建设项目“十证联发” and 一般工业项目“联合评审” (seeds/002).

十证联发: while the land procedures run, the enterprise signs a commitment and uses the land
pre-review opinion (用地预审意见) as its land document; the departments review and give
their opinions, and the ten certificates are held until the land-use right is obtained, then
released together; 45 working days for the whole flow. 联合评审: 环评、节能审查、水土保持方案、
取水许可 reviewed as one (一次申报、一次踏勘、一次评审、一次办结).
"""

from kaigong.catalog.constants import DependencyKind, ExerciseLevel, MatterType

from .catalogue import yes

REGION = "371600"
JOINT_ISSUANCE_CODE = "binzhou-ten-certificates"
JOINT_REVIEW_CODE = "binzhou-industrial-joint-review"
LAND_PRE_REVIEW = "371600-ZR-001"

PRE = DependencyKind.ACCEPTS_PRE_APPROVAL
RESULT = DependencyKind.REQUIRES_RESULT
BASE = [{"field": "project_name"}, {"field": "project_address"}, {"field": "construction_unit"},
        {"field": "construction_unit_uscc"}, {"field": "contact_name"},
        {"field": "contact_phone"}]  # fmt: skip
FORM = {"material": "general-application", "original_copies": 1}
COMMITMENT = {"material": "joint-issuance-commitment", "original_copies": 1}
# rule: 十证联发 — review starts on the land pre-review opinion plus a signed commitment; the
# land title itself may follow (容缺) until the land-use right is obtained (seeds/002)
LAND_LATER = {"material": "land-title-doc", "satisfied_by": "real-estate-title",
              "deferrable": True}  # fmt: skip
ON_PRE_REVIEW = {"prerequisite": LAND_PRE_REVIEW, "kind": PRE,
                 "note": "以用地预审意见作为使用土地证明文件，签订“十证联发”承诺书"}  # fmt: skip

MATTERS = [
    {
        "matter_code": LAND_PRE_REVIEW, "name": "建设项目用地预审与选址意见书核发",
        "department": "binzhou-zrzy", "stage": "project-land-planning",
        "statutory_limit": 20, "promised_limit": 5,
        "pre_approval_allowed": True, "pre_approval_days": 3,
        "legal_basis": "《中华人民共和国土地管理法》第五十二条；《中华人民共和国城乡规划法》第三十六条",
        "result_name": "建设项目用地预审与选址意见书", "certificate_types": ["land-pre-review"],
        "requirements": [FORM, {"material": "investment-record-doc",
                                "satisfied_by": "investment-record"},
                         {"material": "site-location-plan", "copy_copies": 1}],
        "fields": [*BASE, {"field": "land_area"}],
    },
    {
        "matter_code": "371600-ZR-002", "name": "建设用地规划许可证核发",
        "department": "binzhou-zrzy", "stage": "project-land-planning",
        "statutory_limit": 20, "promised_limit": 5, "commitment_allowed": True,
        "legal_basis": "《中华人民共和国城乡规划法》第三十七条、第三十八条",
        "result_name": "建设用地规划许可证", "certificate_types": ["land-planning-permit"],
        "dependencies": [ON_PRE_REVIEW],
        "requirements": [FORM, COMMITMENT,
                         {"material": "land-pre-review-doc", "satisfied_by": "land-pre-review"},
                         LAND_LATER],
        "fields": [*BASE, {"field": "land_area"}],
    },
    {
        "matter_code": "371600-ZR-003", "name": "建设工程规划许可证核发",
        "department": "binzhou-zrzy", "stage": "engineering-permit",
        "statutory_limit": 20, "promised_limit": 5, "commitment_allowed": True,
        "legal_basis": "《中华人民共和国城乡规划法》第四十条",
        "result_name": "建设工程规划许可证", "certificate_types": ["works-planning-permit"],
        "dependencies": [ON_PRE_REVIEW,
                         {"prerequisite": "371600-ZR-002", "kind": RESULT}],
        "requirements": [FORM, COMMITMENT, {"material": "design-scheme", "copy_copies": 2},
                         LAND_LATER],
        "fields": [*BASE, {"field": "floor_area"}],
    },
    {
        "matter_code": "371600-ZJ-001", "name": "建设工程消防设计审查",
        "department": "binzhou-zhujian", "stage": "construction-permit",
        "statutory_limit": 15, "promised_limit": 5, "commitment_allowed": True,
        "legal_basis": "《中华人民共和国消防法》第十一条；《建设工程消防设计审查验收管理暂行规定》",
        "result_name": "建设工程消防设计审查意见书", "certificate_types": ["fire-design-review"],
        "dependencies": [ON_PRE_REVIEW],
        "requirements": [FORM, COMMITMENT, {"material": "fire-design-docs"}],
        "fields": [*BASE, {"field": "floor_area"}],
    },
    {
        "matter_code": "371600-SP-001",
        "name": "建筑工程施工许可证核发（含工程质量监督登记、安全施工措施备案）",
        "short_name": "施工许可（三证合发）",
        "department": "binzhou-shenpi", "stage": "construction-permit", "is_milestone": True,
        "statutory_limit": 7, "promised_limit": 3, "commitment_allowed": True,
        "legal_basis": "《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》",
        "result_name": "建筑工程施工许可证等三证",
        "certificate_types": ["construction-permit", "quality-supervision", "safety-measures"],
        "dependencies": [ON_PRE_REVIEW,
                         {"prerequisite": "371600-ZR-003", "kind": RESULT},
                         {"prerequisite": "371600-ZJ-001", "kind": RESULT}],
        "requirements": [FORM, COMMITMENT, LAND_LATER,
                         {"material": "construction-contract", "copy_copies": 1},
                         {"material": "supervision-contract", "copy_copies": 1},
                         {"material": "quality-safety-measures"},
                         {"material": "fund-commitment", "commitment_replaces": True}],
        "fields": [*BASE, {"field": "floor_area"}, {"field": "contract_price"},
                   {"field": "contract_period"}, {"field": "construction_contractor"},
                   {"field": "supervision_unit"}],
    },
    # 要素保障 — the four review-type matters, also reviewed jointly (联合评审)
    {
        "matter_code": "371600-ST-001", "name": "建设项目环境影响评价审批",
        "department": "binzhou-shengtai", "stage": "project-land-planning",
        "statutory_limit": 30, "statutory_limit_unit": "ND", "promised_limit": 10,
        "legal_basis": "《中华人民共和国环境影响评价法》第二十二条",
        "result_name": "建设项目环境影响评价审批意见", "certificate_types": ["eia-approval"],
        "site_inspection_required": True,
        "intermediary_services": [{"name": "环境影响报告书（表）编制",
                                   "basis": "《中华人民共和国环境影响评价法》第十九条",
                                   "typical_days": 15}],
        "requirements": [FORM, {"material": "eia-report", "original_copies": 1}],
        "fields": BASE,
    },
    {
        "matter_code": "371600-FG-001", "name": "固定资产投资项目节能审查",
        "department": "binzhou-fagai", "stage": "project-land-planning",
        "statutory_limit": 20, "promised_limit": 8,
        "legal_basis": "《中华人民共和国节约能源法》第十五条；"
        "《固定资产投资项目节能审查办法》",
        "result_name": "固定资产投资项目节能审查意见", "certificate_types": ["energy-review"],
        "intermediary_services": [{"name": "节能报告编制", "basis": "《固定资产投资项目节能审查办法》",
                                   "typical_days": 10}],
        "requirements": [FORM, {"material": "energy-report", "original_copies": 1}],
        "fields": [*BASE, {"field": "annual_energy"}],
    },
    {
        "matter_code": "371600-SL-001", "name": "生产建设项目水土保持方案审批",
        "department": "binzhou-shuili", "stage": "project-land-planning",
        "statutory_limit": 20, "promised_limit": 8,
        "legal_basis": "《中华人民共和国水土保持法》第二十五条",
        "result_name": "水土保持方案审批准予行政许可决定书",
        "certificate_types": ["soil-water-approval"],
        "intermediary_services": [{"name": "水土保持方案编制",
                                   "basis": "《中华人民共和国水土保持法》第二十五条",
                                   "typical_days": 10}],
        "requirements": [FORM, {"material": "soil-water-plan", "original_copies": 1}],
        "fields": [*BASE, {"field": "land_area"}],
    },
    {
        "matter_code": "371600-SL-002", "name": "取水许可",
        "department": "binzhou-shuili", "stage": "project-land-planning",
        # rule: 取水许可和水资源费征收管理条例 第二十三条 — 45 working days
        "statutory_limit": 45, "promised_limit": 10,
        "legal_basis": "《中华人民共和国水法》第四十八条；《取水许可和水资源费征收管理条例》第二十三条",
        "result_name": "取水许可证", "certificate_types": ["water-intake-permit"],
        "intermediary_services": [{"name": "建设项目水资源论证报告编制",
                                   "basis": "《取水许可和水资源费征收管理条例》第十一条",
                                   "typical_days": 15}],
        "requirements": [FORM, {"material": "water-resource-report", "original_copies": 1}],
        "fields": [*BASE, {"field": "water_source"}, {"field": "water_intake"}],
    },
]  # fmt: skip

for _matter in MATTERS:
    _matter.setdefault("exercise_level", ExerciseLevel.CITY)
    _matter.setdefault("matter_type", MatterType.LICENSING)

_ELEMENT_ITEMS = [
    ("371600-ST-001", "needs_eia"),
    ("371600-FG-001", "energy_over_threshold"),
    ("371600-SL-001", "disturbs_soil"),
    ("371600-SL-002", "takes_water"),
]
TEN_CERTIFICATES = [
    "land-planning-permit", "works-planning-permit", "fire-design-review",
    "construction-permit", "quality-supervision", "safety-measures",
    "eia-approval", "energy-review", "soil-water-approval", "water-intake-permit",
]  # fmt: skip

BUNDLES = [
    {
        "code": JOINT_ISSUANCE_CODE,
        "name": "工程建设项目“十证联发”",
        "kind": "joint_issuance",
        "lead_department": "binzhou-shenpi",
        "region_code": REGION,
        "promised_limit": 45,
        "source": "《滨州市工程建设项目“十证联发”实施办法》",
        "description": "利用用地手续办理时间，企业签订“十证联发”承诺书，以用地预审意见作为使用土地证明"
        "文件，提出土地、能耗、污染物、水资源4大要素事项的审查申请；取得土地使用权后多证联发，"
        "“要素保障+十证联发+拿地就开工”。",
        "order": 30,
        "items": [
            {"matter": LAND_PRE_REVIEW, "mandatory": True, "order": 0},
            {"matter": "371600-ZR-002", "mandatory": True, "order": 1},
            {"matter": "371600-ZR-003", "mandatory": True, "order": 2},
            {"matter": "371600-ZJ-001", "mandatory": True, "order": 3},
            {"matter": "371600-SP-001", "mandatory": True, "order": 4},
            *[
                {"matter": code, "mandatory": False, "condition": yes(q), "order": 5 + i}
                for i, (code, q) in enumerate(_ELEMENT_ITEMS)
            ],
        ],
        "issuance_rules": [
            {
                "code": "land-use-right",
                "condition_name": "取得土地使用权",
                "evidence_required": "不动产权证书或国有建设用地使用权出让合同",
                "certificate_types": TEN_CERTIFICATES,
                "description": "企业办理完土地手续、取得土地使用权后，发放建设用地规划许可证、"
                "工程规划许可证等证照。",
            }
        ],
    },
    {
        "code": JOINT_REVIEW_CODE,
        "name": "一般工业项目联合评审",
        "kind": "joint_review",
        "lead_department": "binzhou-shenpi",
        "stage": "project-land-planning",
        "region_code": REGION,
        "promised_limit": 15,
        "source": "《关于加快推进一般工业项目联合评审的指导意见》（滨州市）",
        "description": "按“能合则合、应合尽合”，环境影响评价审批、节能审查、水土保持方案审批、取水许可"
        "实行“二合一”“三合一”“多合一”联合评审：一次申报、一次踏勘、一次评审、一次办结"
        "（试点：沾化、阳信、博兴）。",
        "order": 31,
        "items": [
            {"matter": code, "mandatory": False, "condition": yes(q), "order": i}
            for i, (code, q) in enumerate(_ELEMENT_ITEMS)
        ],
    },
]  # fmt: skip
