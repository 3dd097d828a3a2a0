"""The only way a view, API view or task reaches an incident for a user.

Supervisors and leaders (``incidents.view_incident``) see their county's incidents; a
town's dispatcher those of their town (their staff region); a department's handler those
assigned to their department; a grid worker the ones they reported. Anyone else gets 404,
never a hint that the incident exists.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from centre.models import Region
from centre.selectors import staff_of
from incidents.models import Incident


def visible_incidents(user: Any) -> QuerySet[Incident]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Incident.objects.none()
    staff = staff_of(user)
    if staff is None:
        return Incident.objects.none()
    seen = Q(pk__in=[])
    if user.has_perm("incidents.view_incident"):
        seen |= Q(county_id=staff.county_id)
    if (
        user.has_perm("incidents.view_town_incident")
        and staff.region_id
        and staff.region.level == Region.Level.TOWN
    ):
        seen |= Q(town_id=staff.region_id)
    if user.has_perm("incidents.view_department_incident") and staff.department_id:
        seen |= Q(department_id=staff.department_id)
    if user.has_perm("incidents.report_incident"):
        seen |= Q(reporter_id=user.pk)
    return Incident.objects.filter(seen, county_id=staff.county_id)


def access_incident_for(user: Any, number: str, *, for_update: bool = False) -> Incident:
    """The incident ``number`` if ``user`` may see it, else 404. Rights to act on it are the
    caller's to check, so that someone who may see it but not act gets 403. ``for_update``
    locks the row (inside a transaction) for a step."""
    qs = visible_incidents(user).filter(number=number)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    qs = qs.select_related("county", "category", "town", "grid", "department")
    incident = qs.first()
    if incident is None:
        raise Http404
    return incident
