"""Intake's part of ``manage.py seed_demo``: triage rules and a few cases to look at."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum.cn import ric, uscc

from centre import demo_data, tokens
from centre.demo import DemoContext, register
from centre.models import Category, County, Region, Window
from intake import services, workflow
from intake.models import Case, CaseParty, Party, TriageRule

# (nature, category code, window code, mediation kind, note)
TRIAGE_RULES = [
    (
        "dispute",
        "01",
        "mediation",
        "family",
        "婚姻家庭纠纷由妇联、司法所联合的婚姻家庭调解委员会调解",
    ),
    ("dispute", "03", "mediation", "land", "土地山林纠纷由乡镇调委会会同林业站调解"),
    ("dispute", "05", "labour", "labour", "劳动争议先由劳动争议调解组织调解"),
    ("dispute", "06", "labour", "labour", "欠薪由劳动保障监察处理"),
    ("dispute", "07", "mediation", "traffic", "交通事故损害赔偿由交通事故纠纷人民调解委员会调解"),
    ("dispute", "08", "mediation", "medical", "医疗纠纷由医疗纠纷人民调解委员会调解"),
    ("dispute", "09", "mediation", "property", "物业纠纷由物业纠纷调解委员会调解"),
    ("dispute", "10", "mediation", "consumer", "消费纠纷由消费者权益保护委员会调解"),
    ("dispute", "11", "mediation", "commercial", "合同纠纷由商事调解组织调解"),
    ("dispute", "12", "mediation", "commercial", "涉企纠纷由商会调解委员会调解"),
    ("petition", "13", "petition", "", "信访投诉由县信访局接待"),
]


def demo_resident_id(region: str, birth: str, serial: str) -> str:
    body = f"{region}{birth}{serial}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def _credit_code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


# Fictional residents with well-formed (not real) numbers.
DEMO_CASES = [
    {
        "nature": "dispute",
        "category": "0201",
        "region": "330523107201",
        "summary": "邻居加建围墙占用通道，双方发生争执",
        "parties": [
            (
                "applicant",
                "person",
                "张建华",
                demo_resident_id("330523", "19650412", "123"),
                "13957212345",
            ),
            (
                "respondent",
                "person",
                "李国强",
                demo_resident_id("330523", "19700815", "211"),
                "13857298765",
            ),
        ],
    },
    {
        "nature": "dispute",
        "category": "0601",
        "region": "330523101201",
        "summary": "12名工人被拖欠2026年9月至11月工资",
        "involved_count": 12,
        "amount": "186000",
        "parties": [
            (
                "applicant",
                "person",
                "王小明",
                demo_resident_id("510321", "19880903", "331"),
                "18657211234",
            ),
            (
                "respondent",
                "organisation",
                "安吉某某竹木制品有限公司",
                _credit_code("91330523MA2B3C4D5"),
                "0572-5551234",
            ),
        ],
    },
    {
        "nature": "dispute",
        "category": "0701",
        "region": "330523001001",
        "summary": "电动自行车与轿车相撞，就医疗费赔偿协商不成",
        "parties": [
            (
                "applicant",
                "person",
                "张建华",
                demo_resident_id("330523", "19650412", "123"),
                "13957212345",
            ),
            (
                "respondent",
                "person",
                "赵明",
                demo_resident_id("330523", "19920101", "512"),
                "13705721111",
            ),
        ],
    },
    {
        "nature": "consultation",
        "category": "1401",
        "region": "330523002001",
        "summary": "咨询房屋继承手续",
        "parties": [
            (
                "applicant",
                "person",
                "陈秀英",
                demo_resident_id("330523", "19580620", "422"),
                "13567221234",
            )
        ],
    },
]


@register(20)
def seed(context: DemoContext) -> None:
    windows = {w.code: w for w in Window.objects.all()}
    categories = {c.code: c for c in Category.objects.all()}
    for nature, category, window, kind, note in TRIAGE_RULES:
        TriageRule.objects.update_or_create(
            nature=nature,
            category=categories[category],
            defaults={"window": windows[window], "mediation_kind": kind, "note": note},
        )
    # A partner platform (the 12345 hotline) sending cases through the API: a token for it
    # comes from `manage.py issue_service_token platform-12345` (not made here: shown once).
    tokens.service_account_save(
        username="platform-12345",
        platform="12345政务服务便民热线",
        networks="127.0.0.1/32",
        source="12345-anji",
        county=context.county.code,
    )
    if context.options.get("cases"):
        from intake.management.demo_bulk import generate

        clerk = context.users.get("clerk")
        started = timezone.now()
        shares = _city_shares(context, clerk)
        for county, count, _clerk in shares:
            context.write(f"  {county.name}：{count}件")
        written = generate(shares=shares, write=context.write)
        seconds = (timezone.now() - started).total_seconds()
        context.write(f"  批量生成{written}件案件，用时{seconds:.0f}秒")
    if Case.objects.filter(
        county=context.county,
        channel=Case.Channel.WALK_IN,
        summary__in=[c["summary"] for c in DEMO_CASES],
    ).exists():
        return  # the hand-made demo cases are created once; seed_demo stays idempotent
    clerk = context.users.get("clerk") or get_user_model().objects.get(username="clerk")
    created = [demo_case(context, actor=clerk, **spec) for spec in DEMO_CASES]
    first = created[0]
    workflow.fire(
        actor=clerk,
        number=first.number,
        name="triage",
        data={"window": first.suggested_window.code},
    )
    context.write(
        f"  演示案件{Case.objects.filter(county=context.county).count()}件"
        f"（含重复来访：{CaseParty.objects.filter(case__risk_repeat=True).count()}）"
    )


def _city_shares(context: DemoContext, clerk: Any) -> list[tuple[County, int, Any]]:
    """``--cases`` split over ``--counties`` of the city by population (the demo county
    first, with what the rounding leaves), each county's registered by its clerk."""
    others = demo_data.CITY_COUNTIES[: context.options.get("counties", 1) - 1]
    total = context.options["cases"]
    weight = demo_data.COUNTY_SHARE + sum(share for _c, _n, share, _t in others)
    shares = [
        (County.objects.get(code=code), total * share // weight, context.users[f"clerk_{code}"])
        for code, _name, share, _towns in others
    ]
    return [(context.county, total - sum(n for _c, n, _u in shares), clerk), *shares]


def demo_case(
    context: DemoContext,
    *,
    actor: Any,
    nature: str,
    category: str,
    region: str,
    summary: str,
    parties: list[tuple[str, str, str, str, str]],
    involved_count: int = 1,
    amount: Any = None,
) -> Case:
    """A walk-in registered through the one door (the windows' demo cases use it too).
    ``parties``: (role, kind, name, ID number or credit code, phone)."""
    return services.case_register(
        actor=actor,
        county=context.county,
        data=services.CaseInput(
            channel=Case.Channel.WALK_IN,
            nature=nature,
            category=Category.objects.get(code=category),
            summary=summary,
            region=Region.objects.get(code=region),
            involved_count=involved_count,
            amount=amount,
            parties=[
                services.PartyInput(
                    role=role,
                    kind=kind,
                    name=name,
                    id_type="resident_id" if kind == Party.Kind.PERSON else "",
                    id_number=ident if kind == Party.Kind.PERSON else "",
                    credit_code=ident if kind == Party.Kind.ORGANISATION else "",
                    phone=phone.replace("-", ""),
                )
                for role, kind, name, ident, phone in parties
            ],
        ),
    )
