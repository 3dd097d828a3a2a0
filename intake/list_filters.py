"""The case list's filters as people read them: places, counties, windows and categories
by name (递铺街道, not 330523001), in the controls and in the line saying what the list is
filtered by. Names come from the reference cache (centre.refcache), so that a page of the
list costs no query more for them once a worker has read them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from centre import refcache
from centre import selectors as centre_selectors
from centre.models import County, Region
from centre.names import pick, ref_name
from intake import shares
from intake.models import Case
from intake.selectors import CaseFilters


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    name_en: str = ""
    # What it is read with: its county, for a leader reading several; a village's town.
    above: str = ""
    above_en: str = ""
    town: bool = True  # else a village or a grid

    @property
    def label(self) -> str:
        """In the reader's language, as of this request (the Place itself is cached)."""
        own = pick(self.name, self.name_en)
        return f"{pick(self.above, self.above_en)}·{own}" if self.above else own


def towns(user: Any) -> list[Place]:
    """The towns of the counties the user reads, for the list's 乡镇/街道 picker."""
    staff = centre_selectors.staff_of(user)
    if staff is None:
        return []
    prefix = staff.scope_prefix
    return refcache.get(("intake:towns", prefix), lambda: _towns(prefix))


def _towns(prefix: str) -> list[Place]:
    rows = list(
        Region.objects.filter(county__code__startswith=prefix, level=Region.Level.TOWN)
        .order_by("county__code", "order", "code")
        .values_list("code", "name", "name_en", "county__name", "county_id")
    )
    several = len({county for *_rest, county in rows}) > 1
    return [
        Place(code, name, name_en, above=county if several else "")
        for code, name, name_en, county, _pk in rows
    ]


def place(code: str, towns: list[Place]) -> Place | None:
    """The place a region code names (a town from the picker, or a village or grid)."""
    if not code:
        return None
    for town in towns:
        if town.code == code:
            return town
    return refcache.get(("intake:place", code), lambda: _place(code))


def _place(code: str) -> Place | None:
    region = Region.objects.filter(code=code).select_related("parent").first()
    if region is None:
        return None
    # A village or grid reads with the place above it: 余村 alone may be in two towns.
    parent = region.parent
    return Place(
        region.code,
        region.name,
        region.name_en,
        above=parent.name if parent else "",
        above_en=parent.name_en if parent else "",
        town=region.level == Region.Level.TOWN,
    )


def county_name(code: str) -> str:
    if not code:
        return ""
    name = refcache.get(
        ("intake:county", code),
        lambda: County.objects.filter(code=code).values_list("name", flat=True).first(),
    )
    return name or code


def described(
    filters: CaseFilters, *, region: Place | None, county: str, raw_region: str
) -> list[tuple[str, str]]:
    """The active filters as (label, value) in words, for the line above the list."""
    windows = {w.code: ref_name(w) for w in centre_selectors.window_list()}
    categories = {c.code: ref_name(c) for c in centre_selectors.top_categories()}
    risks = {"mass": _("群体性"), "repeat": _("重复来访"), **dict(Case.RiskLevel.choices)}
    out: list[tuple[str, str]] = []
    if share := shares.get(filters.rate):
        out.append((_("指标"), _("%(label)s的分母") % {"label": share.label}))
    if filters.state:
        out.append((_("状态"), str(dict(Case.State.choices).get(filters.state, filters.state))))
    if filters.window:
        name = _("未分流") if filters.window == "none" else windows.get(filters.window)
        out.append((_("承办窗口"), str(name or filters.window)))
    if filters.category:
        out.append((_("纠纷类别"), categories.get(filters.category, filters.category)))
    if raw_region:
        label = _("乡镇/街道") if region is None or region.town else _("发生地")
        out.append((label, region.label if region else raw_region))
    if county:
        out.append((_("县（市、区）"), county))
    if filters.date_from or filters.date_to:
        start = date_format(filters.date_from, "DATE_FORMAT") if filters.date_from else ""
        end = date_format(filters.date_to, "DATE_FORMAT") if filters.date_to else ""
        if start and end:
            period = _("%(start)s至%(end)s") % {"start": start, "end": end}
        elif start:
            period = _("%(start)s起") % {"start": start}
        else:
            period = _("截至%(end)s") % {"end": end}
        out.append((_("登记日期"), period))
    if filters.channel:
        channel = dict(Case.Channel.choices).get(filters.channel, filters.channel)
        out.append((_("来源渠道"), str(channel)))
    if filters.risk:
        out.append((_("风险"), str(risks.get(filters.risk, filters.risk))))
    if filters.outcome:
        outcome = dict(Case.Outcome.choices).get(filters.outcome, filters.outcome)
        out.append((_("办结结果"), str(outcome)))
    if filters.overdue:
        out.append((_("当前超期"), _("是")))
    return out


def context(user: Any, filters: CaseFilters) -> dict[str, Any]:
    """What the list's template needs to show its filters by name."""
    picker = towns(user)
    region = place(filters.region, picker)
    county = county_name(filters.county)
    return {
        "towns": picker,
        "region": region,
        "county_name": county,
        "described": described(filters, region=region, county=county, raw_region=filters.region),
    }
