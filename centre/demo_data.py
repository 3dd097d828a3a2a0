"""Demo data: Anji county (安吉县, 330523), the model centre Zhejiang built from 2019.

Town codes follow the 统计用区划代码 layout (county code + 3 digits: 0xx 街道, 1xx 镇,
2xx 乡); village and grid codes below them are illustrative for the demo. A real
deployment loads its own from the statistics bureau's list through the admin.
"""

COUNTY = {
    "code": "330523",
    "name": "安吉县",
    "city_name": "湖州市",
    "province_name": "浙江省",
    "centre_name": "安吉县社会矛盾纠纷调处化解中心",
    "address": "浙江省湖州市安吉县递铺街道昌硕东路1号（示例地址）",
    "phone": "0572-5123456",
}

# (code, name, [(village code, village name, [grid names])])
TOWNS = [
    (
        "330523001",
        "递铺街道",
        [
            ("330523001001", "阳光社区", ["第一网格", "第二网格"]),
            ("330523001201", "鲁家村", ["第一网格", "第二网格", "第三网格"]),
        ],
    ),
    ("330523002", "昌硕街道", [("330523002001", "城北社区", ["第一网格", "第二网格"])]),
    (
        "330523003",
        "灵峰街道",
        [
            ("330523003201", "横山坞村", ["第一网格"]),
            ("330523003202", "剑山村", ["第一网格"]),
        ],
    ),
    ("330523004", "孝源街道", []),
    ("330523101", "天子湖镇", [("330523101201", "高禹村", ["第一网格", "第二网格"])]),
    ("330523102", "鄣吴镇", []),
    ("330523103", "杭垓镇", []),
    ("330523104", "孝丰镇", [("330523104201", "横溪坞村", ["第一网格"])]),
    ("330523105", "报福镇", []),
    ("330523106", "章村镇", []),
    (
        "330523107",
        "天荒坪镇",
        [
            ("330523107201", "余村村", ["第一网格", "第二网格"]),
            ("330523107202", "大溪村", ["第一网格"]),
        ],
    ),
    ("330523108", "梅溪镇", []),
    ("330523201", "溪龙乡", [("330523201201", "黄杜村", ["第一网格", "第二网格"])]),
    ("330523202", "上墅乡", []),
    ("330523203", "山川乡", []),
]

# English names of the towns (Region.name_en): pinyin, as on the county's road signs.
TOWN_NAMES_EN = {
    "330523001": "Dipu Subdistrict",
    "330523002": "Changshuo Subdistrict",
    "330523003": "Lingfeng Subdistrict",
    "330523004": "Xiaoyuan Subdistrict",
    "330523101": "Tianzihu Town",
    "330523102": "Zhangwu Town",
    "330523103": "Hangai Town",
    "330523104": "Xiaofeng Town",
    "330523105": "Baofu Town",
    "330523106": "Zhangcun Town",
    "330523107": "Tianhuangping Town",
    "330523108": "Meixi Town",
    "330523201": "Xilong Township",
    "330523202": "Shangshu Township",
    "330523203": "Shanchuan Township",
}

# (name, window code or None)
DEPARTMENTS = [
    ("县矛调中心综合受理窗口", None),
    ("县信访局", "petition"),
    ("县人民法院", "litigation"),
    ("县司法局", "mediation"),
    ("县人民调解委员会", "mediation"),
    ("县人力资源和社会保障局", "labour"),
    ("县劳动人事争议仲裁院", "labour"),
    ("县行政复议局", "review"),
    ("县法律援助中心", "legal_aid"),
    ("县公安局", None),
    ("县委政法委", None),
    ("县矛调中心信息科", None),
]

# Two levels: (code, name, [(code, name)]). Codes are stable for statistics.
CATEGORIES = [
    ("01", "婚姻家庭", [("0101", "离婚纠纷"), ("0102", "赡养抚养纠纷"), ("0103", "继承纠纷")]),
    ("02", "邻里纠纷", [("0201", "相邻关系"), ("0202", "宅基地纠纷"), ("0203", "噪音扰民")]),
    ("03", "土地山林", [("0301", "土地承包经营"), ("0302", "山林权属"), ("0303", "竹林流转")]),
    ("04", "征地拆迁", [("0401", "征地补偿"), ("0402", "房屋拆迁安置")]),
    ("05", "劳动争议", [("0501", "劳动合同"), ("0502", "工伤赔偿"), ("0503", "社会保险")]),
    ("06", "欠薪", [("0601", "农民工工资"), ("0602", "企业欠薪")]),
    ("07", "交通事故", [("0701", "人身损害赔偿"), ("0702", "财产损失")]),
    ("08", "医疗纠纷", [("0801", "医疗损害"), ("0802", "医患沟通")]),
    ("09", "物业纠纷", [("0901", "物业服务"), ("0902", "物业费")]),
    ("10", "消费纠纷", [("1001", "商品质量"), ("1002", "预付卡退费"), ("1003", "旅游消费")]),
    ("11", "合同纠纷", [("1101", "买卖合同"), ("1102", "民间借贷"), ("1103", "建设工程")]),
    ("12", "涉企纠纷", [("1201", "企业间债务"), ("1202", "企业与村民")]),
    ("13", "信访投诉", [("1301", "干部作风"), ("1302", "政策诉求"), ("1303", "重复信访")]),
    ("14", "法律咨询", [("1401", "民事咨询"), ("1402", "法律援助申请")]),
    ("15", "行政争议", [("1501", "行政处罚"), ("1502", "行政许可")]),
    ("16", "损害赔偿", [("1601", "人身损害"), ("1602", "财产损害")]),
    ("99", "其他纠纷", []),
]

# English names of the categories (Category.name_en), by code.
CATEGORY_NAMES_EN = {
    "01": "Marriage and family",
    "0101": "Divorce",
    "0102": "Support of parents or children",
    "0103": "Inheritance",
    "02": "Neighbour disputes",
    "0201": "Adjoining property",
    "0202": "Homestead land",
    "0203": "Noise nuisance",
    "03": "Land and forests",
    "0301": "Land contract management",
    "0302": "Forest ownership",
    "0303": "Bamboo forest transfer",
    "04": "Land requisition and demolition",
    "0401": "Requisition compensation",
    "0402": "Demolition and resettlement",
    "05": "Labour disputes",
    "0501": "Labour contracts",
    "0502": "Work injury compensation",
    "0503": "Social insurance",
    "06": "Wage arrears",
    "0601": "Migrant workers' wages",
    "0602": "Unpaid wages by employers",
    "07": "Traffic accidents",
    "0701": "Personal injury compensation",
    "0702": "Property damage",
    "08": "Medical disputes",
    "0801": "Medical malpractice",
    "0802": "Doctor-patient communication",
    "09": "Property management",
    "0901": "Property services",
    "0902": "Property fees",
    "10": "Consumer disputes",
    "1001": "Product quality",
    "1002": "Prepaid card refunds",
    "1003": "Travel services",
    "11": "Contract disputes",
    "1101": "Sales contracts",
    "1102": "Private lending",
    "1103": "Construction projects",
    "12": "Business disputes",
    "1201": "Debts between businesses",
    "1202": "Businesses and villagers",
    "13": "Petitions and complaints",
    "1301": "Conduct of officials",
    "1302": "Policy demands",
    "1303": "Repeat petitions",
    "14": "Legal consultation",
    "1401": "Civil law consultation",
    "1402": "Legal aid applications",
    "15": "Administrative disputes",
    "1501": "Administrative penalties",
    "1502": "Administrative licensing",
    "16": "Damages",
    "1601": "Personal injury",
    "1602": "Property damage",
    "99": "Other disputes",
}

# (username, full name, roles, department name, window code, region code, title)
USERS = [
    ("clerk", "王晓燕", ["clerk"], "县矛调中心综合受理窗口", None, None, "窗口受理员"),
    ("mediator", "陈建国", ["mediator"], "县人民调解委员会", "mediation", None, "首席调解员"),
    ("mediator2", "李秀兰", ["mediator"], "县人民调解委员会", "mediation", None, "一级调解员"),
    ("judge", "张志明", ["judge"], "县人民法院", "litigation", None, "员额法官"),
    ("supervisor", "刘海峰", ["supervisor"], "县矛调中心综合受理窗口", None, None, "值班长"),
    ("leader", "赵卫东", ["leader"], "县委政法委", None, None, "县委常委、政法委书记"),
    ("grid", "周丽萍", ["grid_worker"], None, None, "330523001001001", "专职网格员"),
    ("sysadmin", "孙浩", ["sysadmin"], "县矛调中心信息科", None, None, "系统管理员"),
    ("secadmin", "吴敏", ["secadmin"], "县矛调中心信息科", None, None, "安全管理员"),
    ("auditor", "郑琳", ["auditor"], "县矛调中心信息科", None, None, "安全审计员"),
]

# The other counties of 湖州市, for ``seed_demo --counties N`` (a city's figures at scale):
# (code, name, share of the city's cases, [(town code, town name)]). Shares follow the
# resident population (第七次全国人口普查, in ten thousands: 吴兴 ~ 68, 南浔 ~ 54, 德清 ~ 55,
# 长兴 ~ 68, 安吉 ~ 59); town codes are illustrative, in the layout above.
CITY_COUNTIES = [
    (
        "330502",
        "吴兴区",
        68,
        [
            ("330502001", "月河街道"),
            ("330502002", "朝阳街道"),
            ("330502003", "爱山街道"),
            ("330502004", "飞英街道"),
            ("330502005", "龙泉街道"),
            ("330502101", "织里镇"),
            ("330502102", "八里店镇"),
            ("330502103", "妙西镇"),
            ("330502104", "埭溪镇"),
            ("330502105", "东林镇"),
        ],
    ),
    (
        "330503",
        "南浔区",
        54,
        [
            ("330503001", "旧馆街道"),
            ("330503101", "南浔镇"),
            ("330503102", "双林镇"),
            ("330503103", "练市镇"),
            ("330503104", "善琏镇"),
            ("330503105", "菱湖镇"),
            ("330503106", "和孚镇"),
            ("330503107", "千金镇"),
            ("330503108", "石淙镇"),
        ],
    ),
    (
        "330521",
        "德清县",
        55,
        [
            ("330521001", "武康街道"),
            ("330521002", "舞阳街道"),
            ("330521003", "阜溪街道"),
            ("330521004", "下渚湖街道"),
            ("330521101", "乾元镇"),
            ("330521102", "新市镇"),
            ("330521103", "洛舍镇"),
            ("330521104", "钟管镇"),
            ("330521105", "禹越镇"),
            ("330521106", "新安镇"),
            ("330521107", "雷甸镇"),
            ("330521108", "莫干山镇"),
        ],
    ),
    (
        "330522",
        "长兴县",
        68,
        [
            ("330522001", "雉城街道"),
            ("330522002", "太湖街道"),
            ("330522003", "龙山街道"),
            ("330522004", "画溪街道"),
            ("330522101", "洪桥镇"),
            ("330522102", "李家巷镇"),
            ("330522103", "夹浦镇"),
            ("330522104", "林城镇"),
            ("330522105", "泗安镇"),
            ("330522106", "和平镇"),
            ("330522107", "虹星桥镇"),
            ("330522108", "煤山镇"),
            ("330522109", "小浦镇"),
            ("330522201", "水口乡"),
            ("330522202", "吕山乡"),
        ],
    ),
]
# 安吉县's own share, beside the others'.
COUNTY_SHARE = 59
# The city's leader (市委政法委), reading every county of the city side by side.
CITY_LEADER = ("city_leader", "钱国平", ["leader"], "县委政法委", None, None, "市委政法委副书记")
