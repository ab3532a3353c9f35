"""
佛山市高明区 — 重点项目联合审批绿色通道 (seeds/004, 2017).

General projects: the whole flow (立项、报建、施工许可、竣工验收) is promised in 48 working
days at the 4 comprehensive windows; projects in the district's key-project list get the
green channel, 30 % shorter. The factor 0.70 is data; the 34 days are computed by
``kaigong.catalog.selectors.key_project_limit``. 同意函: a permit that will pass but cannot be
issued at once is given as a consent letter, on which the next department starts.
"""

from kaigong.catalog.constants import CaseKind, DependencyKind, ExerciseLevel, MatterType

REGION = "440608"
BUNDLE_CODE = "gaoming-key-project-green-channel"

BASE = [{"field": "project_name"}, {"field": "project_address"}, {"field": "construction_unit"},
        {"field": "construction_unit_uscc"}, {"field": "contact_name"},
        {"field": "contact_phone"}]  # fmt: skip
FORM = {"material": "general-application", "original_copies": 1}

MATTERS = [
    {
        "matter_code": "440608-FG-001", "name": "企业投资项目备案", "department": "gaoming-fagai",
        "matter_type": MatterType.OTHER, "stage": "project-land-planning",
        "case_kind": CaseKind.INSTANT, "separation_relaxed": True,
        "statutory_limit": 3, "promised_limit": 1,
        "legal_basis": "《企业投资项目核准和备案管理条例》（国务院令第673号）第十三条",
        "result_name": "企业投资项目备案证明", "certificate_types": ["investment-record"],
        "requirements": [FORM, {"material": "business-licence", "satisfied_by": "business-licence"}],
        "fields": [*BASE, {"field": "total_investment"}],
    },
    {
        "matter_code": "440608-ZR-001", "name": "建设工程规划许可证核发",
        "department": "gaoming-zrzy", "stage": "engineering-permit",
        "statutory_limit": 20, "promised_limit": 10, "consent_letter_allowed": True,
        "legal_basis": "《中华人民共和国城乡规划法》第四十条",
        "result_name": "建设工程规划许可证", "certificate_types": ["works-planning-permit"],
        "dependencies": [{"prerequisite": "440608-FG-001", "kind": DependencyKind.REQUIRES_RESULT}],
        "requirements": [FORM, {"material": "land-title-doc", "satisfied_by": "real-estate-title"},
                         {"material": "design-scheme", "copy_copies": 2}],
        "fields": [*BASE, {"field": "floor_area"}],
    },
    {
        "matter_code": "440608-ZJ-001", "name": "建筑工程施工许可证核发",
        "department": "gaoming-zhujian", "stage": "construction-permit", "is_milestone": True,
        # the fund proof is replaced by a commitment (建设资金已经落实承诺书): the matter must
        # allow 告知承诺 for that, or publication refuses the contradiction (docs/catalog.md)
        "statutory_limit": 7, "promised_limit": 5, "commitment_allowed": True,
        "legal_basis": "《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》",
        "result_name": "建筑工程施工许可证", "certificate_types": ["construction-permit"],
        # rule: 容缺联动 — the next department reviews on the previous one's 同意函 (seeds/004)
        "dependencies": [{"prerequisite": "440608-ZR-001",
                          "kind": DependencyKind.ACCEPTS_CONSENT_LETTER,
                          "note": "凭规划许可“同意函”边审边批"}],
        "requirements": [FORM,
                         {"material": "works-planning-permit-doc",
                          "satisfied_by": "works-planning-permit"},
                         {"material": "construction-contract", "copy_copies": 1},
                         {"material": "quality-safety-measures", "deferrable": True},
                         {"material": "fund-commitment", "commitment_replaces": True}],
        "fields": [*BASE, {"field": "floor_area"}, {"field": "contract_price"},
                   {"field": "contract_period"}, {"field": "construction_contractor"}],
    },
    {
        "matter_code": "440608-ZJ-002", "name": "建设工程竣工验收备案",
        "department": "gaoming-zhujian", "stage": "completion-acceptance",
        "matter_type": MatterType.OTHER, "statutory_limit": 15, "promised_limit": 5,
        "legal_basis": "《建设工程质量管理条例》第四十九条",
        "result_type": "document", "result_name": "建设工程竣工验收备案证明",
        "dependencies": [{"prerequisite": "440608-ZJ-001",
                          "kind": DependencyKind.REQUIRES_RESULT}],
        "requirements": [FORM, {"material": "completion-report"}],
        "fields": BASE,
    },
]  # fmt: skip

for _matter in MATTERS:
    _matter.setdefault("exercise_level", ExerciseLevel.COUNTY)

BUNDLES = [
    {
        "code": BUNDLE_CODE,
        "name": "重点项目联合审批绿色通道",
        "kind": "theme",
        "lead_department": "gaoming-zsj",
        "region_code": REGION,
        "promised_limit": 48,
        "key_project_factor": "0.70",
        "source": "《高明区重点项目联合审批绿色通道实施方案》（2017年5月）",
        "description": "项目投资建设联合审批：投资立项、工程报建、施工许可、竣工验收四个阶段一窗办理，"
        "承诺48个工作日办结；纳入区年度重点项目库的项目再压缩30%审批时限（提前介入、容缺受理、"
        "模拟审批、联合审图等七大制度）。",
        "order": 40,
        "items": [{"matter": m["matter_code"], "mandatory": True, "order": i}
                  for i, m in enumerate(MATTERS)],
    }
]  # fmt: skip
