"""The petition window's part of seed_demo: its officer (demo account ``petition``)."""

from __future__ import annotations

from centre.demo import DemoContext, register
from centre.models import Department, Window
from centre.services import staff_create


@register(27)
def seed(context: DemoContext) -> None:
    from django.conf import settings

    context.users["petition"] = staff_create(
        username="petition",
        password=settings.DEMO_PASSWORD,
        full_name="沈立群",
        roles=["petition_officer"],
        county=context.county,
        department=Department.objects.filter(county=context.county, name="县信访局").first(),
        window=Window.objects.filter(code="petition").first(),
        title="信访接待员",
    )
