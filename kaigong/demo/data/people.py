"""
Organisations and people of the demo: departments (GB/T 2260 regions), service centres with
their windows, enterprises with valid codes, and the demo users with their roles.

Names of people and enterprises are fictitious. Every department that decides a demo matter
has a reviewer and an approver, and every centre has window clerks and a helper, so that the
one-window flow works with three-person separation (DESIGN.md §4 rule 6).
"""

from kaigong.accounts.models import AdminLevel
from kaigong.accounts.roles import Role

from .codes import uscc

YINAN = "371321"  # 山东省临沂市沂南县
WEIFANG = "370700"  # 山东省潍坊市
BINZHOU = "371600"  # 山东省滨州市
GAOMING = "440608"  # 广东省佛山市高明区


def _department(code, name, short_name, level, region, org8):
    return {
        "code": code,
        "name": name,
        "short_name": short_name,
        "level": level,
        "region_code": region,
        "uscc": uscc("11", region, org8),
    }


C, K = AdminLevel.CITY, AdminLevel.COUNTY

DEPARTMENTS = [
    # 沂南县 — authorised one-window acceptance at the county service centre (seeds/000)
    _department("yinan-shenpi", "沂南县行政审批服务局", "县审批局", K, YINAN, "MB28571Q"),
    _department("yinan-zhujian", "沂南县住房和城乡建设局", "县住建局", K, YINAN, "00413021"),
    _department("yinan-zhifa", "沂南县综合行政执法局", "县综合执法局", K, YINAN, "MB2857A3"),
    _department("yinan-jiaojing", "沂南县公安局交通警察大队", "县交警大队", K, YINAN, "00413187"),
    _department("yinan-zrzy", "沂南县自然资源和规划局", "县自然资源局", K, YINAN, "MB2856D8"),
    _department("yinan-shuiwu", "沂南县水务局", "县水务局", K, YINAN, "00413072"),
    # 潍坊市 — 开工直通车 (seeds/001)
    _department("weifang-shenpi", "潍坊市行政审批服务局", "市审批局", C, WEIFANG, "MB1P2875"),
    _department("weifang-zrzy", "潍坊市自然资源和规划局", "市自然资源局", C, WEIFANG, "MB1P3012"),
    _department("weifang-zhujian", "潍坊市住房和城乡建设局", "市住建局", C, WEIFANG, "00429315"),
    _department("weifang-renfang", "潍坊市人民防空办公室", "市人防办", C, WEIFANG, "00429402"),
    _department("weifang-fagai", "潍坊市发展和改革委员会", "市发改委", C, WEIFANG, "MB1P2730"),
    _department("weifang-shengtai", "潍坊市生态环境局", "市生态环境局", C, WEIFANG, "MB1P3161"),
    _department("weifang-chengguan", "潍坊市城市管理局", "市城管局", C, WEIFANG, "00429571"),
    # 滨州市 — 十证联发 and 一般工业项目联合评审 (seeds/002)
    _department("binzhou-shenpi", "滨州市行政审批服务局", "市审批局", C, BINZHOU, "MB1L6620"),
    _department("binzhou-zrzy", "滨州市自然资源和规划局", "市自然资源局", C, BINZHOU, "MB1L6703"),
    _department("binzhou-shengtai", "滨州市生态环境局", "市生态环境局", C, BINZHOU, "MB1L6788"),
    _department("binzhou-fagai", "滨州市发展和改革委员会", "市发改委", C, BINZHOU, "MB1L6541"),
    _department("binzhou-shuili", "滨州市水利局", "市水利局", C, BINZHOU, "00445126"),
    _department("binzhou-zhujian", "滨州市住房和城乡建设局", "市住建局", C, BINZHOU, "00445097"),
    # 佛山市高明区 — 重点项目联合审批绿色通道 (seeds/004)
    _department(
        "gaoming-zsj", "佛山市高明区政务服务数据管理局", "区政数局", K, GAOMING, "MB2C0875"
    ),
    _department("gaoming-fagai", "佛山市高明区发展和改革局", "区发改局", K, GAOMING, "00763018"),
    _department(
        "gaoming-zrzy", "佛山市自然资源局高明分局", "自然资源高明分局", K, GAOMING, "MB2C0931"
    ),
    _department(
        "gaoming-zhujian",
        "佛山市高明区住房城乡建设和水利局",
        "区住建水利局",
        K,
        GAOMING,
        "MB2C0990",
    ),
]

HOURS = "工作日 9:00—12:00，13:30—17:00"

SERVICE_CENTERS = [
    {
        "code": "yinan-center",
        "name": "沂南县政务服务中心",
        "region_code": YINAN,
        "address": "山东省临沂市沂南县政务服务中心",
        "office_hours": HOURS,
        "departments": [d["code"] for d in DEPARTMENTS if d["code"].startswith("yinan-")],
        "windows": [
            ("01", "“高效办成一件事”综合窗口"),
            ("02", "工程建设项目综合受理窗口"),
            ("03", "“项目助手”帮办代办窗口"),
        ],
    },
    {
        "code": "weifang-center",
        "name": "潍坊市政务服务中心",
        "region_code": WEIFANG,
        "address": "山东省潍坊市政务服务中心",
        "office_hours": HOURS,
        "departments": [d["code"] for d in DEPARTMENTS if d["code"].startswith("weifang-")],
        "windows": [
            ("A01", "“开工直通车”综合受理窗口"),
            ("A02", "工程建设项目综合受理窗口"),
            ("A03", "“潍好办”帮代办窗口"),
        ],
    },
    {
        "code": "binzhou-center",
        "name": "滨州市政务服务中心",
        "region_code": BINZHOU,
        "address": "山东省滨州市政务服务中心",
        "office_hours": HOURS,
        "departments": [d["code"] for d in DEPARTMENTS if d["code"].startswith("binzhou-")],
        "windows": [
            ("B01", "“十证联发”综合受理窗口"),
            ("B02", "一般工业项目联合评审窗口"),
            ("B03", "帮办代办窗口"),
        ],
    },
    {
        "code": "gaoming-center",
        "name": "佛山市高明区行政服务中心",
        "region_code": GAOMING,
        "address": "广东省佛山市高明区行政服务中心",
        "office_hours": HOURS,
        "departments": [d["code"] for d in DEPARTMENTS if d["code"].startswith("gaoming-")],
        "windows": [
            ("1", "项目投资建设综合服务窗口（一）"),
            ("2", "项目投资建设综合服务窗口（二）"),
            ("3", "项目投资建设综合服务窗口（三）"),
            ("4", "项目投资建设综合服务窗口（四）"),
            ("5", "重点项目“提前介入”专责窗口"),
        ],
    },
]

# Keyed by a short name the users refer to; the USCC is computed (GB 32100).
ENTERPRISES = {
    "yinan-wenhe": {
        "uscc": uscc("91", YINAN, "MA3C4K7R"),
        "name": "沂南县汶河市政工程有限公司",
        "legal_representative": "孟凡成",
        "contact_name": "孟凡成",
        "address": "山东省临沂市沂南县界湖街道",
    },
    "yinan-donggaozhuang": {
        # rule: N2 = 村级集体经济组织 (GB 32100-2015; docs/legal.md#gb-32100)
        "uscc": uscc("N2", YINAN, "MF0A3U15"),
        "name": "沂南县界湖街道东高庄村股份经济合作社",
        "legal_representative": "高玉田",
        "contact_name": "高玉田",
        "address": "山东省临沂市沂南县界湖街道东高庄村",
    },
    "weifang-yuandu": {
        "uscc": uscc("91", "370702", "MA3N8B2X"),
        "name": "潍坊鸢都置业有限公司",
        "legal_representative": "王建华",
        "contact_name": "李晓梅",
        "address": "山东省潍坊市潍城区",
    },
    "binzhou-bohai": {
        "uscc": uscc("91", "371602", "MA3R6F0D"),
        "name": "滨州渤海新材料科技有限公司",
        "legal_representative": "刘海涛",
        "contact_name": "张振宇",
        "address": "山东省滨州市滨城区",
    },
    # an intermediary agency (中介机构) of the 滨州 中介超市
    "binzhou-huanke": {
        "uscc": uscc("91", "371602", "MA3T2H6E"),
        "name": "滨州环科环境咨询有限公司",
        "legal_representative": "马建军",
        "contact_name": "马建军",
        "address": "山东省滨州市滨城区黄河五路",
    },
    "binzhou-tianyuan": {
        "uscc": uscc("91", "371602", "MA3U4K8P"),
        "name": "滨州天元工程咨询有限公司",
        "legal_representative": "孙立华",
        "contact_name": "孙立华",
        "address": "山东省滨州市滨城区渤海七路",
    },
    "binzhou-lvjian": {
        "uscc": uscc("91", "371603", "MA3W6N2Q"),
        "name": "滨州绿建节能科技有限公司",
        "legal_representative": "吴海燕",
        "contact_name": "吴海燕",
        "address": "山东省滨州市沾化区",
    },
    "gaoming-cangjiang": {
        "uscc": uscc("91", GAOMING, "MA4W2Y8K"),
        "name": "佛山沧江新材料有限公司",
        "legal_representative": "邓志坚",
        "contact_name": "邓志坚",
        "address": "广东省佛山市高明区沧江工业园",
    },
}

PLATFORM, CENTER, DEPT, ENTERPRISE = "platform", "service_center", "department", "enterprise"

# (username, full name, role, scope kind, scope key, is_staff)
USERS = [
    # platform-wide
    ("kaigong_catalog_admin", "周文博", Role.CATALOG_ADMIN, PLATFORM, None, True),
    ("kaigong_supervisor", "郑雅琴", Role.SUPERVISOR, PLATFORM, None, True),
    # applicants (建设单位经办人)
    ("yinan_applicant", "孟凡成", Role.APPLICANT, ENTERPRISE, "yinan-wenhe", False),
    ("yinan_village_applicant", "高玉田", Role.APPLICANT, ENTERPRISE, "yinan-donggaozhuang", False),
    ("weifang_applicant", "李晓梅", Role.APPLICANT, ENTERPRISE, "weifang-yuandu", False),
    ("binzhou_applicant", "张振宇", Role.APPLICANT, ENTERPRISE, "binzhou-bohai", False),
    ("gaoming_applicant", "邓志坚", Role.APPLICANT, ENTERPRISE, "gaoming-cangjiang", False),
    # service centres: window clerks (综合窗口) and helpers (帮办代办)
    ("yinan_clerk", "王晓燕", Role.WINDOW_CLERK, CENTER, "yinan-center", False),
    ("yinan_clerk2", "刘婷", Role.WINDOW_CLERK, CENTER, "yinan-center", False),
    ("yinan_helper", "张志强", Role.HELPER, CENTER, "yinan-center", False),
    ("yinan_centre_admin", "陈立新", Role.CENTRE_ADMIN, CENTER, "yinan-center", False),
    ("binzhou_callback", "王芳", Role.CALLBACK_AGENT, CENTER, "binzhou-center", False),
    ("binzhou_agency", "马建军", Role.INTERMEDIARY, ENTERPRISE, "binzhou-huanke", False),
    ("binzhou_agency2", "孙立华", Role.INTERMEDIARY, ENTERPRISE, "binzhou-tianyuan", False),
    ("binzhou_agency3", "吴海燕", Role.INTERMEDIARY, ENTERPRISE, "binzhou-lvjian", False),
    ("binzhou_centre_admin", "刘建平", Role.CENTRE_ADMIN, CENTER, "binzhou-center", False),
    ("weifang_clerk", "孙丽娜", Role.WINDOW_CLERK, CENTER, "weifang-center", False),
    ("weifang_helper", "韩冬", Role.HELPER, CENTER, "weifang-center", False),
    # 潍坊 "濰好辦": helpers at three levels (市/县/镇) form the 专班 of a key project
    ("weifang_helper_county", "潘志刚", Role.HELPER, CENTER, "weifang-center", False),
    ("weifang_helper_town", "曲晓燕", Role.HELPER, CENTER, "weifang-center", False),
    ("binzhou_clerk", "杜娟", Role.WINDOW_CLERK, CENTER, "binzhou-center", False),
    ("binzhou_helper", "宋建华", Role.HELPER, CENTER, "binzhou-center", False),
    ("gaoming_clerk", "梁嘉欣", Role.WINDOW_CLERK, CENTER, "gaoming-center", False),
    ("gaoming_helper", "何志鹏", Role.HELPER, CENTER, "gaoming-center", False),
    # 沂南 departments (受审分离、审勘分离: reviewer, approver and inspector are different people)
    ("yinan_zhifa_reviewer", "孙立军", Role.REVIEWER, DEPT, "yinan-zhifa", False),
    ("yinan_zhifa_approver", "高建国", Role.APPROVER, DEPT, "yinan-zhifa", False),
    ("yinan_zhifa_inspector", "陈涛", Role.INSPECTOR, DEPT, "yinan-zhifa", False),
    # 行政许可法 art. 34: two inspectors verify on site (the 云踏勘 demo, kaigong/inspections)
    ("yinan_zhifa_inspector2", "刘文博", Role.INSPECTOR, DEPT, "yinan-zhifa", False),
    ("yinan_zhifa_head", "王振华", Role.DEPARTMENT_HEAD, DEPT, "yinan-zhifa", False),
    ("yinan_zhifa_expert", "周海涛", Role.EXPERT, DEPT, "yinan-zhifa", False),
    ("yinan_zhujian_reviewer", "赵明", Role.REVIEWER, DEPT, "yinan-zhujian", False),
    ("yinan_zhujian_approver", "李国庆", Role.APPROVER, DEPT, "yinan-zhujian", False),
    ("yinan_zhujian_inspector", "徐鹏", Role.INSPECTOR, DEPT, "yinan-zhujian", False),
    ("yinan_shuiwu_reviewer", "马丽", Role.REVIEWER, DEPT, "yinan-shuiwu", False),
    ("yinan_shuiwu_approver", "刘洪波", Role.APPROVER, DEPT, "yinan-shuiwu", False),
    # 沂南 政策入企 is led by the county 审批局 (seeds/000); the 9-person 专家咨询团队 of
    # 公安、住建、行政审批 … (seeds/000, "1+1+N"): yinan_zhifa_expert above and these eight
    ("yinan_shenpi_head", "张立国", Role.DEPARTMENT_HEAD, DEPT, "yinan-shenpi", False),
    ("yinan_shenpi_expert", "李文静", Role.EXPERT, DEPT, "yinan-shenpi", False),
    ("yinan_shenpi_expert2", "王建军", Role.EXPERT, DEPT, "yinan-shenpi", False),
    ("yinan_zhujian_expert", "刘建华", Role.EXPERT, DEPT, "yinan-zhujian", False),
    ("yinan_zhujian_expert2", "孙海燕", Role.EXPERT, DEPT, "yinan-zhujian", False),
    ("yinan_jiaojing_expert", "赵永刚", Role.EXPERT, DEPT, "yinan-jiaojing", False),
    ("yinan_zrzy_expert", "钱志远", Role.EXPERT, DEPT, "yinan-zrzy", False),
    ("yinan_shuiwu_expert", "吴春梅", Role.EXPERT, DEPT, "yinan-shuiwu", False),
    ("yinan_zhifa_expert2", "郑丽", Role.EXPERT, DEPT, "yinan-zhifa", False),
    # 潍坊
    ("weifang_shenpi_reviewer", "王静", Role.REVIEWER, DEPT, "weifang-shenpi", False),
    ("weifang_shenpi_approver", "张伟", Role.APPROVER, DEPT, "weifang-shenpi", False),
    ("weifang_zrzy_reviewer", "刘洋", Role.REVIEWER, DEPT, "weifang-zrzy", False),
    ("weifang_zrzy_approver", "陈刚", Role.APPROVER, DEPT, "weifang-zrzy", False),
    ("weifang_zhujian_reviewer", "李娜", Role.REVIEWER, DEPT, "weifang-zhujian", False),
    ("weifang_zhujian_approver", "杨帆", Role.APPROVER, DEPT, "weifang-zhujian", False),
    ("weifang_renfang_reviewer", "赵磊", Role.REVIEWER, DEPT, "weifang-renfang", False),
    ("weifang_renfang_approver", "周勇", Role.APPROVER, DEPT, "weifang-renfang", False),
    ("weifang_fagai_reviewer", "吴敏", Role.REVIEWER, DEPT, "weifang-fagai", False),
    ("weifang_fagai_approver", "郑浩", Role.APPROVER, DEPT, "weifang-fagai", False),
    ("weifang_shengtai_reviewer", "孙颖", Role.REVIEWER, DEPT, "weifang-shengtai", False),
    ("weifang_shengtai_approver", "胡斌", Role.APPROVER, DEPT, "weifang-shengtai", False),
    ("weifang_chengguan_reviewer", "朱琳", Role.REVIEWER, DEPT, "weifang-chengguan", False),
    ("weifang_chengguan_approver", "郭强", Role.APPROVER, DEPT, "weifang-chengguan", False),
    # 滨州
    ("binzhou_shenpi_reviewer", "林晓", Role.REVIEWER, DEPT, "binzhou-shenpi", False),
    ("binzhou_shenpi_approver", "何军", Role.APPROVER, DEPT, "binzhou-shenpi", False),
    ("binzhou_zrzy_reviewer", "高翔", Role.REVIEWER, DEPT, "binzhou-zrzy", False),
    ("binzhou_zrzy_approver", "罗平", Role.APPROVER, DEPT, "binzhou-zrzy", False),
    ("binzhou_shengtai_reviewer", "梁艳", Role.REVIEWER, DEPT, "binzhou-shengtai", False),
    ("binzhou_shengtai_approver", "谢峰", Role.APPROVER, DEPT, "binzhou-shengtai", False),
    ("binzhou_fagai_reviewer", "宋佳", Role.REVIEWER, DEPT, "binzhou-fagai", False),
    ("binzhou_fagai_approver", "唐亮", Role.APPROVER, DEPT, "binzhou-fagai", False),
    ("binzhou_shuili_reviewer", "韩雪", Role.REVIEWER, DEPT, "binzhou-shuili", False),
    ("binzhou_shuili_approver", "冯涛", Role.APPROVER, DEPT, "binzhou-shuili", False),
    ("binzhou_zhujian_reviewer", "董芳", Role.REVIEWER, DEPT, "binzhou-zhujian", False),
    ("binzhou_zhujian_approver", "曹磊", Role.APPROVER, DEPT, "binzhou-zhujian", False),
    # 高明
    ("gaoming_fagai_reviewer", "陈嘉慧", Role.REVIEWER, DEPT, "gaoming-fagai", False),
    ("gaoming_fagai_approver", "黄伟强", Role.APPROVER, DEPT, "gaoming-fagai", False),
    ("gaoming_zrzy_reviewer", "李志明", Role.REVIEWER, DEPT, "gaoming-zrzy", False),
    ("gaoming_zrzy_approver", "梁国华", Role.APPROVER, DEPT, "gaoming-zrzy", False),
    ("gaoming_zhujian_reviewer", "罗丽贞", Role.REVIEWER, DEPT, "gaoming-zhujian", False),
    ("gaoming_zhujian_approver", "何永坚", Role.APPROVER, DEPT, "gaoming-zhujian", False),
]

CATALOG_ADMIN_USERNAME = "kaigong_catalog_admin"
