"""Reads of the centre app."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from centre import refcache
from centre.models import AuditLog, Category, County, Region, StaffProfile, Window
from centre.roles import ROLES


def user_role_codes(user: Any) -> list[str]:
    """The user's roles in home-page order. Cached on the user for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_centre_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = [code for code in ROLES if code in names]  # ROLES is in rank order
        user._centre_roles = cached
    return cached


def home_url_name(user: Any) -> str | None:
    roles = user_role_codes(user)
    return ROLES[roles[0]].home if roles else None


def staff_profile(user: Any) -> StaffProfile | None:
    return (
        StaffProfile.objects.select_related("county", "department", "window", "region")
        .filter(user_id=user.pk)
        .first()
    )


def staff_of(user: Any) -> StaffProfile | None:
    """``staff_profile`` through the reference cache (centre.refcache), for the paths that
    run on every registration: shared by the requests of a process, so read-only."""
    if not getattr(user, "is_authenticated", False):
        return None
    return refcache.get(("staff", user.pk), lambda: staff_profile(user))


# Reference lists change a few times a year and appear on most pages: kept in each
# process's memory (centre.refcache), so an administrator's edit shows within a second
# without a query, nor a Redis round trip, on every page. Read-only.


def window_list() -> list[Window]:
    return refcache.get("centre:windows", lambda: list(Window.objects.all()))


def category_list(*, active_only: bool = True) -> QuerySet[Category]:
    qs = Category.objects.select_related("parent")
    return qs.filter(active=True) if active_only else qs


def top_categories() -> list[Category]:
    return refcache.get(
        "centre:top-categories",
        lambda: list(Category.objects.filter(parent__isnull=True, active=True)),
    )


def region_children(*, parent_code: str | None) -> QuerySet[Region]:
    """Regions directly under ``parent_code``: a county code gives its towns, a town code
    its villages, a village code its grids. No code gives every county's towns."""
    qs = Region.objects.select_related("county", "parent").annotate(
        has_children=Exists(Region.objects.filter(parent=OuterRef("pk")))
    )
    if not parent_code:
        return qs.filter(level=Region.Level.TOWN)
    if County.objects.filter(code=parent_code).exists():
        return qs.filter(county__code=parent_code, level=Region.Level.TOWN)
    return qs.filter(parent__code=parent_code)


def audit_log_list() -> QuerySet[AuditLog]:
    return AuditLog.objects.select_related("county")


def region_path(region: Region) -> list[Region]:
    """The region and its ancestors, town first."""
    path = [region]
    while path[0].parent_id:
        path.insert(0, Region.objects.get(pk=path[0].parent_id))
    return path


def town_overview(*, county: County) -> QuerySet[Region]:
    """The county's towns with how many villages/communities and grids each has."""
    return (
        Region.objects.filter(county=county, level=Region.Level.TOWN)
        .annotate(
            villages=Count("children", distinct=True),
            grids=Count("children__children", distinct=True),
        )
        .order_by("code")
    )


def inbox(user: Any) -> QuerySet:
    from centre.models import Notification

    return Notification.objects.filter(
        recipient_user=user, channel=Notification.Channel.INAPP
    ).order_by("-created_at")


def unread_count(user: Any) -> int:
    from centre.models import Notification

    return Notification.objects.filter(
        recipient_user=user, channel=Notification.Channel.INAPP, read_at__isnull=True
    ).count()


def calendar_warning(today: date | None = None) -> str | None:
    """From 1 November (the State Council publishes the next year's schedule in November),
    the administrators are warned until the coming year is entered."""
    from centre.models import CalendarYear

    today = today or timezone.localdate()
    coming = today.year + 1
    if today.month < 11 or CalendarYear.objects.filter(year=coming).exists():
        return None
    return _(
        "尚未录入%(year)d年的法定节假日安排：届满日落在%(year)d年的期限只按周末计算并标为“暂定”。"
        "请按国务院办公厅通知在“节假日安排”中录入，或使用import_holidays命令导入。"
    ) % {"year": coming}
