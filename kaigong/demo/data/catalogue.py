"""
The shared part of the demo catalogue: stages, certificate types, the materials several
localities use, the field dictionary, the situation questions and the revision.

Certificate type codes follow GB/T 36904 (defining authority's USCC + 3 digits); only the
MOHURD code is real (docs/legal.md#gbt-36904), the other authorities' codes are illustrative.
"""

from datetime import date

from kaigong.catalog.constants import FieldType, NationalStage, QuestionKind, RevisionKind

from .codes import MEE, MNR, MOHURD, MWR, NDRC, NPAO, SAMR, type_code

REVISION = {
    "title": "初始目录",
    "kind": RevisionKind.NEW,
    "effective_on": date(2025, 1, 1),
    "source": "演示数据：据沂南、潍坊、滨州、高明公开报道整理（seeds/000–004）",
    "description": "演示用工程建设项目审批事项目录：市政设施建设手续一件事、开工直通车主题、"
    "十证联发、一般工业项目联合评审、重点项目绿色通道。",
}

# rule: the four national stages (国办发〔2019〕11号; docs/legal.md#gbf-2019-11) plus 沂南's local three
STAGES = [
    {"code": "project-land-planning", "name": "立项用地规划许可阶段",
     "national_stage": NationalStage.PROJECT_LAND_PLANNING, "order": 1},
    {"code": "engineering-permit", "name": "工程建设许可阶段",
     "national_stage": NationalStage.ENGINEERING_PERMIT, "order": 2},
    {"code": "construction-permit", "name": "施工许可阶段",
     "national_stage": NationalStage.CONSTRUCTION_PERMIT, "order": 3},
    {"code": "completion-acceptance", "name": "竣工验收阶段",
     "national_stage": NationalStage.COMPLETION_ACCEPTANCE, "order": 4},
    {"code": "yinan-planning", "name": "项目策划", "order": 11,
     "national_stage": NationalStage.PROJECT_LAND_PLANNING,
     "description": "沂南市政设施建设手续：项目助手前期辅导、一次性告知申报要点。"},
    {"code": "yinan-joint-review", "name": "联合审查", "order": 12,
     "national_stage": NationalStage.CONSTRUCTION_PERMIT,
     "description": "沂南市政设施建设手续：一窗受理、受审分离、并联审查、统一出证。"},
    {"code": "yinan-construction", "name": "施工验收", "order": 13,
     "national_stage": NationalStage.COMPLETION_ACCEPTANCE,
     "description": "沂南市政设施建设手续：施工期间审管联动、事中事后同步复查。"},
]  # fmt: skip

P = ["project_name", "construction_unit", "construction_unit_uscc", "project_address"]

CERTIFICATE_TYPES = [
    # 四证合发 (潍坊) — 施工许可证 with the three registrations merged into it
    {"code": "construction-permit", "name": "建筑工程施工许可证",
     "type_code": type_code(MOHURD, 11), "validity_months": None,
     "fields": [*P, "floor_area", "contract_price", "contract_period",
                "construction_contractor", "supervision_unit"]},
    {"code": "quality-supervision", "name": "工程质量监督登记",
     "type_code": type_code(MOHURD, 12), "fields": [*P, "construction_contractor"]},
    {"code": "safety-measures", "name": "安全施工措施备案",
     "type_code": type_code(MOHURD, 13), "fields": [*P, "construction_contractor"]},
    {"code": "civil-defence-quality", "name": "人防工程质量监督登记",
     "type_code": type_code(NPAO, 1), "fields": [*P, "civil_defence_area"]},
    {"code": "land-planning-permit", "name": "建设用地规划许可证",
     "type_code": type_code(MNR, 2), "fields": [*P, "land_area"]},
    {"code": "works-planning-permit", "name": "建设工程规划许可证",
     "type_code": type_code(MNR, 3), "fields": [*P, "floor_area"]},
    {"code": "land-pre-review", "name": "建设项目用地预审与选址意见书",
     "type_code": type_code(MNR, 1), "validity_months": 36, "fields": [*P, "land_area"]},
    {"code": "real-estate-title", "name": "不动产权证书",
     "type_code": type_code(MNR, 10), "fields": ["construction_unit", "project_address",
                                                  "land_area"]},
    {"code": "business-licence", "name": "营业执照",
     "type_code": type_code(SAMR, 1), "fields": ["construction_unit", "construction_unit_uscc"]},
    {"code": "investment-record", "name": "企业投资项目备案证明",
     "type_code": type_code(NDRC, 1), "fields": [*P, "investment_project_code",
                                                  "total_investment"]},
    {"code": "drawing-review", "name": "施工图设计文件审查合格书",
     "type_code": type_code(MOHURD, 21), "fields": [*P, "floor_area"]},
    {"code": "fire-design-review", "name": "建设工程消防设计审查意见书",
     "type_code": type_code(MOHURD, 31), "fields": [*P, "floor_area"]},
    {"code": "eia-approval", "name": "建设项目环境影响评价审批意见",
     "type_code": type_code(MEE, 1), "fields": P},
    {"code": "energy-review", "name": "固定资产投资项目节能审查意见",
     "type_code": type_code(NDRC, 5), "fields": [*P, "annual_energy"]},
    {"code": "soil-water-approval", "name": "水土保持方案审批准予行政许可决定书",
     "type_code": type_code(MWR, 2), "fields": P},
    {"code": "water-intake-permit", "name": "取水许可证",
     "type_code": type_code(MWR, 1), "validity_months": 60,
     "fields": [*P, "water_source", "water_intake"]},
    # 沂南 municipal-facility permits (市政设施建设类)
    {"code": "road-excavation-permit", "name": "占用、挖掘城市道路许可决定书",
     "type_code": type_code(MOHURD, 41), "issuing_department": "yinan-zhifa",
     "fields": [*P, "road_name", "excavation_area", "excavation_start_on", "excavation_end_on"]},
    {"code": "bridge-pipeline-permit", "name": "城市桥梁上架设市政管线许可决定书",
     "type_code": type_code(MOHURD, 42), "issuing_department": "yinan-zhujian",
     "fields": [*P, "bridge_name", "pipeline_type"]},
    {"code": "water-facility-permit", "name": "拆除、改动、迁移供水排水设施审批决定书",
     "type_code": type_code(MOHURD, 43), "issuing_department": "yinan-shuiwu",
     "fields": [*P, "facility_type"]},
    {"code": "road-attachment-permit", "name": "依附城市道路建设管线杆线许可决定书",
     "type_code": type_code(MOHURD, 44), "issuing_department": "yinan-zhujian",
     "fields": [*P, "road_name", "pipeline_type"]},
    {"code": "greenery-decision", "name": "工程建设涉及城市绿地、树木审批决定书",
     "type_code": type_code(MOHURD, 45), "issuing_department": "yinan-zhifa",
     "fields": [*P, "tree_count", "green_area"]},
]  # fmt: skip

# Materials used by several localities (general application form, licences, plans …)
MATERIALS = [
    {"code": "general-application", "name": "工程建设项目审批申请表",
     "fill_instructions": "按阶段“一张表单”填写，由建设单位加盖公章。"},
    {"code": "business-licence", "name": "营业执照（法人证书）", "source_channel": "government",
     "issuing_body": "市场监督管理部门", "description": "已共享的电子证照免于提交。"},
    {"code": "investment-record-doc", "name": "项目备案证明（核准、审批文件）",
     "source_channel": "government", "issuing_body": "发展和改革部门"},
    {"code": "site-location-plan", "name": "项目拟选址位置图（标注用地范围）"},
    {"code": "land-pre-review-doc", "name": "建设项目用地预审与选址意见书",
     "source_channel": "government", "issuing_body": "自然资源和规划部门"},
    {"code": "land-title-doc", "name": "不动产权证书或国有建设用地使用权出让合同",
     "source_channel": "government", "issuing_body": "自然资源和规划部门"},
    {"code": "land-planning-permit-doc", "name": "建设用地规划许可证",
     "source_channel": "government", "issuing_body": "自然资源和规划部门"},
    {"code": "works-planning-permit-doc", "name": "建设工程规划许可证（或规划批准文件）",
     "source_channel": "government", "issuing_body": "自然资源和规划部门"},
    {"code": "design-scheme", "name": "建设工程设计方案（总平面图、建筑单体方案）",
     "source_channel": "intermediary", "issuing_body": "设计单位"},
    {"code": "construction-drawings", "name": "施工图设计文件", "source_channel": "intermediary",
     "issuing_body": "设计单位"},
    {"code": "drawing-review-doc", "name": "施工图设计文件审查合格书",
     "source_channel": "government", "issuing_body": "住房和城乡建设部门"},
    {"code": "civil-defence-drawings", "name": "人防工程施工图设计文件及审查意见",
     "source_channel": "intermediary", "issuing_body": "人防工程设计单位"},
    {"code": "construction-contract", "name": "施工合同及中标通知书（直接发包的除外）"},
    {"code": "supervision-contract", "name": "监理合同（依法应当监理的工程）"},
    {"code": "quality-safety-measures", "name": "保证工程质量和安全的具体措施"},
    {"code": "fund-commitment", "name": "建设资金已经落实承诺书",
     "fill_instructions": "告知承诺：建设单位承诺建设资金已经落实，并对承诺的真实性负责。"},
    {"code": "fire-design-docs", "name": "建设工程消防设计文件", "source_channel": "intermediary",
     "issuing_body": "设计单位"},
    {"code": "eia-report", "name": "建设项目环境影响报告书（表）",
     "source_channel": "intermediary", "issuing_body": "环评编制单位"},
    {"code": "energy-report", "name": "固定资产投资项目节能报告",
     "source_channel": "intermediary", "issuing_body": "节能评估单位"},
    {"code": "soil-water-plan", "name": "生产建设项目水土保持方案报告书（表）",
     "source_channel": "intermediary", "issuing_body": "方案编制单位"},
    {"code": "water-resource-report", "name": "建设项目水资源论证报告书（表）",
     "source_channel": "intermediary", "issuing_body": "论证单位"},
    {"code": "construction-waste-plan", "name": "建筑垃圾处置方案（运输单位、消纳场所）"},
    {"code": "completion-report", "name": "工程竣工验收报告及相关认可文件"},
    {"code": "joint-issuance-commitment", "name": "“十证联发”承诺书",
     "fill_instructions": "承诺取得土地使用权后方可领取证照，未取得的自行承担相应责任。"},
]  # fmt: skip

_PIPES = [
    ("water", "供水"), ("drainage", "排水"), ("gas", "燃气"), ("heat", "热力"),
    ("power", "电力"), ("telecom", "通信"),
]  # fmt: skip

FIELDS = [
    {"key": "project_name", "label": "项目名称", "field_type": FieldType.STRING,
     "max_length": 200, "project_attribute": "name"},
    {"key": "project_address", "label": "建设地点", "field_type": FieldType.STRING,
     "max_length": 200, "project_attribute": "address"},
    {"key": "construction_unit", "label": "建设单位", "field_type": FieldType.STRING,
     "max_length": 200},
    {"key": "construction_unit_uscc", "label": "建设单位统一社会信用代码",
     "field_type": FieldType.USCC},
    {"key": "contact_name", "label": "联系人", "field_type": FieldType.STRING, "max_length": 50},
    {"key": "contact_phone", "label": "联系电话", "field_type": FieldType.PHONE},
    {"key": "investment_project_code", "label": "投资项目代码", "field_type": FieldType.STRING,
     "max_length": 30, "project_attribute": "investment_project_code"},
    {"key": "total_investment", "label": "总投资", "field_type": FieldType.DECIMAL,
     "unit": "万元", "minimum": 0, "project_attribute": "total_investment"},
    {"key": "land_area", "label": "用地面积", "field_type": FieldType.DECIMAL,
     "unit": "平方米", "minimum": 0, "project_attribute": "land_area"},
    {"key": "floor_area", "label": "总建筑面积", "field_type": FieldType.DECIMAL,
     "unit": "平方米", "minimum": 0, "project_attribute": "floor_area"},
    {"key": "road_name", "label": "道路名称及路段", "field_type": FieldType.STRING,
     "max_length": 100},
    {"key": "excavation_length", "label": "挖掘（占用）长度", "field_type": FieldType.DECIMAL,
     "unit": "米", "minimum": 0},
    {"key": "excavation_area", "label": "挖掘（占用）面积", "field_type": FieldType.DECIMAL,
     "unit": "平方米", "minimum": 0},
    {"key": "excavation_start_on", "label": "占用（挖掘）开始日期", "field_type": FieldType.DATE},
    {"key": "excavation_end_on", "label": "占用（挖掘）结束日期", "field_type": FieldType.DATE},
    {"key": "pipeline_type", "label": "管线类型", "field_type": FieldType.MULTI_CHOICE,
     "choices": [{"value": v, "label": label} for v, label in _PIPES]},
    {"key": "pipeline_length", "label": "管线长度", "field_type": FieldType.DECIMAL,
     "unit": "米", "minimum": 0},
    {"key": "bridge_name", "label": "桥梁名称", "field_type": FieldType.STRING, "max_length": 100},
    {"key": "facility_type", "label": "涉及设施类型", "field_type": FieldType.CHOICE,
     "choices": [{"value": "water_supply", "label": "城市公共供水设施"},
                 {"value": "drainage", "label": "城镇排水管网"},
                 {"value": "sewage", "label": "污水处理设施"},
                 {"value": "pumping", "label": "泵站"}]},
    {"key": "tree_count", "label": "涉及树木数量", "field_type": FieldType.INTEGER,
     "unit": "株", "minimum": 0},
    {"key": "green_area", "label": "占用绿地面积", "field_type": FieldType.DECIMAL,
     "unit": "平方米", "minimum": 0},
    {"key": "contract_price", "label": "合同价格", "field_type": FieldType.DECIMAL,
     "unit": "万元", "minimum": 0},
    {"key": "contract_period", "label": "合同工期", "field_type": FieldType.INTEGER,
     "unit": "日历天", "minimum": 1},
    {"key": "construction_contractor", "label": "施工单位", "field_type": FieldType.STRING,
     "max_length": 200},
    {"key": "supervision_unit", "label": "监理单位", "field_type": FieldType.STRING,
     "max_length": 200},
    {"key": "civil_defence_area", "label": "防空地下室建筑面积", "field_type": FieldType.DECIMAL,
     "unit": "平方米", "minimum": 0},
    {"key": "annual_energy", "label": "年综合能源消费量", "field_type": FieldType.DECIMAL,
     "unit": "吨标准煤", "minimum": 0},
    {"key": "water_source", "label": "取水水源", "field_type": FieldType.CHOICE,
     "choices": [{"value": "surface", "label": "地表水"}, {"value": "ground", "label": "地下水"}]},
    {"key": "water_intake", "label": "年取水量", "field_type": FieldType.DECIMAL,
     "unit": "万立方米", "minimum": 0},
]  # fmt: skip

YES_NO = QuestionKind.YES_NO

QUESTIONS = [
    # 沂南 — which of the five municipal-facility matters apply (企业按需选择)
    {"code": "occupies_road", "kind": YES_NO, "order": 10,
     "text": "是否需要占用或挖掘城市道路？"},
    {"code": "pipeline_on_bridge", "kind": YES_NO, "order": 11,
     "text": "是否在城市桥梁上架设市政管线？"},
    {"code": "moves_water_facility", "kind": YES_NO, "order": 12,
     "text": "是否需要拆除、改动、迁移供水、排水与污水处理设施？"},
    {"code": "attaches_to_road", "kind": YES_NO, "order": 13,
     "text": "是否依附城市道路建设管线、杆线等设施？"},
    {"code": "affects_greenery", "kind": YES_NO, "order": 14,
     "text": "是否占用城市绿地或需要砍伐、移植树木？"},
    # 潍坊 / 滨州 / 高明
    {"code": "has_land_use_right", "kind": YES_NO, "order": 20,
     "text": "是否已取得土地使用权？",
     "help_text_zh": "已取得不动产权证书或签订国有建设用地使用权出让合同。"},
    {"code": "civil_defence", "kind": YES_NO, "order": 21,
     "text": "是否涉及人防工程（结合民用建筑修建防空地下室）？"},
    {"code": "needs_eia", "kind": YES_NO, "order": 22,
     "text": "是否需编制环境影响报告书（表）？",
     "help_text_zh": "按《建设项目环境影响评价分类管理名录》，登记表类项目无需审批。"},
    {"code": "energy_over_threshold", "kind": YES_NO, "order": 23,
     "text": "年综合能源消费量是否达到1000吨标准煤（或年电力消费量500万千瓦时）以上？"},
    {"code": "disturbs_soil", "kind": YES_NO, "order": 24,
     "text": "征占地面积是否在0.5公顷以上或挖填土石方总量在1000立方米以上？"},
    {"code": "takes_water", "kind": YES_NO, "order": 25,
     "text": "是否直接从江河、湖泊或地下取用水资源？"},
    {"code": "construction_waste", "kind": YES_NO, "order": 26,
     "text": "是否产生需外运处置的建筑垃圾？"},
    {"code": "key_project", "kind": YES_NO, "order": 27,
     "text": "项目是否列入区年度重点项目库？",
     "help_text_zh": "重点项目纳入联合审批绿色通道，承诺时限再压缩30%。"},
]  # fmt: skip


def yes(question: str) -> dict:
    """The condition "the answer to ``question`` is yes"."""
    return {"q": question, "op": "truthy"}
