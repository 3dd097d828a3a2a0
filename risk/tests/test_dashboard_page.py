"""The dashboard page: figures, filters, drill-downs into masked case lists, scope."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape
from urllib.parse import parse_qsl

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centre.tests.factories import CountyFactory, RegionFactory, UserFactory
from intake.tests.factories import reference_data, register
from risk.dashboard import rollups
from risk.ledger import export as ledger
from risk.tests.kpi_data import make_case, november, reference

PERIOD = {"from": "2026-10-15", "to": "2026-11-30"}


@pytest.fixture
def data(county, clerk):
    ref = reference(reference_data(county), clerk)
    cases = november(ref)
    rollups.rebuild()
    return ref, cases


def page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("risk:dashboard"), {**PERIOD, **params})
    assert response.status_code == 200
    return response.content.decode()


def chart_data(html: str) -> dict:
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))


def card(html: str, key: str) -> str:
    match = re.search(rf'href="([^"]*)" data-kpi="{key}"[^>]*>(.*?)</a>', html, re.S)
    return unescape(match.group(1)), re.sub(r"<[^>]+>|\s+", " ", match.group(2))


def test_the_leader_sees_the_figures(client, data, leader):
    html = page(client, leader)
    assert "化解率" in card(html, "resolution")[1]
    assert "80.0%" in card(html, "resolution")[1] and "4 / 5" in card(html, "resolution")[1]
    assert "平均15.2天" in card(html, "handling_days")[1]
    assert "90%在40天内办结" in card(html, "handling_days")[1]
    assert " 1 " in card(html, "overdue_now")[1]
    assert "2026年10月15日至2026年11月30日登记的案件" in html
    data_ = chart_data(html)
    assert [i["name"] for i in data_["town"]] == ["天荒坪镇", "山川乡"]
    assert data_["trend"]["unit"] == "day" and sum(data_["trend"]["total"]) == 8


def test_every_figure_drills_down_to_the_cases_it_counts(client, data, leader):
    html = page(client, leader)
    data_ = chart_data(html)
    base = data_["drill"]
    assert base.startswith("/intake/cases/?") and "from=2026-10-15" in base

    def listed(url: str) -> set[str]:
        body = client.get(url).content.decode()
        return set(re.findall(r"330523-2026-\d{6}", body))

    _ref, cases = data
    numbers = {k: c.number for k, c in cases.items()}
    assert listed(base) == {numbers[f"c{i}"] for i in range(1, 9)}
    # A rate lists its denominator's cases (every closed case for the resolution rate).
    assert listed(card(html, "resolution")[0]) == {numbers[f"c{i}"] for i in range(1, 6)}
    assert listed(card(html, "overdue_now")[0]) == {numbers["c6"]}
    assert listed(card(html, "mass")[0]) == {numbers["c8"]}
    town2 = next(i for i in data_["town"] if i["name"] == "山川乡")
    assert listed(f"{base}&region={town2['params']['region']}") == {numbers["c3"]}
    grid = next(i for i in data_["channel"] if i["params"].get("channel") == "grid")
    assert listed(f"{base}&channel=grid") == {numbers["c5"]} and grid["value"] == 1
    unassigned = next(i for i in data_["window"] if i["name"] == "未分流")
    assert listed(f"{base}&window={unassigned['params']['window']}") == {numbers["c8"]}
    october = data_["trend"]["buckets"][data_["trend"]["labels"].index("2026-10-20")]
    assert listed(f"{base}&from={october['from']}&to={october['to']}") == {numbers["c3"]}


NUMBER = r"330523-2026-\d{6}"


def drilled(client, url: str) -> tuple[list[str], set[str], str]:
    """The cases a drill-down lists, those marked 计入分子, and what the page says it is."""
    body = client.get(url).content.decode()
    rows = re.findall(r"<tr[^>]*>.*?</tr>", body, re.S)
    numbers = [n for row in rows for n in re.findall(rf'href="/intake/cases/({NUMBER})/"', row)]
    marked = {
        m
        for row in rows
        if "计入分子" in row and 'data-counted="1"' in row
        for m in re.findall(rf'href="/intake/cases/({NUMBER})/"', row)
    }
    summary = re.search(r'id="share-summary">(.*?)</div>', body, re.S)
    return numbers, marked, re.sub(r"\s+", " ", summary.group(1)) if summary else ""


@pytest.mark.parametrize(
    ("key", "label", "denominator", "numerator"),
    [
        ("resolution", "化解率", {1, 2, 3, 4, 5}, {1, 2, 3, 5}),
        ("mediation_success", "调解成功率", {1, 2, 5, 7}, {1, 2, 7}),
        ("judicial_confirmation", "司法确认率", {1, 2, 7}, {2}),
        ("on_time", "按期办结率", {1, 2, 3, 4, 5}, {1, 3, 4, 5}),
        ("one_visit", "最多跑一地率", {1, 2, 3, 4, 5}, {1, 2, 4, 5}),
    ],
)
def test_every_rate_drills_down_to_its_denominator_with_its_numerator_marked(
    client, data, leader, key, label, denominator, numerator
):
    """Each rate card's "n / d" is its list: d cases listed, n of them marked, and the page
    says so; a rate is no longer the whole period's list."""
    _ref, cases = data
    html = page(client, leader)
    url, text = card(html, key)
    n, d = (int(x) for x in re.search(r"(\d+) / (\d+)", text).groups())
    numbers, marked, summary = drilled(client, url)
    assert len(numbers) == len(set(numbers)) == d and len(marked) == n
    assert set(numbers) == {cases[f"c{i}"].number for i in denominator}
    assert marked == {cases[f"c{i}"].number for i in numerator}
    assert f"{label}的分母：" in summary and f"共{d}件，其中{n}件计入分子" in summary


def test_count_cards_list_their_own_cases_unmarked(client, data, leader):
    html = page(client, leader)
    for key in ("total", "overdue_now", "answered", "repeat", "mass", "handling_days"):
        _numbers, marked, summary = drilled(client, card(html, key)[0])
        assert not marked and not summary, key


def test_an_unknown_rate_is_named_and_ignored(client, data, leader):
    client.force_login(leader)
    body = client.get("/intake/cases/", {**PERIOD, "rate": "nonsense"}).content.decode()
    assert "指标「nonsense」不存在，已忽略" in body
    assert len(set(re.findall(NUMBER, body))) == 8


def test_a_rate_drill_down_keeps_its_queries_fixed(client, data, leader):
    """The marks and the summary's two figures cost one query, whatever the rows."""
    ref, _cases = data

    def queries(url: str) -> int:
        client.get(url)  # the reference lists cached, as on a working desk
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)  # now: the log is reset by the next request

    url = card(page(client, leader), "resolution")[0]
    few = queries(url)
    for day in range(1, 8):
        make_case(ref, date(2026, 11, day), outcome="resolved", closed_after=1)
    rollups.rebuild()
    numbers, marked, _summary = drilled(client, url)
    assert len(numbers) == 12 and len(marked) == 11
    assert queries(url) == few
    assert queries(url.replace("&rate=resolution", "&state=closed")) == few - 1


def visible_text(html: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


def test_a_drill_down_names_its_town_window_category_and_county(client, data, leader):
    """What a leader reads on the list is 山川乡 and 安吉县, never 330523108 or 330523."""
    ref, _cases = data
    html = page(client, leader, region=ref["town2"].code)
    url = card(html, "mediation_success")[0]
    assert "region=330523108" in url and "county=330523" in url
    body = client.get(f"{url}&window=petition&category=02").content.decode()
    assert re.search(r'<option value="330523108" selected>山川乡</option>', body)
    summary = visible_text(re.search(r'id="filter-summary">(.*?)</p>', body, re.S).group(1))
    for words in (
        "乡镇/街道：山川乡",
        "县（市、区）：安吉县",
        "承办窗口：接访服务",
        "纠纷类别：邻里纠纷",
    ):
        assert words in summary, summary
    assert "调解成功率的分母" in summary
    assert "2026年10月15日至2026年11月30日" in summary
    text = visible_text(body)
    assert not re.search(r"330523(?!-\d{4}-)", text), text  # codes only inside case numbers


def test_a_rate_drill_down_exports_its_denominator_to_the_ledger(client, data, leader):
    _ref, cases = data
    url = card(page(client, leader), "mediation_success")[0]
    body = client.get(url).content.decode()
    assert '<input type="hidden" name="rate" value="mediation_success">' in body
    params = ledger.clean_params(dict(parse_qsl(url.split("?", 1)[1])))
    listed = ledger.ledger_cases(leader, ledger.filters_from_params(params))
    assert {c.number for c in listed} == {cases[c].number for c in ("c1", "c2", "c5", "c7")}
    job = ledger.ledger_request(actor=leader, params=params)
    described = client.get(reverse("risk:ledger", args=[job.pk])).content.decode()
    assert "指标：调解成功率的分母" in described and "县（市、区）：安吉县" in described


def test_drill_down_lists_are_masked_for_leaders(client, data, leader, clerk):
    ref, _cases = data
    case = register(clerk, ref)
    client.force_login(leader)
    body = client.get(f"/intake/cases/?q={case.number}").content.decode()
    party = case.case_parties.select_related("party").first().party
    assert party.id_number_masked in body
    assert "*" in party.id_number_masked and party.phone_masked in body


def test_filters_are_applied_and_named_when_wrong(client, data, leader):
    ref, _cases = data
    html = page(client, leader, region=ref["town2"].code)
    assert re.search(r'data-kpi="total".*?fw-semibold">1<', html, re.S)
    html = page(client, leader, region="999")
    assert 'id="filter-error"' in html and "乡镇/街道" in html


def test_a_city_leader_compares_counties(client, data):
    ref, _cases = data
    neighbour = CountyFactory(code="330521", name="德清县", centre_name="德清县矛调中心")
    RegionFactory(code="330521100", name="武康街道", county=neighbour)
    city = UserFactory(
        username="city-leader", roles=["leader"], roles__county=ref["county"], roles__scope="city"
    )
    html = page(client, city)
    assert 'id="f-county"' in html and 'id="county-table"' in html
    assert "德清县·武康街道" in html  # the towns of every county, named with their county
    assert [i["name"] for i in chart_data(html)["county"]] == ["德清县", "安吉县"]


@pytest.mark.parametrize("role", ["clerk", "mediator", "grid_worker"])
def test_others_are_refused(client, data, make_user, role):
    client.force_login(make_user(role, f"{role}-dash"))
    assert client.get(reverse("risk:dashboard")).status_code == 403


def test_a_fixed_number_of_queries(client, data, leader, django_assert_max_num_queries):
    client.force_login(leader)
    client.get(reverse("risk:dashboard"), PERIOD)
    # 20, and the satisfaction figures' four grouped tables (feedback.selectors).
    with django_assert_max_num_queries(24):
        assert client.get(reverse("risk:dashboard"), PERIOD).status_code == 200


def test_a_city_supervisor_reads_other_counties_masked_only(client, data, clerk, county):
    """Scope widens what may be read, never who sees full personal data: that stays with
    each county's own staff (and those holding a right on the case)."""
    ref, _cases = data
    neighbour = CountyFactory(code="330521", name="德清县", centre_name="德清县矛调中心")
    town = RegionFactory(code="330521100", name="武康街道", county=neighbour)
    village = RegionFactory(
        code="330521100201", name="城东村", county=neighbour, parent=town, level="village"
    )
    neighbour_clerk = UserFactory(username="dq-clerk", roles=["clerk"], roles__county=neighbour)
    there = register(neighbour_clerk, {**ref, "county": neighbour, "village": village})
    here = register(clerk, ref)
    boss = UserFactory(
        username="city-supervisor",
        roles=["supervisor"],
        roles__county=county,
        roles__scope="city",
    )
    client.force_login(boss)
    listed = client.get("/intake/cases/", {"county": "330521"}).content.decode()
    assert there.number in listed and here.number not in listed
    party = there.case_parties.first()
    assert client.get(f"/intake/cases/{there.number}/").status_code == 200
    reveal = f"/intake/cases/{there.number}/parties/{party.pk}/reveal/"
    assert client.post(reveal).status_code == 403
    own = here.case_parties.first()
    assert client.post(f"/intake/cases/{here.number}/parties/{own.pk}/reveal/").status_code == 200


def test_without_a_broker_the_page_brings_its_figures_up_to_date(
    client, data, leader, clerk, settings
):
    """The demo has no beat: a case registered a moment ago shows when the page opens."""
    ref, _cases = data
    register(clerk, ref)
    html = page(client, leader, **{"from": "2026-10-15", "to": "2026-12-31"})
    assert re.search(r'data-kpi="total".*?fw-semibold">8<', html, re.S)  # not refreshed yet
    settings.RISK_REFRESH_ON_VIEW = True
    html = page(client, leader, **{"from": "2026-10-15", "to": "2026-12-31"})
    assert re.search(r'data-kpi="total".*?fw-semibold">9<', html, re.S)


def test_handling_and_answered_are_shown_with_their_definitions(client, data, leader):
    ref, _cases = data
    w = ref["windows"]
    handling = make_case(ref, date(2026, 11, 16), state="handling", window=w["petition"])
    answered = make_case(
        ref, date(2026, 11, 17), outcome="answered", closed_after=0, window=w["legal_aid"]
    )
    rollups.rebuild()
    html = page(client, leader)
    url, text = card(html, "answered")
    assert "当场解答" in text and " 1 " in text
    assert "5 / 6" in card(html, "resolution")[1]  # answered is resolved
    definitions = re.search(r'<details[^>]*id="definitions".*?</details>', html, re.S).group(0)
    assert "当场解答" in definitions and "不予受理" in definitions
    assert answered.number in set(
        re.findall(r"330523-2026-\d{6}", client.get(url).content.decode())
    )
    state = {i["name"]: i for i in chart_data(html)["state"]}
    assert state["办理中"]["value"] == 1 and state["办理中"]["params"] == {"state": "handling"}
    listed = client.get(f"{chart_data(html)['drill']}&state=handling").content.decode()
    assert set(re.findall(r"330523-2026-\d{6}", listed)) == {handling.number}
