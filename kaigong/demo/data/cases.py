"""
Demo applications (cases) in several states, one per locality's project:

- 沂南: the five-matter municipal bundle twice: one concluded with its certificates issued
  (and filed in the archive), one accepted at the window and in parallel review;
- 潍坊: theme 我要用地, submitted and waiting at the window;
- 滨州: 一般工业项目联合评审, submitted, then a one-time correction notice;
- 高明: the green channel, a draft with its form filled in.
"""

from .yinan import BUNDLE_CODE as YINAN_BUNDLE

ISSUED, ACCEPTED, SUBMITTED, CORRECTION, DRAFT = (
    "issued",
    "accepted",
    "submitted",
    "correction",
    "draft",
)

CASES = [
    {
        "project": "沂南县汶河路供水管网迁改工程",
        "bundle": YINAN_BUNDLE,
        "applicant": "yinan_applicant",
        "clerk": "yinan_clerk",
        "state": ISSUED,
    },
    {
        "project": "沂南县城区雨污分流管网改造工程",
        "bundle": YINAN_BUNDLE,
        "applicant": "yinan_applicant",
        "clerk": "yinan_clerk",
        "state": ACCEPTED,
    },
    {
        "project": "鸢都滨河花园住宅小区项目",
        "bundle": "weifang-yongdi",
        "applicant": "weifang_applicant",
        "clerk": "weifang_clerk",
        "state": SUBMITTED,
    },
    {
        "project": "年产5万吨高性能铝合金新材料项目",
        "bundle": "binzhou-industrial-joint-review",
        "applicant": "binzhou_applicant",
        "clerk": "binzhou_clerk",
        "state": CORRECTION,
        "correction": [
            {"kind": "material", "code": "energy-report", "problem": "defective",
             "note": "节能报告未附能源消费总量和强度“双控”影响分析，请补充后重新提交。"},
        ],
    },
    {
        "project": "沧江新材料产业园一期项目",
        "bundle": "gaoming-key-project-green-channel",
        "applicant": "gaoming_applicant",
        "clerk": "gaoming_clerk",
        "state": DRAFT,
    },
]  # fmt: skip

# Values for the merged forms, by field key (the project's own name and address, and the
# enterprise's name and code, are filled in from the project by the loader).
FORM_VALUES = {
    "contact_name": "经办人",
    "contact_phone": "13800138000",
    "investment_project_code": "",
    "road_name": "城区主干道（滨河路至府前街段）",
    "excavation_length": 420,
    "excavation_area": 1260,
    "excavation_start_on": "2026-03-02",
    "excavation_end_on": "2026-05-29",
    "pipeline_type": ["drainage", "water"],
    "pipeline_length": 1850,
    "bridge_name": "汶河大桥",
    "facility_type": "drainage",
    "tree_count": 36,
    "green_area": 280,
    "contract_price": 3200,
    "contract_period": 180,
    "construction_contractor": "临沂示例市政建设有限公司",
    "supervision_unit": "临沂示例工程监理有限公司",
    "civil_defence_area": 6500,
    "annual_energy": 8600,
    "water_source": "surface",
    "water_intake": 45,
}

# A minimal valid PDF stands in for every uploaded material.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# The reviewers' opinion on the concluded demo application.
OPINION_TEXT = "经审查，申请材料齐全，符合法定形式，施工方案和交通组织方案可行，同意办理。"
