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


@register(29)
def seed_cases(context: DemoContext) -> None:
    """An application granted and waiting for its lawyer (the 3-day clock running), and a
    consultation waiting at the desk to be answered."""
    from intake import workflow
    from intake.demo import demo_case, demo_resident_id
    from intake.models import Case

    clerk, officer = context.users.get("clerk"), context.users.get("legalaid")
    if clerk is None or officer is None:
        return
    summary = "进城务工人员追索工地拖欠劳动报酬，申请法律援助"
    if not Case.objects.filter(county=context.county, summary=summary).exists():
        case = demo_case(
            context,
            actor=clerk,
            nature=Case.Nature.LEGAL_AID,
            category="1402",
            region="330523107201",
            summary=summary,
            amount="36800.00",
            parties=[
                (
                    "applicant",
                    "person",
                    "何志军",
                    demo_resident_id("512501", "19800517", "239"),
                    "15857201234",
                ),
                ("respondent", "organisation", "安吉某建筑劳务有限公司", "91330523MA2D7K8L34", ""),
            ],
        )
        workflow.fire(actor=clerk, number=case.number, name="triage", data={"window": "legal_aid"})
        workflow.fire(
            actor=officer,
            number=case.number,
            name="legal_aid_grant",
            data={
                "matter": "追索劳动报酬",
                "ground": "exempt",
                "exempt_category": "wages",
                "note": "申请人为进城务工人员，免予核查经济困难状况",
            },
        )
    question = "咨询离婚后子女抚养费标准如何确定"
    if not Case.objects.filter(county=context.county, summary=question).exists():
        demo_case(
            context,
            actor=clerk,
            nature=Case.Nature.CONSULTATION,
            category="1401",
            region="330523107201",
            summary=question,
            parties=[
                (
                    "applicant",
                    "person",
                    "潘丽娟",
                    demo_resident_id("330523", "19880212", "528"),
                    "13587211020",
                )
            ],
        )
