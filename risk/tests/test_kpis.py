"""Every dashboard figure equals the value computed by hand on crafted cases."""

from __future__ import annotations

from datetime import date

import pytest

from intake.tests.factories import reference_data
from risk.dashboard import kpis, rollups
from risk.tests.kpi_data import make_case, november, reference

PERIOD = {"from": "2026-10-15", "to": "2026-11-30"}


@pytest.fixture
def data(county, clerk):
    ref = reference(reference_data(county), clerk)
    cases = november(ref)
    rollups.rebuild()
    return ref, cases


def figures(user, **params):
    return kpis.overview(kpis.parse_filters(user, {**PERIOD, **params})).as_json()


def test_totals_and_breakdowns(data, leader):
    out = figures(leader)
    assert out["total"] == 8
    states = {row["code"]: row["count"] for row in out["by_state"]}
    assert states == {
        "registered": 1,
        "triaged": 0,
        "mediating": 1,
        "agreed": 1,
        "confirming": 0,
        "confirmed": 0,
        "mediation_failed": 0,
        "litigating": 0,
        "handling": 0,
        "referred": 0,
        "closed": 5,
    }
    assert {r["code"]: r["count"] for r in out["by_channel"]} == {
        "walk_in": 6,
        "phone": 1,
        "online": 0,
        "grid": 1,
        "platform": 0,
    }
    assert [(r["name"], r["count"]) for r in out["by_town"]] == [("天荒坪镇", 7), ("山川乡", 1)]
    assert [(r["code"], r["count"]) for r in out["by_category"]] == [("02", 6), ("06", 2)]
    assert [(r["code"], r["count"]) for r in out["by_window"]] == [
        ("mediation", 6),
        ("petition", 1),
        ("", 1),
    ]
    assert out["by_window"][2]["name"] == "未分流"
    assert out["repeat_visitors"] == 1
    assert out["mass_disputes"] == 1
    assert out["answered_consultations"] == 0
    assert out["overdue_now"] == 1


def test_rates_with_numerators_and_denominators(data, leader):
    rates = figures(leader)["rates"]

    def nd(name):
        return rates[name]["numerator"], rates[name]["denominator"], rates[name]["value"]

    assert nd("resolution") == (4, 5, 0.8)
    assert nd("mediation_success") == (3, 4, 0.75)
    assert nd("judicial_confirmation") == (1, 3, 0.3333)
    assert nd("on_time") == (4, 5, 0.8)
    assert nd("one_visit") == (4, 5, 0.8)
    assert rates["resolution"]["label"] == "化解率"
    assert "撤回" in rates["resolution"]["definition"]


def test_handling_days_average_and_p90(data, leader):
    days = figures(leader)["handling_days"]
    # 10, 20, 5, 1, 40 days
    assert days == {"closed": 5, "average": 15.2, "p90": 40, "p90_capped": False}


def test_filters(data, leader):
    ref, _cases = data
    assert figures(leader, region=ref["town2"].code)["total"] == 1
    assert figures(leader, category="06")["total"] == 2
    assert figures(leader, window="petition")["total"] == 1
    only_town1 = figures(leader, region=ref["town"].code)
    assert only_town1["total"] == 7
    assert only_town1["overdue_now"] == 1
    assert figures(leader, region=ref["town2"].code)["overdue_now"] == 0
    # a period inside one month (daily rows only) and exactly one month (monthly rows only)
    assert figures(leader, **{"from": "2026-11-01", "to": "2026-11-10"})["total"] == 4
    assert figures(leader, **{"from": "2026-11-01", "to": "2026-11-30"})["total"] == 6
    assert figures(leader, **{"from": "2026-10-01", "to": "2026-11-30"})["total"] == 9


def test_trend_series(data, leader):
    monthly = figures(leader, trend="month")["trend"]
    assert monthly["unit"] == "month"
    assert monthly["series"] == [
        {"period": "2026-10-01", "total": 2, "closed": 2, "resolved": 2},
        {"period": "2026-11-01", "total": 6, "closed": 3, "resolved": 2},
    ]
    daily = figures(leader)["trend"]  # 47 days: by day, empty days included
    assert daily["unit"] == "day"
    assert len(daily["series"]) == 47
    assert sum(p["total"] for p in daily["series"]) == 8
    assert daily["series"][5] == {"period": "2026-10-20", "total": 1, "closed": 1, "resolved": 1}
    weekly = figures(leader, trend="week")["trend"]
    assert weekly["series"][0]["period"] == "2026-10-12"  # the Monday of the first week
    assert sum(p["total"] for p in weekly["series"]) == 8


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "from"),
        ({"region": "330523107201"}, "region"),  # a village: the figures are per town
        ({"category": "0201"}, "category"),  # a sub-category
        ({"window": "nope"}, "window"),
        ({"trend": "year"}, "trend"),
        ({"county": "110101"}, "county"),  # not under the user
    ],
)
def test_bad_filters_name_the_field(data, leader, params, field):
    with pytest.raises(kpis.FilterError) as exc:
        kpis.parse_filters(leader, params)
    assert exc.value.field == field


def test_default_period_is_the_year_to_date(data, leader):
    f = kpis.parse_filters(leader, {}, today=date(2026, 11, 27))
    assert (f.date_from, f.date_to) == (date(2026, 1, 1), date(2026, 11, 27))


def test_a_fixed_number_of_queries(data, leader, django_assert_max_num_queries):
    filters = kpis.parse_filters(leader, {**PERIOD, "trend": "week"})
    with django_assert_max_num_queries(8):
        kpis.overview(filters)


def test_handling_days_under_each_filter(data, leader):
    ref, _cases = data

    def days(**params):
        out = figures(leader, **params)["handling_days"]
        return out["closed"], out["average"], out["p90"]

    assert days(region=ref["town2"].code) == (1, 5.0, 5)  # c3
    assert days(category="02") == (4, 14.0, 40)  # c1 10, c3 5, c4 1, c5 40
    assert days(window="mediation") == (4, 17.8, 40)  # c1, c2, c4, c5: 71 / 4, one decimal
    assert days(region=ref["town"].code, category="06") == (1, 20.0, 20)  # c2: two filters
    assert days(region=ref["town"].code, category="06", window="petition") == (0, None, None)


# --- The windows' own processes: handling, and the outcomes they close with -------------------


@pytest.fixture
def windows(county, clerk):
    """November's cases plus one a window is handling, a consultation answered at the
    desk, a petition declined and legal aid refused (all within the period)."""
    ref = reference(reference_data(county), clerk)
    november(ref)
    w = ref["windows"]
    make_case(ref, date(2026, 11, 16), state="handling", window=w["petition"])
    make_case(ref, date(2026, 11, 17), outcome="answered", closed_after=0, window=w["legal_aid"])
    make_case(ref, date(2026, 11, 18), outcome="declined", closed_after=2, window=w["petition"])
    make_case(ref, date(2026, 11, 19), outcome="refused", closed_after=5, window=w["legal_aid"])
    rollups.rebuild()
    return ref


def test_the_state_breakdown_counts_cases_a_window_is_handling(windows, leader):
    out = figures(leader)
    states = {row["code"]: (row["name"], row["count"]) for row in out["by_state"]}
    assert states["handling"] == ("办理中", 1)
    assert states["closed"] == ("已办结", 8)
    assert sum(count for _name, count in states.values()) == out["total"] == 12
    petition = {r["code"]: r["count"] for r in figures(leader, window="petition")["by_state"]}
    assert (petition["handling"], petition["closed"]) == (1, 2)  # c3 and the declined


def test_answered_consultations_are_counted_and_resolved(windows, leader):
    out = figures(leader)
    assert out["answered_consultations"] == 1
    resolution = out["rates"]["resolution"]
    # November's 4 of 5, plus the answered one; declined and refused are closed, unresolved.
    assert (resolution["numerator"], resolution["denominator"]) == (5, 8)
    assert "当场解答" in resolution["definition"]
    assert "不予受理" in resolution["definition"]
    assert figures(leader, window="legal_aid")["answered_consultations"] == 1
    assert figures(leader, window="petition")["answered_consultations"] == 0
    one_day = figures(leader, **{"from": "2026-11-17", "to": "2026-11-17"})
    assert one_day["trend"]["series"] == [
        {"period": "2026-11-17", "total": 1, "closed": 1, "resolved": 1}
    ]
