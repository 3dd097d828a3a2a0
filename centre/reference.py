"""Reference data every database has from its first ``migrate``: the six windows, whose
codes are a public contract (DESIGN.md). Names and descriptions stay editable."""

WINDOWS = [
    ("petition", "接访服务", "信访局：对干部作风、政策诉求的投诉，重复信访"),
    ("litigation", "诉讼服务", "人民法院：诉前调解、司法确认、立案"),
    (
        "mediation",
        "调解服务",
        "司法局及人民调解、行业性专业性调解组织：邻里、婚姻家庭、土地、交通、医疗、物业、消费等纠纷",
    ),
    ("labour", "劳动监察仲裁", "人社局：欠薪、劳动合同、工伤赔偿"),
    ("review", "行政复议", "司法局（行政复议机构）：对行政行为不服"),
    ("legal_aid", "公共法律服务", "司法局、法律援助中心：法律咨询、法律援助申请"),
]

# English names (Window.name_en), by code; administrators may change them in the admin.
WINDOW_NAMES_EN = {
    "petition": "Petition reception services",
    "litigation": "Litigation services",
    "mediation": "Mediation services",
    "labour": "Labour inspection and arbitration",
    "review": "Administrative reconsideration",
    "legal_aid": "Public legal services",
}
