"""Mediation's part of seed_demo: Anji's mediation organisations, grades, mediators (the
demo accounts mediator and mediator2 among them) and their rota."""

from __future__ import annotations

from datetime import date

from centre.demo import DemoContext, register
from centre.models import Category, Region
from mediation.models import Grade, Mediator, Organisation, RotaEntry

GRADES = [(1, "首席"), (2, "一级"), (3, "二级"), (4, "三级"), (5, "四级")]
# (name, kind, mediation kind, categories, town codes)
ORGANISATIONS = [
    ("安吉县人民调解委员会", "county", "people", [], []),
    ("安吉县交通事故纠纷人民调解委员会", "industry", "traffic", ["07"], []),
    ("安吉县医疗纠纷人民调解委员会", "industry", "medical", ["08"], []),
    ("安吉县婚姻家庭纠纷人民调解委员会", "industry", "family", ["01"], []),
    ("安吉县物业纠纷人民调解委员会", "industry", "property", ["09"], []),
    ("天荒坪镇人民调解委员会", "town", "people", ["02", "03"], ["330523107"]),
    ("递铺街道人民调解委员会", "town", "people", ["02", "09"], ["330523001"]),
]
# (username or None, name, grade rank, background, organisations, specialties, weekdays)
MEDIATORS = [
    (
        "mediator",
        "陈建国",
        1,
        "retired_judge",
        ["安吉县人民调解委员会", "天荒坪镇人民调解委员会"],
        ["02", "03", "11"],
        "1,2,3,4,5",
    ),
    (
        "mediator2",
        "李秀兰",
        2,
        "full_time",
        ["安吉县婚姻家庭纠纷人民调解委员会", "安吉县人民调解委员会"],
        ["01", "02"],
        "1,3,5",
    ),
    (None, "周国平", 2, "retired_police", ["安吉县交通事故纠纷人民调解委员会"], ["07"], "2,4"),
    (
        None,
        "吴晓梅",
        3,
        "lawyer",
        ["安吉县物业纠纷人民调解委员会", "递铺街道人民调解委员会"],
        ["09", "10"],
        "1,2,3,4,5",
    ),
    (None, "沈志刚", 3, "retired_prosecutor", ["安吉县人民调解委员会"], ["04", "12"], "3,4"),
    (None, "钱卫民", 4, "volunteer", ["天荒坪镇人民调解委员会"], ["02", "03"], "6,7"),
]


@register(30)
def seed(context: DemoContext) -> None:
    county = context.county
    grades = {
        rank: Grade.objects.update_or_create(rank=rank, defaults={"name": name})[0]
        for rank, name in GRADES
    }
    categories = {c.code: c for c in Category.objects.filter(parent__isnull=True)}
    orgs = {}
    for name, kind, mkind, cats, towns in ORGANISATIONS:
        org, _ = Organisation.objects.update_or_create(
            county=county, name=name, defaults={"kind": kind, "mediation_kind": mkind}
        )
        org.categories.set([categories[c] for c in cats])
        org.regions.set(Region.objects.filter(code__in=towns))
        orgs[name] = org
    orgs["安吉县人民调解委员会"].head = context.users.get("supervisor")
    orgs["安吉县人民调解委员会"].save(update_fields=["head"])
    for username, name, rank, background, org_names, specialties, weekdays in MEDIATORS:
        user = context.users.get(username) if username else None
        mediator, _ = Mediator.objects.update_or_create(
            county=county,
            name=name,
            defaults={
                "user": user,
                "grade": grades[rank],
                "background": background,
                "active": True,
            },
        )
        mediator.organisations.set([orgs[n] for n in org_names])
        mediator.specialties.set([categories[c] for c in specialties])
        RotaEntry.objects.get_or_create(
            mediator=mediator, weekdays=weekdays, valid_from=None, valid_to=None
        )
    # Before Spring Festival more labour mediators sit at the centre (seasonal rota).
    season = Mediator.objects.get(county=county, name="沈志刚")
    RotaEntry.objects.get_or_create(
        mediator=season,
        weekdays="1,2,3,4,5",
        valid_from=date(2027, 1, 15),
        valid_to=date(2027, 2, 5),
        defaults={"note": "春节前欠薪纠纷高发，增加轮驻"},
    )


@register(40)
def demo_mediation(context: DemoContext) -> None:
    """The triaged demo case goes to mediation with 陈建国, with a session today: the
    mediator's desk has something on it."""
    from datetime import datetime, time

    from django.utils import timezone

    from intake import workflow
    from intake.models import Case
    from mediation.services import session_save

    case = (
        Case.objects.filter(
            county=context.county, state=Case.State.TRIAGED, window__code="mediation"
        )
        .order_by("sequence")
        .first()
    )
    supervisor = context.users.get("supervisor")
    if case is None or supervisor is None:
        return
    chen = Mediator.objects.get(county=context.county, name="陈建国")
    org = Organisation.objects.get(county=context.county, name="天荒坪镇人民调解委员会")
    workflow.fire(
        actor=supervisor,
        number=case.number,
        name="start_mediation",
        data={"organisation": org.pk, "mediators": [chen.pk], "lead": chen.pk},
    )
    afternoon = timezone.make_aware(datetime.combine(timezone.localdate(), time(15, 0)))
    session_save(
        actor=chen.user or supervisor,
        mediation=case.mediation,
        place="on_site",
        scheduled_at=afternoon,
        location="中心调解室1",
    )
