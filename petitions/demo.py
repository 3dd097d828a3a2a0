"""The petition window's part of seed_demo: its officer (demo account ``petition``)."""

from __future__ import annotations

from centre.demo import DemoContext, register, window_officer


@register(27)
def seed(context: DemoContext) -> None:
    window_officer(
        context,
        username="petition",
        full_name="沈立群",
        role="petition_officer",
        window="petition",
        title="信访接待员",
    )


# (summary, category, involved, skip level, parties)
DEMO_PETITIONS = [
    (
        "反映村道硬化工程完工两年仍未结算，施工队多次讨要无果",
        "1302",
        6,
        False,
        [
            ("applicant", "person", "朱永康", ("19620308", "315"), "13905721188"),
            ("respondent", "organisation", "安吉县天荒坪镇人民政府", "11330523MB1234567D", ""),
        ],
    ),
    (
        "反映村干部在低保评定中优亲厚友",
        "1301",
        1,
        False,
        [("applicant", "person", "蒋秀芳", ("19580921", "426"), "13735629901")],
    ),
]


@register(29)
def seed_cases(context: DemoContext) -> None:
    """Two petitions at the window: one accepted (its 60-day clock running), one waiting
    for the officer's decision (its 15-day notice clock running)."""
    from intake import workflow
    from intake.demo import demo_case, demo_resident_id
    from intake.models import Case

    clerk, officer = context.users.get("clerk"), context.users.get("petition")
    if clerk is None or officer is None:
        return
    for i, (summary, category, involved, skip_level, parties) in enumerate(DEMO_PETITIONS):
        if Case.objects.filter(county=context.county, summary=summary).exists():
            continue  # idempotent
        case = demo_case(
            context,
            actor=clerk,
            nature=Case.Nature.PETITION,
            category=category,
            region="330523107201",
            summary=summary,
            involved_count=involved,
            parties=[
                (
                    role,
                    kind,
                    name,
                    demo_resident_id("330523", *ident) if kind == "person" else ident,
                    phone,
                )
                for role, kind, name, ident, phone in parties
            ],
        )
        workflow.fire(actor=clerk, number=case.number, name="triage", data={"window": "petition"})
        if i == 0:
            workflow.fire(
                actor=officer,
                number=case.number,
                name="petition_accept",
                data={"skip_level": skip_level, "note": "符合受理条件"},
            )
