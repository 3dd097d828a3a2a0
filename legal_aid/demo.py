"""The legal-aid window's part of seed_demo: its officer (demo account ``legalaid``) and
a registry of those it may assign."""

from __future__ import annotations

from centre.demo import DemoContext, register, window_officer
from legal_aid.models import Provider

PROVIDERS = [
    (
        Provider.Kind.LAWYER,
        "周明远",
        "浙江昌硕律师事务所",
        "13305201010234561",
        "劳动争议、婚姻家庭",
    ),
    (
        Provider.Kind.LAWYER,
        "吴佳怡",
        "浙江安吉竹乡律师事务所",
        "13305201810456782",
        "交通事故、人身损害",
    ),
    (Provider.Kind.STAFF, "钱晓峰", "安吉县法律援助中心", "", "刑事辩护、法律咨询"),
    (
        Provider.Kind.GRASSROOTS,
        "孙美华",
        "递铺街道法律服务所",
        "330523012015",
        "相邻关系、合同纠纷",
    ),
]


@register(28)
def seed(context: DemoContext) -> None:
    window_officer(
        context,
        username="legalaid",
        full_name="郑思源",
        role="legal_aid_officer",
        window="legal_aid",
        title="法律援助审查员",
    )
    for kind, name, organisation, licence, specialties in PROVIDERS:
        Provider.objects.update_or_create(
            county=context.county,
            organisation=organisation,
            name=name,
            defaults={
                "kind": kind,
                "licence_number": licence,
                "specialties": specialties,
                "phone": "0572-5100000",
            },
        )
