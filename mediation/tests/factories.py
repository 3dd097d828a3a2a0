"""Mediation test data built like the real thing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from intake import workflow
from intake.models import Case
from mediation.models import Grade, Mediator, Organisation, RotaEntry


def grade(rank: int) -> Grade:
    names = {1: "首席", 2: "一级", 3: "二级", 4: "三级", 5: "四级"}
    return Grade.objects.get_or_create(rank=rank, defaults={"name": names[rank]})[0]


def organisation(
    county,
    name: str = "安吉县人民调解委员会",
    *,
    kind: str = "county",
    mediation_kind: str = "people",
    categories=(),
    regions=(),
    head=None,
) -> Organisation:
    org = Organisation.objects.create(
        county=county, name=name, kind=kind, mediation_kind=mediation_kind, head=head
    )
    org.categories.set(categories)
    org.regions.set(regions)
    return org


def mediator(
    county,
    name: str,
    *,
    orgs,
    user=None,
    rank: int | None = 2,
    specialties=(),
    weekdays: str | None = "1,2,3,4,5,6,7",
    background: str = "full_time",
) -> Mediator:
    m = Mediator.objects.create(
        county=county,
        name=name,
        user=user,
        grade=grade(rank) if rank else None,
        background=background,
    )
    m.organisations.set(orgs)
    m.specialties.set(specialties)
    if weekdays:
        RotaEntry.objects.create(mediator=m, weekdays=weekdays)
    return m


def start(
    case: Case,
    actor: Any,
    org: Organisation,
    mediators: list[Mediator],
    lead: Mediator | None = None,
    **extra: Any,
) -> Case:
    if case.state == Case.State.REGISTERED:
        workflow.fire(actor=actor, number=case.number, name="triage", data={"window": "mediation"})
    return workflow.fire(
        actor=actor,
        number=case.number,
        name="start_mediation",
        data={
            "organisation": org.pk,
            "mediators": [m.pk for m in mediators],
            "lead": (lead or mediators[0]).pk,
            **extra,
        },
    )


def agreement_data(case: Case, **over: Any) -> dict[str, Any]:
    data = {
        "facts": "李国强在自家宅基地东侧加建围墙，占用两家共用通道约0.5米。",
        "disputes": "加建围墙是否应当拆除；通道宽度。",
        "responsibilities": "李国强未经协商加建围墙，负主要责任。",
        "terms": "一、李国强于2026年12月10日前自行拆除多建部分围墙；二、双方共同维护通道畅通。",
        "performance_method": "李国强自行拆除，村调委会现场见证。",
        "performance_due": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "signatures": [
            {"party": cp.party.name, "method": "onscreen"}
            for cp in case.case_parties.select_related("party")
        ],
    }
    data.update(over)
    return data
