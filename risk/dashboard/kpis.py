"""The dashboard's figures, read from the rollups (a handful of queries whatever the size).

统计口径 (what every figure counts), shown in the page's help and the API's schema:
the cases registered within the period (by registration date) in the chosen counties,
town, category and window, each in its current state. A rate is numerator ÷ denominator
over those cases; both are given, so a rate of an empty set is ``None``, never 0 %.
"Overdue now" is the exception: it counts open cases with a clock past its due date today,
whatever their registration date, read live from the clocks (an indexed range).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centre.models import Category, County, Region, Window
from centre.names import ref_name
from centre.validators import day_in_range, out_of_range_message
from intake.models import Case
from risk.dashboard.rollups import month_start as _month_start
from risk.dashboard.rollups import next_month as _next_month
from risk.dashboard.rollups import refreshed_at
from risk.models import OverdueCell, Rollup, RollupDays
from risk.models.rollup import CHANNELS, FLAGS, MAX_DAYS, STATES, Grain

# The rates: name → (numerator column, denominator column, label, definition, the
# denominator's cases and what the numerator counts of them, as the drill-down names them).
RATES = {
    "resolution": (
        "resolved",
        "closed",
        _("化解率"),
        _(
            "已化解的办结案件 ÷ 办结案件。化解指办结结果为已化解、协议已履行、经司法确认、"
            "诉讼解决、办理完毕或当场解答；撤回、未化解、不予受理和不予法律援助不计入分子。"
        ),
        _("办结案件"),
        _("已化解"),
    ),
    "mediation_success": (
        "mediation_succeeded",
        "mediation_ended",
        _("调解成功率"),
        _("达成调解协议的案件 ÷ 调解已结束（达成协议或调解不成）的案件。"),
        _("调解已结束（达成协议或调解不成）的案件"),
        _("达成调解协议"),
    ),
    "judicial_confirmation": (
        "confirmed",
        "agreed",
        _("司法确认率"),
        _("经法院裁定确认有效的调解协议 ÷ 达成调解协议的案件。"),
        _("达成调解协议的案件"),
        _("经法院裁定确认"),
    ),
    "on_time": (
        "on_time",
        "closed",
        _("按期办结率"),
        _("办结且每一项法定期限都未超期的案件 ÷ 办结案件。"),
        _("办结案件"),
        _("每一项法定期限都未超期"),
    ),
    "one_visit": (
        "one_visit",
        "closed",
        _("最多跑一地率"),
        _("办结且既未在窗口之间转办、也未因不满意评价重新办理的案件 ÷ 办结案件。"),
        _("办结案件"),
        _("未转办、未重新办理"),
    ),
}
TREND_UNITS = ("day", "week", "month")
FIGURES = ["n", *(f"st_{s}" for s in STATES), *(f"ch_{c}" for c in CHANNELS), *FLAGS, "days_sum"]


class FilterError(ValueError):
    """A filter the figures cannot be computed for: ``field`` names the parameter."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class StatsFilters:
    counties: list[County]
    date_from: date
    date_to: date
    town: Region | None = None
    category: Category | None = None
    window: Window | None = None
    trend: str = ""  # day / week / month; empty: chosen from the period's length

    def trend_unit(self) -> str:
        if self.trend:
            return self.trend
        days = (self.date_to - self.date_from).days + 1
        return "day" if days <= 62 else "week" if days <= 190 else "month"

    def as_params(self) -> dict[str, str]:
        """The filters as the case list's GET parameters (for drill-downs)."""
        params = {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}
        if len(self.counties) == 1:
            params["county"] = self.counties[0].code
        if self.town:
            params["region"] = self.town.code
        if self.category:
            params["category"] = self.category.code
        if self.window:
            params["window"] = self.window.code
        return params


def scope_counties(user: Any, staff: Any = None) -> list[County]:
    """The counties whose figures the user may read: their own, or for a city's or a
    province's leader, the counties under them. ``staff``: the user's profile, if loaded."""
    staff = staff or getattr(user, "staff", None)
    if staff is None:
        return []
    return list(County.objects.filter(code__startswith=staff.scope_prefix).order_by("code"))


def parse_filters(
    user: Any,
    params: dict[str, str],
    today: date | None = None,
    counties: list[County] | None = None,
) -> StatsFilters:
    """Filters from GET parameters; a bad one raises FilterError naming it. ``counties``:
    the user's scope when the caller has it already."""
    today = today or timezone.localdate()
    counties = scope_counties(user) if counties is None else counties
    if not counties:
        raise FilterError("county", str(_("您的账号未关联县（市、区），无法查看统计")))
    code = params.get("county", "")
    if code:
        counties = [c for c in counties if c.code == code]
        if not counties:
            raise FilterError("county", str(_("县（市、区）代码不存在或不在您的查看范围内")))

    def day(name: str, default: date) -> date:
        raw = params.get(name, "")
        if not raw:
            return default
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            raise FilterError(name, str(_("日期应写作年-月-日，如2026-12-08"))) from None
        if not day_in_range(value):  # the periods' arithmetic overflows near date.max
            raise FilterError(name, out_of_range_message())
        return value

    date_to = day("to", today)
    date_from = day("from", date(date_to.year, 1, 1))
    if date_from > date_to:
        raise FilterError("from", str(_("开始日期不能晚于结束日期")))
    if (date_to - date_from).days > 366 * 10:
        raise FilterError("from", str(_("统计期间不能超过十年")))
    filters = StatsFilters(counties=counties, date_from=date_from, date_to=date_to)
    if code := params.get("region", ""):
        filters.town = Region.objects.filter(
            code=code, county__in=counties, level=Region.Level.TOWN
        ).first()
        if filters.town is None:
            raise FilterError("region", str(_("区划代码应为所辖乡镇/街道的代码")))
    if code := params.get("category", ""):
        filters.category = Category.objects.filter(code=code, parent__isnull=True).first()
        if filters.category is None:
            raise FilterError("category", str(_("类别编码应为一级纠纷类别的编码")))
    if code := params.get("window", ""):
        filters.window = Window.objects.filter(code=code).first()
        if filters.window is None:
            raise FilterError("window", str(_("窗口编码不存在")))
    trend = params.get("trend", "")
    if trend and trend not in TREND_UNITS:
        raise FilterError("trend", str(_("趋势粒度应为按日、按周或按月")))
    filters.trend = trend
    return filters


def _segments(date_from: date, date_to: date) -> Q:
    """The rows covering [from, to]: whole months from the monthly rows, the ragged ends
    from the daily rows."""
    first_full = date_from if date_from.day == 1 else _next_month(date_from)
    after_last_full = _month_start(date_to + timedelta(days=1))
    if first_full >= after_last_full:  # no whole month inside
        return Q(grain=Grain.DAY, period__gte=date_from, period__lte=date_to)
    q = Q(grain=Grain.MONTH, period__gte=first_full, period__lt=after_last_full)
    if date_from < first_full:
        q |= Q(grain=Grain.DAY, period__gte=date_from, period__lt=first_full)
    if after_last_full <= date_to:
        q |= Q(grain=Grain.DAY, period__gte=after_last_full, period__lte=date_to)
    return q


def _cells(model, filters: StatsFilters, periods: Q) -> QuerySet:
    qs = model.objects.filter(periods, county_id__in=[c.pk for c in filters.counties])
    if filters.town:
        qs = qs.filter(town_id=filters.town.pk)
    if filters.category:
        qs = qs.filter(category_id=filters.category.pk)
    if filters.window:
        qs = qs.filter(window_id=filters.window.pk)
    return qs


def _largest_first(row: dict) -> tuple:
    """Largest first; ties by code, the unassigned (no code) last."""
    return (-row["count"], row["code"] == "", row["code"])


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _percentile(histogram: dict[int, int], fraction: float) -> int | None:
    """The smallest number of days within which ``fraction`` of the cases were closed."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = fraction * total
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= rank:
            return days
    return max(histogram)


@dataclass
class Overview:
    filters: StatsFilters
    total: int = 0
    sums: dict[str, int] = field(default_factory=dict)
    by_state: list[dict] = field(default_factory=list)
    by_window: list[dict] = field(default_factory=list)
    by_category: list[dict] = field(default_factory=list)
    by_town: list[dict] = field(default_factory=list)
    by_channel: list[dict] = field(default_factory=list)
    by_county: list[dict] = field(default_factory=list)
    rates: dict[str, dict] = field(default_factory=dict)
    handling_days: dict[str, Any] = field(default_factory=dict)
    overdue_now: int = 0
    trend: dict[str, Any] = field(default_factory=dict)
    refreshed_at: Any = None
    towns: list[Region] = field(default_factory=list)  # of the counties, for pickers

    def as_json(self) -> dict[str, Any]:
        f = self.filters
        return {
            "period": {"from": f.date_from.isoformat(), "to": f.date_to.isoformat()},
            "filters": {
                "counties": [c.code for c in f.counties],
                "region": f.town.code if f.town else None,
                "category": f.category.code if f.category else None,
                "window": f.window.code if f.window else None,
            },
            "refreshed_at": self.refreshed_at.isoformat() if self.refreshed_at else None,
            "total": self.total,
            "by_state": self.by_state,
            "by_window": self.by_window,
            "by_category": self.by_category,
            "by_town": self.by_town,
            "by_channel": self.by_channel,
            "by_county": self.by_county,
            "rates": self.rates,
            "handling_days": self.handling_days,
            "overdue_now": self.overdue_now,
            "repeat_visitors": self.sums.get("repeat", 0),
            "mass_disputes": self.sums.get("mass", 0),
            "answered_consultations": self.sums.get("answered", 0),
            "trend": self.trend,
        }


def overview(filters: StatsFilters) -> Overview:
    """Every figure of the dashboard for these filters: four queries on the rollups and
    the clocks, whatever the number of cases."""
    result = Overview(filters=filters, refreshed_at=refreshed_at())
    periods = _segments(filters.date_from, filters.date_to)
    # 1. The period's cells summed per (county, town, category, window): at most a few
    #    thousand rows, from which every breakdown is added up here.
    groups = list(
        _cells(Rollup, filters, periods)
        .values("county_id", "town_id", "category_id", "window_id")
        .annotate(**{f: Sum(f) for f in FIGURES})
        .order_by()
    )
    totals: dict[str, int] = defaultdict(int)
    per: dict[str, dict[int, int]] = {
        k: defaultdict(int) for k in ("county", "town", "category", "window")
    }
    county_sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g in groups:
        for f in FIGURES:
            totals[f] += g[f] or 0
        for k in ("town", "category", "window"):
            per[k][g[f"{k}_id"]] += g["n"]
        for f in ("n", *FLAGS, "days_sum"):
            county_sums[g["county_id"]][f] += g[f] or 0
    result.total = totals["n"]
    result.sums = dict(totals)
    state_labels = dict(Case.State.choices)
    result.by_state = [
        {"code": s, "name": str(state_labels[s]), "count": totals[f"st_{s}"]} for s in STATES
    ]
    channel_labels = dict(Case.Channel.choices)
    result.by_channel = [
        {"code": c, "name": str(channel_labels[c]), "count": totals[f"ch_{c}"]} for c in CHANNELS
    ]
    windows = {w.pk: w for w in Window.objects.all()}
    result.by_window = sorted(
        (
            {
                "code": windows[pk].code if pk in windows else "",
                "name": ref_name(windows[pk]) if pk in windows else str(_("未分流")),
                "count": n,
            }
            for pk, n in per["window"].items()
            if n
        ),
        key=_largest_first,
    )
    categories = {c.pk: c for c in Category.objects.filter(parent__isnull=True)}
    result.by_category = sorted(
        (
            {"code": categories[pk].code, "name": ref_name(categories[pk]), "count": n}
            for pk, n in per["category"].items()
            if n and pk in categories
        ),
        key=_largest_first,
    )
    result.towns = list(
        Region.objects.filter(county__in=filters.counties, level=Region.Level.TOWN)
        .select_related("county")
        .order_by("county__code", "order", "code")
    )
    towns = {t.pk: t for t in result.towns}
    several = len(filters.counties) > 1
    result.by_town = sorted(
        (
            {
                "code": towns[pk].code,
                "name": (f"{towns[pk].county.name}·" if several else "") + ref_name(towns[pk]),
                "count": n,
            }
            for pk, n in per["town"].items()
            if n and pk in towns
        ),
        key=_largest_first,
    )
    for name, (num, den, label, definition, *_names) in RATES.items():
        result.rates[name] = {
            "label": str(label),
            "definition": str(definition),
            "numerator": totals[num],
            "denominator": totals[den],
            "value": _rate(totals[num], totals[den]),
        }
    for county in filters.counties:
        s = county_sums.get(county.pk, {})
        result.by_county.append(
            {
                "code": county.code,
                "name": county.name,
                "total": s.get("n", 0),
                "closed": s.get("closed", 0),
                "resolution_rate": _rate(s.get("resolved", 0), s.get("closed", 0)),
                "on_time_rate": _rate(s.get("on_time", 0), s.get("closed", 0)),
                "mediation_success_rate": _rate(
                    s.get("mediation_succeeded", 0), s.get("mediation_ended", 0)
                ),
                "average_handling_days": round(s["days_sum"] / s["closed"], 1)
                if s.get("closed")
                else None,
            }
        )
    # 2. Handling days: a histogram, for the 90th percentile, at the grain the filters need.
    histogram = {
        row["days"]: row["k"]
        for row in _cells(RollupDays, filters, periods)
        .filter(dim=_histogram_dim(filters))
        .values("days")
        .annotate(k=Sum("n"))
        .order_by()
    }
    closed = totals["closed"]
    p90 = _percentile(histogram, 0.9)
    result.handling_days = {
        "closed": closed,
        "average": round(totals["days_sum"] / closed, 1) if closed else None,
        "p90": p90,
        "p90_capped": p90 is not None and p90 >= MAX_DAYS,
    }
    # 3. Overdue now, live.
    result.overdue_now = overdue_now(filters)
    # 4. The trend.
    result.trend = trend(filters)
    return result


def _histogram_dim(filters: StatsFilters) -> str:
    chosen = [
        dim
        for dim, value in (
            (RollupDays.Dim.TOWN, filters.town),
            (RollupDays.Dim.CATEGORY, filters.category),
            (RollupDays.Dim.WINDOW, filters.window),
        )
        if value is not None
    ]
    if not chosen:
        return RollupDays.Dim.ALL
    return chosen[0] if len(chosen) == 1 else RollupDays.Dim.CELL


def overdue_now(filters: StatsFilters) -> int:
    """Open cases with a running clock past its due date, as of the last refresh (the
    refresh recomputes them every minute from the clocks)."""
    return _cells(OverdueCell, filters, Q()).aggregate(n=Sum("n"))["n"] or 0


def trend(filters: StatsFilters) -> dict[str, Any]:
    """Registered, closed and resolved cases per day, week or month of the period."""
    unit = filters.trend_unit()
    if unit == "month":
        rows = _cells(Rollup, filters, _segments(filters.date_from, filters.date_to)).annotate(
            bucket=TruncMonth("period")
        )
    else:
        daily = Q(grain=Grain.DAY, period__gte=filters.date_from, period__lte=filters.date_to)
        bucket = TruncWeek("period") if unit == "week" else F("period")
        rows = _cells(Rollup, filters, daily).annotate(bucket=bucket)
    data = {
        row["bucket"]: row
        for row in rows.values("bucket")
        .annotate(total=Sum("n"), closed=Sum("closed"), resolved=Sum("resolved"))
        .order_by()
    }
    series = []
    for bucket in _buckets(filters.date_from, filters.date_to, unit):
        row = data.get(bucket, {})
        series.append(
            {
                "period": bucket.isoformat(),
                "total": row.get("total") or 0,
                "closed": row.get("closed") or 0,
                "resolved": row.get("resolved") or 0,
            }
        )
    return {"unit": unit, "series": series}


def _buckets(date_from: date, date_to: date, unit: str) -> list[date]:
    """Every bucket of the period, empty ones included (a chart needs the gaps)."""
    if unit == "day":
        return [date_from + timedelta(days=i) for i in range((date_to - date_from).days + 1)]
    if unit == "week":
        start = date_from - timedelta(days=date_from.weekday())
        return [start + timedelta(weeks=i) for i in range((date_to - start).days // 7 + 1)]
    out, month = [], _month_start(date_from)
    while month <= date_to:
        out.append(month)
        month = _next_month(month)
    return out
