"""The county leaders' dashboard (领导驾驶舱)."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from centre import selectors
from centre.access import desk_required
from centre.replica import lag_tolerant
from feedback import selectors as feedback_selectors
from incidents import selectors as incident_selectors
from risk.dashboard import kpis, rollups
from risk.warnings import selectors as warning_selectors


def _quick_periods(today: date) -> list[tuple[str, date, date]]:
    month = today.replace(day=1)
    last_month_end = month - timedelta(days=1)
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return [
        (_("本月"), month, today),
        (_("上月"), last_month_end.replace(day=1), last_month_end),
        (_("本季度"), quarter, today),
        (_("本年"), date(today.year, 1, 1), today),
        (_("近30天"), today - timedelta(days=29), today),
        (_("近一年"), today - timedelta(days=364), today),
    ]


def _chart_data(overview: kpis.Overview, drill: str) -> dict:
    """What static/js/dashboard.js draws; each item carries the case-list filters it
    drills down to."""
    f = overview.filters

    def items(rows, param, key="count"):
        # A row without a code is "no window yet": the list's window=none.
        return [
            {"name": r["name"], "value": r[key], "params": {param: r["code"] or "none"}}
            for r in rows
        ]

    series = overview.trend["series"]
    unit = overview.trend["unit"]
    buckets = []
    for i, point in enumerate(series):
        start = max(date.fromisoformat(point["period"]), f.date_from)
        end = (
            date.fromisoformat(series[i + 1]["period"]) - timedelta(days=1)
            if i + 1 < len(series)
            else f.date_to
        )
        buckets.append({"from": start.isoformat(), "to": min(end, f.date_to).isoformat()})
    return {
        "drill": drill,
        "trend": {
            "unit": unit,
            "labels": [p["period"] for p in series],
            "total": [p["total"] for p in series],
            "closed": [p["closed"] for p in series],
            "resolved": [p["resolved"] for p in series],
            "buckets": buckets,
        },
        "state": items([r for r in overview.by_state if r["count"]], "state"),
        "window": items(overview.by_window, "window"),
        "category": items(overview.by_category, "category"),
        "town": items(overview.by_town, "region"),
        "channel": items([r for r in overview.by_channel if r["count"]], "channel"),
        "county": items(overview.by_county, "county", key="total") if len(f.counties) > 1 else [],
        "labels": {
            "total": _("登记数"),
            "closed": _("办结数"),
            "resolved": _("化解数"),
            "cases": _("案件数"),
            "empty": _("暂无数据"),
        },
    }


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _cards(overview: kpis.Overview, drill: str, overdue_url: str) -> list[dict]:
    """The figures across the top, each with its definition and the list it counts."""
    closed = f"{drill}&state=closed"
    rates = overview.rates
    days = overview.handling_days
    cards = [
        {
            "key": "total",
            "label": _("登记案件"),
            "value": f"{overview.total:,}",
            "detail": _("期间内登记"),
            "help": _("登记日期在所选期间内的案件（含各状态）。"),
            "url": drill,
        }
    ]
    for key in kpis.RATES:
        rate = rates[key]
        cards.append(
            {
                "key": key,
                "label": rate["label"],
                "value": _percent(rate["value"]),
                "detail": f"{rate['numerator']:,} / {rate['denominator']:,}",
                "help": rate["definition"],
                # Its denominator's cases, its numerator's marked (risk.dashboard.shares).
                "url": f"{drill}&rate={key}",
            }
        )
    p90 = days["p90"]
    cards += [
        {
            "key": "handling_days",
            "label": _("办理天数"),
            "value": "—" if days["average"] is None else _("平均%(d)s天") % {"d": days["average"]},
            "detail": "—"
            if p90 is None
            else (_("90%%在%(d)s天内办结") % {"d": f"{'≥' if days['p90_capped'] else ''}{p90}"}),
            "help": _(
                "办结案件从登记日到办结日的自然日数：平均值，以及90%的案件在多少天内办结（P90）。"
            ),
            "url": closed,
        },
        {
            "key": "overdue_now",
            "label": _("当前超期"),
            "value": f"{overview.overdue_now:,}",
            "detail": _("件未办结且已超期"),
            "help": _("此刻有法定期限已过而尚未办结的案件数（不受统计期间限制）。"),
            "url": overdue_url,
            "alert": overview.overdue_now > 0,
        },
        {
            "key": "answered",
            "label": _("当场解答"),
            "value": f"{overview.sums.get('answered', 0):,}",
            "detail": _("件咨询当场解答办结"),
            "help": _(
                "办结结果为“当场解答”的案件数：来访咨询在窗口当场解答即办结，计入化解率的分子"
                "和分母。"
            ),
            "url": f"{closed}&outcome=answered",
        },
        {
            "key": "repeat",
            "label": _("重复来访"),
            "value": f"{overview.sums.get('repeat', 0):,}",
            "detail": _("件申请人此前有过案件"),
            "help": _("申请人在其他案件中也出现过的案件数（登记时标记）。"),
            "url": f"{drill}&risk=repeat",
        },
        {
            "key": "mass",
            "label": _("群体性纠纷"),
            "value": f"{overview.sums.get('mass', 0):,}",
            "detail": _("件涉及5人以上或同一被申请人多案"),
            "help": _("涉及人数5人以上，或同一被申请人有多件未结案件的案件数（登记时标记）。"),
            "url": f"{drill}&risk=mass",
        },
    ]
    return cards


@desk_required("centre.view_dashboard")
@lag_tolerant
def dashboard(request: HttpRequest) -> HttpResponse:
    if settings.RISK_REFRESH_ON_VIEW:
        rollups.refresh()  # no beat here (the demo): the figures follow the cases at once
    profile = selectors.staff_profile(request.user)
    today = timezone.localdate()
    error = None
    scope = kpis.scope_counties(request.user, profile)
    try:
        filters = kpis.parse_filters(request.user, request.GET, today=today, counties=scope)
    except kpis.FilterError as exc:
        error = exc
        try:
            filters = kpis.parse_filters(request.user, {}, today=today, counties=scope)
        except kpis.FilterError:
            return render(request, "risk/dashboard.html", {"profile": profile, "error": exc})
    overview = kpis.overview(filters)
    params = filters.as_params()
    drill = f"{reverse('intake:cases')}?{urlencode(params)}"
    # Overdue now ignores the period: the same list without the dates.
    overdue = {k: v for k, v in params.items() if k not in ("from", "to")} | {"overdue": "1"}
    overdue_url = f"{reverse('intake:cases')}?{urlencode(overdue)}"
    quality = feedback_selectors.quality_figures(
        counties=filters.counties, date_from=filters.date_from, date_to=filters.date_to
    )
    context = {
        "profile": profile,
        "error": error,
        "filters": filters,
        "overview": overview,
        "cards": _cards(overview, drill, overdue_url),
        "drill": drill,
        "chart_data": _chart_data(overview, drill),
        "incident_figures": incident_selectors.incident_figures(
            counties=filters.counties,
            date_from=filters.date_from,
            date_to=filters.date_to,
            today=today,
        ),
        "quality_figures": quality,
        "figure_tables": [
            (_("承办窗口"), quality["windows"], "windows"),
            (_("调解员（主持调解）"), quality["mediators"], "mediators"),
            (_("调解组织"), quality["organisations"], "organisations"),
            (_("乡镇/街道"), quality["towns"], "towns"),
        ],
        "counties": scope if len(scope) > 1 else [],
        "towns": overview.towns,
        "categories": selectors.top_categories(),
        "windows": selectors.window_list(),
        "quick_periods": _quick_periods(today),
        "trend_units": [
            ("", _("自动")),
            ("day", _("按日")),
            ("week", _("按周")),
            ("month", _("按月")),
        ],
        "g": request.GET,
        "several_counties": len(filters.counties) > 1,
        "warnings": warning_selectors.latest_open_warnings(request.user),
    }
    return render(request, "risk/dashboard.html", context)
