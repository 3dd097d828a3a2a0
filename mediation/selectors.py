"""Reads of mediation: ranked mediator suggestions, a mediator's desk, a case's mediation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case as Cases
from django.db.models import Count, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from centre.names import ref_name
from intake.access import visible_cases
from intake.models import Case
from mediation.models import (
    Agreement,
    Mediation,
    Mediator,
    Organisation,
    Participant,
    Session,
)

# Weights of the suggestion score; the reasons shown say which applied.
W_SPECIALTY, W_SPECIALTY_FAMILY = 40, 25
W_ORG_CATEGORY, W_ORG_KIND = 15, 10
W_REGION, W_COUNTY_WIDE = 20, 5
W_GRADE_TOP, W_GRADE_STEP = 12, 3
W_ROTA = 15
W_PER_OPEN_CASE = 6


@dataclass
class Suggestion:
    mediator: Mediator
    organisation: Organisation
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    open_cases: int = 0
    on_rota: bool = False
    # An active account to sign in with: a case led by someone who cannot sign in is
    # stranded (no one sees it on their desk, no one records its sessions).
    can_sign_in: bool = False
    # The organisation serves only other towns (another town's volunteers): ranked after
    # every mediator whose organisation serves the place of the dispute.
    out_of_area: bool = False
    # How the score adds up: (reason, points), shown beside the score.
    points: list[tuple[str, int]] = field(default_factory=list)


def open_case_counts() -> dict[int, int]:
    """How many cases each mediator is mediating now (忙闲)."""
    rows = (
        Participant.objects.filter(
            removed_at__isnull=True, mediation__case__state=Case.State.MEDIATING
        )
        .values("mediator")
        .annotate(n=Count("mediation", distinct=True))
    )
    return {row["mediator"]: row["n"] for row in rows}


def mediators_for(county_id: int) -> QuerySet[Mediator]:
    return (
        Mediator.objects.filter(county_id=county_id, active=True)
        .select_related("grade", "user")
        .prefetch_related(
            "specialties",
            "rota",
            Prefetch(
                "organisations",
                queryset=Organisation.objects.filter(active=True).prefetch_related(
                    "categories", "regions"
                ),
            ),
        )
    )


def suggest_mediators(
    case: Case,
    *,
    on: date | None = None,
    organisation: Organisation | None = None,
    pool: list[Mediator] | None = None,
    loads: dict[int, int] | None = None,
) -> list[Suggestion]:
    """Mediators ranked for this case: specialty, organisation and region fit, grade,
    being on the rota that day, and fewest open cases — so that nobody sits idle while
    others drown (忙闲不均). A list of many cases passes the county's ``pool``
    (``mediators_for``) and the ``loads`` once, not once a case."""
    on = on or timezone.localdate()
    loads = open_case_counts() if loads is None else loads
    category, parent = case.category, case.category.parent
    region_chain = {
        r.pk
        for r in (
            case.region,
            case.region.parent,
            case.region.parent.parent if case.region.parent else None,
        )
        if r is not None
    }
    results = []
    for mediator in mediators_for(case.county_id) if pool is None else pool:
        orgs = [
            o
            for o in mediator.organisations.all()
            if organisation is None or o.pk == organisation.pk
        ]
        if not orgs:
            continue
        org, org_points, out_of_area = max(
            (_organisation_fit(o, case, category, parent, region_chain) for o in orgs),
            key=lambda fit: (not fit[2], sum(p for _r, p in fit[1])),
        )
        s = Suggestion(
            mediator=mediator,
            organisation=org,
            can_sign_in=mediator.user is not None and mediator.user.is_active,
            out_of_area=out_of_area,
        )
        specialties = {c.pk for c in mediator.specialties.all()}
        if category.pk in specialties:
            s.points.append((_("擅长%(name)s") % {"name": ref_name(category)}, W_SPECIALTY))
        elif parent is not None and parent.pk in specialties:
            s.points.append(
                (_("擅长%(name)s（大类）") % {"name": ref_name(parent)}, W_SPECIALTY_FAMILY)
            )
        s.points += org_points
        if mediator.grade is not None:
            top = max(0, W_GRADE_TOP - W_GRADE_STEP * (mediator.grade.rank - 1))
            s.points.append((mediator.grade.name, top))
        s.on_rota = any(entry.covers(on) for entry in mediator.rota.all())
        if s.on_rota:
            s.points.append((_("当日在中心轮驻"), W_ROTA))
        s.open_cases = loads.get(mediator.pk, 0)
        s.points.append((_("在办%(n)d件") % {"n": s.open_cases}, -W_PER_OPEN_CASE * s.open_cases))
        s.score = sum(p for _r, p in s.points)
        s.reasons = [reason for reason, _p in s.points]
        results.append(s)
    results.sort(key=lambda s: (s.out_of_area, -s.score, s.open_cases, s.mediator.name))
    return results


def _organisation_fit(
    org: Organisation, case: Case, category, parent, region_chain: set[int]
) -> tuple[Organisation, list[tuple[str, int]], bool]:
    """How well an organisation fits the case: its points, and whether it serves only
    other places than the dispute's."""
    points: list[tuple[str, int]] = []
    org_categories = {c.pk for c in org.categories.all()}
    if category.pk in org_categories or (parent is not None and parent.pk in org_categories):
        points.append((_("%(org)s受理此类纠纷") % {"org": org.name}, W_ORG_CATEGORY))
    if case.suggested_mediation_kind and org.mediation_kind == case.suggested_mediation_kind:
        points.append((_("对口%(kind)s") % {"kind": org.get_mediation_kind_display()}, W_ORG_KIND))
    org_regions = list(org.regions.all())
    out_of_area = False
    if not org_regions:
        points.append((_("服务全县"), W_COUNTY_WIDE))
    elif {r.pk for r in org_regions} & region_chain:
        points.append((_("服务%(region)s") % {"region": ref_name(case.region)}, W_REGION))
    else:
        out_of_area = True
        names = "、".join(ref_name(r) for r in org_regions)
        points.append((_("服务其他地区（%(regions)s）") % {"regions": names}, 0))
    return org, points, out_of_area


def mediation_of(case: Case) -> Mediation | None:
    return (
        Mediation.objects.filter(case=case)
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.filter(removed_at__isnull=True).select_related(
                    "mediator__grade", "organisation"
                ),
            ),
            "sessions",
            "agreements__document",
        )
        .first()
    )


def my_mediator(user: Any) -> Mediator | None:
    return Mediator.objects.filter(user_id=user.pk).first()


def my_cases(user: Any) -> QuerySet[Mediation]:
    """Mediations the user takes part in (as a mediator or an organisation's head), most
    urgent first."""
    return (
        Mediation.objects.filter(
            Q(participants__mediator__user=user, participants__removed_at__isnull=True)
            | Q(participants__organisation__head=user)
        )
        .filter(case__state=Case.State.MEDIATING)
        .select_related("case__category", "case__region")
        .distinct()
        .order_by("clock_due", "case__registered_at")
    )


def my_sessions(user: Any, *, start: datetime, end: datetime) -> QuerySet[Session]:
    return (
        Session.objects.filter(
            Q(
                mediation__participants__mediator__user=user,
                mediation__participants__removed_at__isnull=True,
            )
            | Q(mediation__participants__organisation__head=user)
        )
        .filter(scheduled_at__gte=start, scheduled_at__lt=end, held_at__isnull=True)
        .select_related("mediation__case")
        .distinct()
        .order_by("scheduled_at")
    )


def my_follow_ups(user: Any) -> QuerySet[Agreement]:
    """Agreements whose performance the user follows up, nearest deadline first."""
    return (
        Agreement.objects.filter(
            Q(
                mediation__participants__mediator__user=user,
                mediation__participants__removed_at__isnull=True,
            )
            | Q(mediation__participants__organisation__head=user)
        )
        .filter(performance__in=[Agreement.Performance.PENDING, Agreement.Performance.PARTLY])
        .exclude(mediation__agreements__version__gt=F("version"))  # latest version only
        .select_related("mediation__case")
        .distinct()
        .order_by("performance_due")
    )


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def lead_participant(mediation: Mediation) -> Participant | None:
    """The mediator who leads (and so the organisation whose seal and name a document
    carries)."""
    return (
        mediation.participants.filter(is_lead=True, removed_at__isnull=True)
        .select_related("organisation", "mediator")
        .first()
    )


# Riskier first: a mass dispute, then by risk level, then a repeat visit (重复来访).
_RISK_RANK = Cases(
    When(risk_level=Case.RiskLevel.HIGH, then=Value(2)),
    When(risk_level=Case.RiskLevel.MEDIUM, then=Value(1)),
    default=Value(0),
)


def awaiting_assignment(user: Any) -> QuerySet[Case]:
    """Cases triaged to mediation that no one has assigned mediators to yet, the riskiest
    and then the longest waiting first: the supervisor's queue."""
    return (
        visible_cases(user)
        .filter(state=Case.State.TRIAGED, window__code="mediation")
        .select_related("category__parent", "region__parent__parent")
        .annotate(risk_rank=_RISK_RANK)
        .order_by("-risk_mass", "-risk_rank", "-risk_repeat", "registered_at", "id")
    )


def assignment_rows(user: Any, *, limit: int) -> list[dict[str, Any]]:
    """The queue's rows, each with its best suggestion (the mediator the panel would
    propose): the county's mediators and their loads read once for the whole page."""
    cases = list(awaiting_assignment(user)[:limit])
    loads = open_case_counts() if cases else {}
    pools: dict[int, list[Mediator]] = {}
    today = timezone.localdate()
    rows = []
    for case in cases:
        if case.county_id not in pools:
            pools[case.county_id] = list(mediators_for(case.county_id))
        best = suggest_mediators(case, pool=pools[case.county_id], loads=loads)[:1]
        rows.append(
            {
                "case": case,
                "waiting_days": (today - timezone.localdate(case.registered_at)).days,
                "suggestion": best[0] if best else None,
            }
        )
    return rows
