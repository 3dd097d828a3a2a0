"""``manage.py seed_demo --cases N``: N cases with realistic distributions, in bulk.

Categories follow the season (wage arrears before Spring Festival, family disputes after
it, land in spring planting …), towns their population, parties come back (a third of
applicants are repeat visitors), and states, windows, outcomes and clocks agree with the
workflow for each case's age. Rows are written with bulk inserts in batches, so a million
cases take minutes; no timeline rows or PDFs are made for them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from stdnum.cn import ric

from centre.crypto import get_keyring
from centre.deadlines import rule_due
from centre.models import Category, Clock, County, DeadlineRule, Region, Window
from intake.identity import mask_id_number, mask_phone
from intake.models import Case, CaseNumberSequence, CaseParty, Party

BATCH = 5_000
# Top-level category code → base weight; months (1–12) → seasonal factor.
CATEGORY_WEIGHTS = {
    "01": 8,
    "02": 14,
    "03": 6,
    "04": 3,
    "05": 6,
    "06": 7,
    "07": 10,
    "08": 3,
    "09": 8,
    "10": 7,
    "11": 9,
    "12": 3,
    "13": 6,
    "14": 6,
    "15": 2,
    "16": 2,
}
SEASON = {
    "06": {12: 3.0, 1: 3.5, 2: 1.5},
    "05": {12: 1.5, 1: 1.8},
    "01": {2: 1.6, 3: 1.4},
    "03": {3: 1.6, 4: 1.5},
    "10": {10: 1.3, 11: 1.4},
    "07": {},
    "02": {7: 1.2, 8: 1.2},
}
NATURE_OF = {
    "13": "petition",
    "14": "consultation",
    "15": "administrative",
    "05": "labour",
    "06": "labour",
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
)
GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "建华",
    "杰",
    "国庆",
    "海燕",
    "志明",
    "桂兰",
    "春梅",
    "晓东",
]


def _weighted(rng: random.Random, weights: dict[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _people(rng: random.Random, county: County, count: int) -> Iterator[Party]:
    keyring = get_keyring()
    for i in range(count):
        body = (
            f"{county.code}{rng.randint(1950, 2004)}{rng.randint(1, 12):02d}"
            f"{rng.randint(1, 28):02d}{i % 1000:03d}"
        )
        id_number = body + ric.calc_check_digit(body + "0")
        phone = f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"
        yield Party(
            county=county,
            kind=Party.Kind.PERSON,
            name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            id_type="resident_id",
            id_number_enc=keyring.encrypt(id_number),
            id_number_index=keyring.blind_index(id_number, purpose="id_number"),
            id_number_masked=mask_id_number(id_number),
            phone_enc=keyring.encrypt(phone),
            phone_index=keyring.blind_index(phone, purpose="phone"),
            phone_masked=mask_phone(phone),
        )


def _state_for(rng: random.Random, age_days: int) -> str:
    S = Case.State
    if age_days < 3:
        return _weighted(rng, {S.REGISTERED: 5, S.TRIAGED: 3, S.REFERRED: 1, S.MEDIATING: 1})
    if age_days < 30:
        return _weighted(
            rng,
            {
                S.TRIAGED: 2,
                S.MEDIATING: 6,
                S.AGREED: 2,
                S.REFERRED: 1,
                S.CONFIRMING: 0.5,
                S.MEDIATION_FAILED: 0.5,
                S.CLOSED: 3,
            },
        )
    return _weighted(
        rng, {S.CLOSED: 20, S.CONFIRMED: 1, S.LITIGATING: 0.5, S.MEDIATING: 0.4, S.AGREED: 0.3}
    )


def _outcome(rng: random.Random) -> str:
    outcomes = Case.Outcome
    return _weighted(
        rng,
        {
            outcomes.RESOLVED: 10,
            outcomes.PERFORMED: 6,
            outcomes.CONFIRMED: 2,
            outcomes.WITHDRAWN: 2,
            outcomes.LITIGATED: 1,
            outcomes.HANDLED: 3,
            outcomes.UNRESOLVED: 1,
        },
    )


# The milestones each state (and, for closed cases, each outcome) implies, in order.
_PATHS = {
    "referred": ("referred_at",),
    "mediating": ("mediation_started_at",),
    "agreed": ("mediation_started_at", "agreed_at"),
    "confirming": ("mediation_started_at", "agreed_at", "confirmation_applied_at"),
    "confirmed": ("mediation_started_at", "agreed_at", "confirmation_applied_at", "confirmed_at"),
    "mediation_failed": ("mediation_started_at", "mediation_failed_at"),
    "litigating": ("mediation_started_at", "mediation_failed_at"),
}
_CLOSED_PATHS = {
    "resolved": _PATHS["agreed"],
    "performed": _PATHS["agreed"],
    "confirmed": _PATHS["confirmed"],
    "litigated": _PATHS["litigating"],
    "handled": _PATHS["referred"],
    "unresolved": _PATHS["referred"],
    "withdrawn": (),
}


def _milestones(rng: random.Random, case: Case) -> None:
    """Set the milestones the case's state implies, spread between registration and the
    last change, as the transitions would have."""
    if case.state == Case.State.CLOSED:
        path = _CLOSED_PATHS[case.outcome]
        if case.outcome == Case.Outcome.WITHDRAWN and rng.random() < 0.5:
            path = _PATHS["mediating"]
    elif case.state == Case.State.MEDIATION_FAILED and rng.random() < 0.15:
        # Some agreements fail at the court instead (refuse_confirmation).
        path = (*_PATHS["confirming"], "confirmation_refused_at")
    else:
        path = _PATHS.get(case.state, ())
    span = (case.state_changed_at - case.registered_at).total_seconds()
    for i, field in enumerate(path, start=1):
        setattr(case, field, case.registered_at + timedelta(seconds=span * i / len(path)))


def generate(
    *, county: County, count: int, registered_by: Any, write=print, seed: int = 20261127
) -> int:
    """Write ``count`` cases (and their parties and clocks) for ``county``."""
    # Seeded, so that the same demo comes out every time (not for anything secret).
    rng = random.Random(seed)  # noqa: S311
    now = timezone.now()
    windows = {w.code: w for w in Window.objects.all()}
    categories: dict[str, list[Category]] = {}
    for category in Category.objects.filter(active=True).select_related("parent"):
        top = category.parent.code if category.parent_id else category.code
        categories.setdefault(top, []).append(category)
    towns = list(Region.objects.filter(county=county, level=Region.Level.TOWN))
    places = {
        t.pk: [t, *Region.objects.filter(parent=t, level=Region.Level.VILLAGE)] for t in towns
    }
    # Streets (街道) hold most of the population.
    town_weight = {
        t: (4 if t.name.endswith("街道") else 1.5 if t.name.endswith("镇") else 1) for t in towns
    }
    mediation_rule = DeadlineRule.objects.get(code="mediation_people")

    pool_size = max(50, count // 3)
    write(f"  生成 {pool_size} 名当事人 …")
    parties: list[int] = []
    batch: list[Party] = []
    for party in _people(rng, county, pool_size):
        batch.append(party)
        if len(batch) == BATCH:
            parties += [p.pk for p in Party.objects.bulk_create(batch, ignore_conflicts=False)]
            batch = []
    if batch:
        parties += [p.pk for p in Party.objects.bulk_create(batch)]

    counters = dict(CaseNumberSequence.objects.filter(county=county).values_list("year", "last"))
    written = 0
    while written < count:
        size = min(BATCH, count - written)
        cases, links, clocks = [], [], []
        for _ in range(size):
            age = int(rng.expovariate(1 / 240))  # many recent, a long tail over two years
            registered = now - timedelta(days=min(age, 730), seconds=rng.randint(0, 86_400))
            local = timezone.localtime(registered)
            top = _weighted(
                rng,
                {
                    code: w * SEASON.get(code, {}).get(local.month, 1)
                    for code, w in CATEGORY_WEIGHTS.items()
                    if code in categories
                },
            )
            category = rng.choice(categories[top])
            town = _weighted(rng, town_weight)
            region = rng.choice(places[town.pk])
            nature = NATURE_OF.get(top, "dispute")
            state = _state_for(rng, (now - registered).days)
            window = (
                None
                if state == Case.State.REGISTERED
                else windows[
                    {
                        "petition": "petition",
                        "consultation": "legal_aid",
                        "labour": "labour",
                        "administrative": "review",
                    }.get(nature, "mediation")
                ]
            )
            year = local.year
            counters[year] = counters.get(year, 0) + 1
            changed = registered + timedelta(days=rng.randint(0, max(1, (now - registered).days)))
            involved = 1 if rng.random() < 0.93 else rng.randint(5, 40)
            cases.append(
                Case(
                    county=county,
                    number=f"{county.code}-{year}-{counters[year]:06d}",
                    year=year,
                    sequence=counters[year],
                    state=state,
                    channel=_weighted(
                        rng, {"walk_in": 6, "phone": 2, "online": 1, "grid": 1.5, "platform": 0.5}
                    ),
                    nature=nature,
                    category=category,
                    region=region,
                    summary=f"{category.name}：{region.name}",
                    involved_count=involved,
                    amount=rng.choice([None, None, rng.randint(500, 500_000)]),
                    registered_by=registered_by,
                    registered_at=registered,
                    window=window,
                    suggested_window=window or windows["mediation"],
                    risk_mass=involved >= 5,
                    risk_level="medium" if involved >= 5 else "low",
                    outcome=_outcome(rng) if state == Case.State.CLOSED else "",
                    closed_at=changed if state == Case.State.CLOSED else None,
                    state_changed_at=changed,
                )
            )
        for case in cases:
            _milestones(rng, case)
        with transaction.atomic():
            Case.objects.bulk_create(cases)
            for case in cases:
                applicant = rng.choice(parties)
                respondent = rng.choice(parties)
                links.append(CaseParty(case=case, party_id=applicant, role="applicant", order=0))
                if respondent != applicant:
                    links.append(
                        CaseParty(case=case, party_id=respondent, role="respondent", order=1)
                    )
                if case.state == Case.State.MEDIATING:
                    start = timezone.localdate(case.state_changed_at)
                    due = rule_due(mediation_rule, start)
                    clocks.append(
                        Clock(
                            county=county,
                            rule=mediation_rule,
                            case_number=case.number,
                            subject="bulk",
                            subject_id=case.pk,
                            started_on=start,
                            due_on=due.date,
                            provisional=due.provisional,
                        )
                    )
            CaseParty.objects.bulk_create(links)
            Clock.objects.bulk_create(clocks)
        written += size
        if written % 50_000 == 0 or written == count:
            write(f"  已生成 {written} 件案件")
    for year, last in counters.items():
        CaseNumberSequence.objects.update_or_create(
            county=county, year=year, defaults={"last": last}
        )
    # Repeat visitors: applicants with more than one case.
    repeat = (
        CaseParty.objects.filter(case__county=county, role="applicant")
        .values("party")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("party")
    )
    Case.objects.filter(
        county=county, case_parties__party__in=repeat, case_parties__role="applicant"
    ).update(risk_repeat=True)
    return written
