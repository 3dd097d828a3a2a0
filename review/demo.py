"""The review window's part of seed_demo: its officer (demo account ``reviewer``)."""

from __future__ import annotations

from centre.demo import DemoContext, register, window_officer


@register(27)
def seed(context: DemoContext) -> None:
    window_officer(
        context,
        username="reviewer",
        full_name="韩静",
        role="review_officer",
        window="review",
        title="行政复议人员",
    )


@register(29)
def seed_cases(context: DemoContext) -> None:
    """An application against a town government's fine, accepted on the ordinary
    procedure (its 60-day decision and 10 工作日 answer clocks running)."""
    from datetime import timedelta

    from django.utils import timezone

    from intake import workflow
    from intake.demo import demo_case, demo_resident_id
    from intake.models import Case

    clerk, reviewer = context.users.get("clerk"), context.users.get("reviewer")
    summary = "不服镇政府对其违法搭建作出的罚款决定，申请行政复议"
    if clerk is None or reviewer is None:
        return
    if Case.objects.filter(county=context.county, summary=summary).exists():
        return
    case = demo_case(
        context,
        actor=clerk,
        nature=Case.Nature.ADMINISTRATIVE,
        category="1501",
        region="330523107201",
        summary=summary,
        amount="5000.00",
        parties=[
            (
                "applicant",
                "person",
                "沈国华",
                demo_resident_id("330523", "19690423", "418"),
                "13706821122",
            ),
            ("respondent", "organisation", "安吉县天荒坪镇人民政府", "11330523MB0123456U", ""),
        ],
    )
    workflow.fire(actor=clerk, number=case.number, name="triage", data={"window": "review"})
    workflow.fire(
        actor=reviewer,
        number=case.number,
        name="review_accept",
        data={
            "procedure": "ordinary",
            "act": "天荒坪镇人民政府对申请人违法搭建作出罚款5000元的行政处罚决定",
            "act_known_on": (timezone.localdate() - timedelta(days=20)).isoformat(),
        },
    )
