"""Reads of the risk warnings: who sees which, filtered; the dashboard's latest.

A warning's evidence (case ids and numbers) is stored on its row, so a page of warnings is
one query for the rows (with the county and the people who acted joined in) whatever the
number of cases each cites.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from risk.models.warning import LEVEL_RANK, Kind, Level, RiskWarning

VIEW = "centre.view_dashboard"
HANDLE = "risk.handle_riskwarning"
OPEN = "open"  # the status filter meaning "new or acknowledged"
STATUSES = (OPEN, *RiskWarning.Status.values)


@dataclass(frozen=True)
class WarningFilters:
    status: str = ""
    kind: str = ""
    level: str = ""

    def errors(self) -> dict[str, list[str]]:
        """Unknown values, by field (the API answers 400 naming them)."""
        errors = {}
        for name, allowed in (("status", STATUSES), ("kind", Kind.values), ("level", Level.values)):
            value = getattr(self, name)
            if value and value not in allowed:
                errors[name] = [
                    _("“%(value)s”不是有效的取值，可选：%(allowed)s")
                    % {"value": value, "allowed": _("、").join(allowed)}
                ]
        return errors


def visible_warnings(user: Any) -> QuerySet[RiskWarning]:
    """Warnings of the user's county; a city's or province's leader (``StaffProfile.scope``)
    sees those of every county whose code starts with their prefix. Only staff who may
    read the dashboard see warnings at all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return RiskWarning.objects.none()
    staff = getattr(user, "staff", None)  # a missing profile raises an AttributeError
    if staff is None or not user.has_perm(VIEW):
        return RiskWarning.objects.none()
    qs = RiskWarning.objects.select_related("county", "acknowledged_by", "handled_by")
    if staff.scope != staff.Scope.COUNTY:
        return qs.filter(county__code__startswith=staff.scope_prefix)
    return qs.filter(county_id=staff.county_id)


def warning_list(user: Any, filters: WarningFilters | None = None) -> QuerySet[RiskWarning]:
    qs = visible_warnings(user)
    f = filters or WarningFilters()
    if f.status == OPEN:
        qs = qs.filter(status__in=RiskWarning.OPEN)
    elif f.status in RiskWarning.Status.values:
        qs = qs.filter(status=f.status)
    if f.kind in Kind.values:
        qs = qs.filter(kind=f.kind)
    if f.level in Level.values:
        qs = qs.filter(level=f.level)
    return qs.order_by("-created_at", "-id")


def _by_severity(qs: QuerySet[RiskWarning]) -> QuerySet[RiskWarning]:
    rank = Case(
        *[When(level=level, then=Value(n)) for level, n in LEVEL_RANK.items()],
        output_field=IntegerField(),
    )
    return qs.annotate(rank=rank).order_by("-rank", "-created_at", "-id")


def latest_open_warnings(user: Any, limit: int = 8) -> list[RiskWarning]:
    """The dashboard card: open warnings, the most severe and newest first."""
    return list(_by_severity(visible_warnings(user).filter(status__in=RiskWarning.OPEN))[:limit])


def warning_for(user: Any, pk: int) -> RiskWarning:
    """A warning the user may see, else 404 (no hint that it exists)."""
    warning = visible_warnings(user).filter(pk=pk).first()
    if warning is None:
        raise Http404
    return warning


def can_handle(user: Any, warning: RiskWarning) -> bool:
    """Acknowledge and handle: the right, on a warning of the user's own county."""
    staff = getattr(user, "staff", None)
    return user.has_perm(HANDLE) and staff is not None and staff.county_id == warning.county_id
