"""``GET /api/v1/stats/overview/``: leaders and supervisors only, filters named on error,
each leader's scope (a county, or a city's counties side by side)."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from centre.tests.factories import CountyFactory, RegionFactory, UserFactory
from intake.tests.factories import reference_data
from risk.dashboard import rollups
from risk.tests.kpi_data import make_case, november, reference

URL = "/api/v1/stats/overview/"
PERIOD = {"from": "2026-10-15", "to": "2026-11-30"}


@pytest.fixture
def data(county, clerk):
    ref = reference(reference_data(county), clerk)
    november(ref)
    # A neighbouring county of the same city (湖州市 3305xx) with two cases, and one of
    # another city.
    neighbour = CountyFactory(code="330521", name="德清县", centre_name="德清县矛调中心")
    town = RegionFactory(code="330521100", name="武康街道", county=neighbour)
    for day in (date(2026, 11, 3), date(2026, 11, 4)):
        make_case(ref, day, county=neighbour, region=town, outcome="resolved", closed_after=2)
    far = CountyFactory(code="330102", name="上城区", centre_name="上城区矛调中心")
    far_town = RegionFactory(code="330102001", name="清波街道", county=far)
    make_case(ref, date(2026, 11, 3), county=far, region=far_town)
    rollups.rebuild()
    return ref


def get(user, **params):
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api.get(URL, {**PERIOD, **params})


def test_leader_reads_the_overview(data, leader):
    response = get(leader)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 8
    assert body["period"] == {"from": "2026-10-15", "to": "2026-11-30"}
    assert body["rates"]["resolution"] == {
        "label": "化解率",
        "definition": body["rates"]["resolution"]["definition"],
        "numerator": 4,
        "denominator": 5,
        "value": 0.8,
    }
    assert [c["code"] for c in body["by_county"]] == ["330523"]
    assert {"by_state", "by_window", "by_category", "by_town", "by_channel", "trend"} <= set(body)
    assert body["trend"]["unit"] == "day"


def test_supervisor_reads_it_too(data, supervisor):
    assert get(supervisor).status_code == 200


@pytest.mark.parametrize("role", ["clerk", "mediator", "judge", "grid_worker", "sysadmin"])
def test_other_roles_get_403(data, make_user, role):
    response = get(make_user(role, f"{role}-stats"))
    assert response.status_code == 403
    assert response.json()["detail"]


def test_anonymous_is_refused(data):
    assert get(None).status_code in (401, 403)


def test_a_bad_filter_names_the_field(data, leader):
    response = get(leader, region="330523107201")
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["region"]
    assert "乡镇/街道" in body["errors"]["region"][0]
    wrong = get(leader, to="2026-02-30").json()["errors"]
    assert wrong == {"to": ["日期应写作年-月-日，如2026-12-08"]}


def test_a_city_leader_sees_the_counties_under_them_side_by_side(data):
    city = UserFactory(
        username="city-leader", roles=["leader"], roles__county=data["county"], roles__scope="city"
    )
    body = get(city).json()
    assert body["total"] == 10  # 8 + 2 in 德清县; 上城区 is another city
    assert [(c["code"], c["total"], c["resolution_rate"]) for c in body["by_county"]] == [
        ("330521", 2, 1.0),
        ("330523", 8, 0.8),
    ]
    assert any(t["name"] == "德清县·武康街道" for t in body["by_town"])
    one = get(city, county="330521").json()
    assert one["total"] == 2
    assert get(city, county="330102").status_code == 400  # not under this city


def test_a_county_leader_does_not_see_the_neighbour(data, leader):
    assert get(leader, county="330521").status_code == 400
    assert get(leader).json()["total"] == 8


def test_the_overview_counts_handling_and_answered(data, leader):
    w = data["windows"]
    make_case(data, date(2026, 11, 16), state="handling", window=w["petition"])
    make_case(data, date(2026, 11, 17), outcome="answered", closed_after=0, window=w["legal_aid"])
    make_case(data, date(2026, 11, 18), outcome="refused", closed_after=3, window=w["legal_aid"])
    rollups.rebuild()
    body = get(leader).json()
    states = {row["code"]: row for row in body["by_state"]}
    assert states["handling"] == {"code": "handling", "name": "办理中", "count": 1}
    assert body["answered_consultations"] == 1
    resolution = body["rates"]["resolution"]
    assert (resolution["numerator"], resolution["denominator"]) == (5, 7)
