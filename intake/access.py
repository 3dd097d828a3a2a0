"""The only way a view, API view or task reaches a case for a user.

Staff whose role covers their county's cases (clerks, supervisors, leaders: the model-level
``intake.view_case``) see that county's cases; others (mediators, judges) see only the
cases they hold a per-case right on (django-guardian); a partner platform's service account
sees the cases it sent. Anyone else gets 404, never a hint that the case exists.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from centre.models import ServiceAccount
from centre.selectors import staff_of
from intake.models import Case

VIEW = "intake.view_case"
# A partner platform's service account: only the cases it sent (its source).
SOURCE_CASES = "intake.view_source_cases"
PERSONAL_DATA = "intake.view_personal_data"


def visible_cases(user: Any) -> QuerySet[Case]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    if user.has_perm(VIEW):
        staff = staff_of(user)
        if staff is None:
            return Case.objects.none()
        if staff.scope != staff.Scope.COUNTY:
            # A city's or province's leader: the counties under them (masked lists only:
            # the right to full personal data is per county's own staff).
            return Case.objects.filter(county__code__startswith=staff.scope_prefix)
        return Case.objects.filter(county_id=staff.county_id)
    if user.has_perm(SOURCE_CASES):
        sent = ServiceAccount.objects.filter(user=user, source__isnull=False).values("source")
        return Case.objects.filter(source__in=sent)
    return get_objects_for_user(
        user, VIEW, klass=Case, accept_global_perms=False, with_superuser=False
    )


def access_case_for(user: Any, number: str, *, for_update: bool = False) -> Case:
    """The case ``number`` if ``user`` may see it, else 404. Rights to act on it are
    checked by the caller, so that someone who may see a case but not act on it gets 403.
    ``for_update`` locks the row (inside a transaction) for a transition."""
    qs = visible_cases(user).filter(number=number).select_related("county", "window")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    case = qs.first()
    if case is None:
        raise Http404
    return case


def can_see_personal_data(user: Any, case: Case) -> bool:
    """Full ID numbers and phones: supervisors of the county, and staff holding the right
    on this very case (the clerk who registered it, the mediators assigned to it)."""
    staff = staff_of(user)
    own_county = staff is not None and staff.county_id == case.county_id
    return (own_county and user.has_perm(PERSONAL_DATA)) or user.has_perm(PERSONAL_DATA, case)
