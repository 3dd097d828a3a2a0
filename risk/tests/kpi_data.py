"""Crafted cases whose every figure is computed by hand in the tests."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from centre.models import Clock, DeadlineRule, Window
from centre.tests.factories import CategoryFactory, RegionFactory
from intake.models import Case

_seq = itertools.count(1)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make_case(ref: dict[str, Any], registered: date, **fields: Any) -> Case:
    """A case row written as the workflow would leave it (no services: the figures only
    read the row, its milestones and its clocks)."""
    # Far above what the real counter gives the cases a test registers through intake
    # (from 1), so that the two never take the same number.
    n = 900_000 + next(_seq)
    county = fields.pop("county", ref["county"])
    closed_after = fields.pop("closed_after", None)
    values = {
        "county": county,
        "number": f"{county.code}-{registered.year}-{n:06d}",
        "year": registered.year,
        "sequence": n,
        "channel": Case.Channel.WALK_IN,
        "nature": Case.Nature.DISPUTE,
        "category": ref["category"],
        "region": ref["village"],
        "summary": "测试",
        "registered_by": ref["actor"],
        "registered_at": at(registered),
        "state_changed_at": at(registered),
        "window": ref["windows"]["mediation"],
        **fields,
    }
    if closed_after is not None:
        values["state"] = Case.State.CLOSED
        values["closed_at"] = at(registered + timedelta(days=closed_after), 16)
        values["state_changed_at"] = values["closed_at"]
    return Case.objects.create(**values)


def clock(case: Case, *, due: date, overdue_since: date | None = None, stopped=None) -> Clock:
    rule = DeadlineRule.objects.get(code="mediation_people")
    return Clock.objects.create(
        county=case.county,
        rule=rule,
        case_number=case.number,
        subject="test",
        subject_id=case.pk,
        started_on=due - timedelta(days=30),
        due_on=due,
        overdue_since=overdue_since,
        stopped_at=stopped,
    )


def reference(ref: dict[str, Any], actor) -> dict[str, Any]:
    """The test reference data plus a second town, a grid, a second category."""
    ref = dict(ref)
    ref["actor"] = actor
    ref["windows"] = {w.code: w for w in Window.objects.all()}
    ref["town2"] = RegionFactory(code="330523108", name="山川乡", county=ref["county"])
    ref["grid"] = RegionFactory(
        code="330523107201001",
        name="余村第一网格",
        county=ref["county"],
        parent=ref["village"],
        level="grid",
    )
    ref["category2"] = CategoryFactory(code="06", name="劳动争议")
    return ref


def november(ref: dict[str, Any]) -> dict[str, Case]:
    """Eight cases registered in the period 2026-10-15 … 2026-11-30 (two in October's tail),
    one before it and one in another county. Expected figures in test_kpis.py."""
    m = Case.Outcome
    w = ref["windows"]
    cases = {
        # closed, resolved by mediation, 10 days, every clock kept
        "c1": make_case(
            ref,
            date(2026, 11, 2),
            outcome=m.RESOLVED,
            closed_after=10,
            mediation_started_at=at(date(2026, 11, 3)),
            agreed_at=at(date(2026, 11, 8)),
        ),
        # closed after judicial confirmation, 20 days, a clock went overdue
        "c2": make_case(
            ref,
            date(2026, 11, 3),
            outcome=m.CONFIRMED,
            closed_after=20,
            mediation_started_at=at(date(2026, 11, 4)),
            agreed_at=at(date(2026, 11, 6)),
            confirmation_applied_at=at(date(2026, 11, 7)),
            confirmed_at=at(date(2026, 11, 20)),
            category=ref["category2"],
        ),
        # referred to another window and handled there, 5 days (in the second town)
        "c3": make_case(
            ref,
            date(2026, 10, 20),
            outcome=m.HANDLED,
            closed_after=5,
            referred_at=at(date(2026, 10, 21)),
            window=w["petition"],
            region=ref["town2"],
        ),
        # withdrawn the next day
        "c4": make_case(ref, date(2026, 11, 10), outcome=m.WITHDRAWN, closed_after=1),
        # mediation failed, then the court decided: 40 days; reported by a grid worker
        "c5": make_case(
            ref,
            date(2026, 10, 25),
            outcome=m.LITIGATED,
            closed_after=40,
            mediation_started_at=at(date(2026, 10, 26)),
            mediation_failed_at=at(date(2026, 11, 10)),
            region=ref["grid"],
            channel=Case.Channel.GRID,
        ),
        # in mediation, its clock overdue now
        "c6": make_case(
            ref,
            date(2026, 11, 5),
            state=Case.State.MEDIATING,
            mediation_started_at=at(date(2026, 11, 5)),
        ),
        # agreed, not yet closed
        "c7": make_case(
            ref,
            date(2026, 11, 12),
            state=Case.State.AGREED,
            mediation_started_at=at(date(2026, 11, 12)),
            agreed_at=at(date(2026, 11, 20)),
            category=ref["category2"],
        ),
        # just registered, by phone: a mass dispute of a repeat visitor
        "c8": make_case(
            ref,
            date(2026, 11, 20),
            state=Case.State.REGISTERED,
            window=None,
            channel=Case.Channel.PHONE,
            risk_mass=True,
            risk_repeat=True,
            involved_count=12,
        ),
        # outside the period
        "early": make_case(ref, date(2026, 10, 14), outcome=m.RESOLVED, closed_after=3),
    }
    clock(cases["c1"], due=date(2026, 12, 1), stopped=at(date(2026, 11, 12)))
    clock(
        cases["c2"],
        due=date(2026, 11, 10),
        overdue_since=date(2026, 11, 11),
        stopped=at(date(2026, 11, 23)),
    )
    clock(cases["c6"], due=date(2026, 11, 20), overdue_since=date(2026, 11, 21))
    return cases
