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


@register(29)
def seed_cases(context: DemoContext) -> None:
    """A wage-arrears complaint opened with an order to pay, and a labour dispute whose
    arbitration was accepted."""
    from datetime import timedelta

    from django.utils import timezone

    from intake import workflow
    from intake.demo import demo_case, demo_resident_id
    from intake.models import Case

    clerk = context.users.get("clerk")
    inspector, arbitrator = context.users.get("inspector"), context.users.get("arbitrator")
    if clerk is None or inspector is None or arbitrator is None:
        return
    employer = ("respondent", "organisation", "安吉某建筑劳务有限公司", "91330523MA2D7K8L34", "")
    summary = "递铺街道某工地拖欠12名农民工2026年9月至11月工资"
    if not Case.objects.filter(county=context.county, summary=summary).exists():
        case = demo_case(
            context,
            actor=clerk,
            nature=Case.Nature.LABOUR,
            category="0601",
            region="330523107201",
            summary=summary,
            involved_count=12,
            amount="186000.00",
            parties=[
                (
                    "applicant",
                    "person",
                    "刘建军",
                    demo_resident_id("342422", "19760305", "157"),
                    "15205721234",
                ),
                employer,
            ],
        )
        number = case.number
        workflow.fire(
            actor=clerk,
            number=number,
            name="triage",
            data={"window": "labour", "note": "欠薪投诉，由劳动保障监察处理"},
        )
        workflow.fire(
            actor=inspector,
            number=number,
            name="labour_inspection_accept",
            data={"workers": 12, "owed_amount": "186000.00"},
        )
        workflow.fire(
            actor=inspector,
            number=number,
            name="labour_inspection_order",
            data={
                "kind": "pay",
                "items": "拖欠12名劳动者2026年9月至11月工资共计186000元",
                "amount": "186000.00",
                "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
            },
        )
    dispute = "解除劳动合同未支付经济补偿，申请劳动争议仲裁"
    if not Case.objects.filter(county=context.county, summary=dispute).exists():
        case = demo_case(
            context,
            actor=clerk,
            nature=Case.Nature.DISPUTE,
            category="0501",
            region="330523107201",
            summary=dispute,
            amount="24000.00",
            parties=[
                (
                    "applicant",
                    "person",
                    "吴海燕",
                    demo_resident_id("330523", "19910716", "362"),
                    "13819203344",
                ),
                employer,
            ],
        )
        number = case.number
        workflow.fire(actor=clerk, number=number, name="triage", data={"window": "labour"})
        workflow.fire(
            actor=clerk,
            number=number,
            name="labour_arbitration_apply",
            data={"claims": "支付解除劳动合同经济补偿24000元", "kind": "pay", "amount": "24000"},
        )
        chair = Arbitrator.objects.filter(county=context.county, is_chair=True).first()
        if chair is not None:
            workflow.fire(
                actor=arbitrator,
                number=number,
                name="labour_arbitration_accept",
                data={"arbitrators": [chair.pk], "presiding": chair.pk},
            )
