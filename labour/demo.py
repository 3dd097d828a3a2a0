"""The labour window's part of seed_demo: its inspector and arbitrator (demo accounts
``inspector`` and ``arbitrator``), the commission's arbitrators and the local minimum wage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from centre.demo import DemoContext, register, window_officer
from labour.models import Arbitrator, MinimumWage

ARBITRATORS = [("赵启明", True, True, "劳动合同、工伤"), ("孙丽萍", True, False, "欠薪、社会保险")]


@register(27)
def seed(context: DemoContext) -> None:
    window_officer(
        context,
        username="inspector",
        full_name="严浩",
        role="labour_inspector",
        window="labour",
        title="劳动保障监察员",
    )
    user = window_officer(
        context,
        username="arbitrator",
        full_name="赵启明",
        role="arbitrator",
        window="labour",
        title="专职仲裁员",
    )
    for name, full_time, chair, specialties in ARBITRATORS:
        Arbitrator.objects.update_or_create(
            county=context.county,
            name=name,
            defaults={
                "full_time": full_time,
                "is_chair": chair,
                "specialties": specialties,
                "user": user if name == "赵启明" else None,
            },
        )
    # 浙江省 2025年起执行的第二档月最低工资标准（示例：以省政府公布为准，管理后台可改）.
    MinimumWage.objects.get_or_create(
        county=context.county,
        effective_from=date(2025, 3, 1),
        defaults={
            "monthly": Decimal("2290.00"),
            "source": "浙江省人民政府关于调整最低工资标准的通知（示例）",
        },
    )
