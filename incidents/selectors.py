"""Reads of the incident command, their joins chosen once."""

from __future__ import annotations

from dataclasses import dataclass
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
