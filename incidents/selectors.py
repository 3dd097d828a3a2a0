"""Reads of the incident command, their joins chosen once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from incidents.access import visible_incidents
from incidents.models import Incident, IncidentCategory


@dataclass(frozen=True)
class IncidentFilters:
    state: str = ""
    town: str = ""  # a town's region code
    category: str = ""  # an incident category's code
    urgency: str = ""


def incident_list(user: Any, filters: IncidentFilters = IncidentFilters()) -> QuerySet[Incident]:
    qs = visible_incidents(user).select_related(
        "category", "town", "grid", "department", "holder", "reporter"
    )
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.town:
        qs = qs.filter(town__code=filters.town)
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.urgency:
        qs = qs.filter(urgency=filters.urgency)
    return qs.order_by("-reported_at", "-id")


def incident_detail(incident: Incident) -> Incident:
    """The incident with its timeline (and their actors) and photos, in two queries more."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([incident], "events__actor", "photos")
    return incident


def category_list() -> QuerySet[IncidentCategory]:
    return IncidentCategory.objects.filter(active=True)


def state_counts(user: Any) -> dict[str, int]:
    """How many of the incidents the user sees are in each state (one query)."""
    from django.db.models import Count

    rows = visible_incidents(user).values("state").annotate(n=Count("id")).order_by()
    return {row["state"]: row["n"] for row in rows}


def town_figures(county_id: int | None, today: date) -> list[dict[str, Any]]:
    """Per town of the county: incidents by state, overdue and escalated (one query)."""
    from django.db.models import Count, Q

    by_state = {
        state: Count("id", filter=Q(state=state)) for state, _label in Incident.State.choices
    }
    rows = (
        Incident.objects.filter(county_id=county_id)
        .values("town__code", "town__name")
        .annotate(
            total=Count("id"),
            overdue=Count("id", filter=Q(state="assigned", due_on__lt=today)),
            escalations=Count("id", filter=Q(escalated_at__isnull=False)),
            **by_state,
        )
        .order_by("town__code")
    )
    return [
        {**row, "states": [row[state] for state, _label in Incident.State.choices]} for row in rows
    ]


def incident_figures(
    *, counties: list[Any], date_from: date, date_to: date, today: date
) -> dict[str, Any]:
    """The leaders' dashboard's incident figures for the incidents reported in the period:
    how many, how many of those with a deadline were fed back by it (a deadline still
    running is not judged yet), and the counts by category and by town."""
    from django.db.models import Count, F, Q

    qs = Incident.objects.filter(
        county__in=counties,
        reported_at__date__gte=date_from,
        reported_at__date__lte=date_to,
    )
    judged = Q(due_on__isnull=False) & (Q(handled_at__isnull=False) | Q(due_on__lt=today))
    totals = qs.aggregate(
        reported=Count("id"),
        judged=Count("id", filter=judged),
        on_time=Count("id", filter=judged & Q(handled_at__date__lte=F("due_on"))),
        closed=Count("id", filter=Q(state__in=["closed", "converted"])),
    )
    totals["on_time_rate"] = (
        round(100 * totals["on_time"] / totals["judged"], 1) if totals["judged"] else None
    )

    def by(field: str) -> list[dict[str, Any]]:
        return list(qs.values(name=F(field)).annotate(n=Count("id")).order_by("-n", "name")[:10])

    return {**totals, "categories": by("category__name"), "towns": by("town__name")}
