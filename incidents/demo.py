"""The incident command's part of seed_demo: the command room of 递铺街道 (``towncmd``) and
a handler at the county's human resources and social security bureau (``dept``)."""

from __future__ import annotations

from django.conf import settings

from centre.demo import DemoContext, register

TOWN_CODE = "330523001"  # 递铺街道 (centre.demo_data.TOWNS)
DEPARTMENT = "县人力资源和社会保障局"


@register(27)
def seed(context: DemoContext) -> None:
    from centre.models import Department, Region
    from centre.services import staff_create

    context.users["towncmd"] = staff_create(
        username="towncmd",
        password=settings.DEMO_PASSWORD,
        full_name="沈国平",
        roles=["town_dispatcher"],
        county=context.county,
        region=Region.objects.filter(county=context.county, code=TOWN_CODE).first(),
        title="递铺街道社会治理中心调度员",
    )
    context.users["dept"] = staff_create(
        username="dept",
        password=settings.DEMO_PASSWORD,
        full_name="潘晓东",
        roles=["department_handler"],
        county=context.county,
        department=Department.objects.filter(county=context.county, name=DEPARTMENT).first(),
        title="劳动保障监察科科员",
    )
