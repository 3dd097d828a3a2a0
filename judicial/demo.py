"""Judicial's part of seed_demo: Anji's basic people's court, its judge and clerk."""

from __future__ import annotations

from centre.demo import DemoContext, register
from centre.models import Department
from centre.services import staff_create
from judicial.models import Court


@register(25)
def seed(context: DemoContext) -> None:
    from django.conf import settings

    court, _ = Court.objects.update_or_create(
        county=context.county,
        name="安吉县人民法院",
        defaults={
            "code": "浙0523",
            "is_default": True,
            "address": "浙江省湖州市安吉县递铺街道（示例地址）",
            "phone": "0572-5200000",
        },
    )
    judge = context.users.get("judge")
    clerk = staff_create(
        username="courtclerk",
        password=settings.DEMO_PASSWORD,
        full_name="何雯",
        roles=["court_clerk"],
        county=context.county,
        department=Department.objects.filter(county=context.county, name="县人民法院").first(),
        title="法院书记员",
    )
    context.users["courtclerk"] = clerk
    if judge is not None:
        court.judges.add(judge)
        court.president = judge  # the demo judge also approves extensions
        court.save(update_fields=["president"])
    court.clerks.add(clerk)
