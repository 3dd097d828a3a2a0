"""The case list's filters read by name: a place, a county, a window, a category are shown
as people know them (递铺街道), in the controls and in the line above the list."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from centre.tests.factories import CountyFactory, RegionFactory, UserFactory
from intake.tests.factories import register

pytestmark = pytest.mark.django_db


def summary(body: str) -> str:
    found = re.search(r'id="filter-summary">(.*?)</p>', body, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""


def test_the_town_picker_lists_towns_by_name_and_filters_by_them(client, clerk, ref):
    other = RegionFactory(code="330523001", name="递铺街道", county=ref["county"])
    here = register(clerk, ref)
    client.force_login(clerk)
    page = client.get(reverse("intake:cases")).content.decode()
    assert '<option value="330523001">递铺街道</option>' in page
    assert '<option value="330523107">天荒坪镇</option>' in page
    assert not summary(page)  # nothing filtered, nothing said
    page = client.get(reverse("intake:cases"), {"region": other.code}).content.decode()
    assert '<option value="330523001" selected>递铺街道</option>' in page
    assert "乡镇/街道：递铺街道" in summary(page) and "330523001" not in summary(page)
    assert here.number not in page and "没有符合条件的案件" in page


def test_a_village_reads_with_its_town_and_an_unknown_code_is_said_to_be_one(client, clerk, ref):
    case = register(clerk, ref)
    client.force_login(clerk)
    page = client.get(reverse("intake:cases"), {"region": ref["village"].code}).content.decode()
    assert '<option value="330523107201" selected>天荒坪镇·余村村</option>' in page
    assert "发生地：天荒坪镇·余村村" in summary(page) and case.number in page
    page = client.get(reverse("intake:cases"), {"region": "999"}).content.decode()
    assert '<option value="999" selected>未知区划（999）</option>' in page


def test_window_category_state_and_dates_read_by_name(client, clerk, ref):
    client.force_login(clerk)
    page = client.get(
        reverse("intake:cases"),
        {
            "window": "mediation",
            "category": "02",
            "state": "closed",
            "from": "2026-11-01",
            "to": "2026-11-27",
            "county": ref["county"].code,
        },
    ).content.decode()
    said = summary(page)
    for words in (
        "承办窗口：调解服务",
        "纠纷类别：邻里纠纷",
        "状态：已办结",
        "登记日期：2026年11月1日至2026年11月27日",
        f"县（市、区）：{ref['county'].name}",
    ):
        assert words in said, said
    assert f'<span class="badge text-bg-info">{ref["county"].name}</span>' in page


def test_a_city_leader_reads_each_town_with_its_county(client, ref, county):
    neighbour = CountyFactory(code="330521", name="德清县", centre_name="德清县矛调中心")
    RegionFactory(code="330521100", name="武康街道", county=neighbour)
    city = UserFactory(
        username="city-leader", roles=["leader"], roles__county=county, roles__scope="city"
    )
    client.force_login(city)
    page = client.get(reverse("intake:cases"), {"region": "330521100"}).content.decode()
    assert '<option value="330521100" selected>德清县·武康街道</option>' in page
    assert f'<option value="330523107">{county.name}·天荒坪镇</option>' in page
    assert "乡镇/街道：德清县·武康街道" in summary(page)


def test_each_reader_gets_the_names_in_their_language(client, clerk, ref):
    """The towns are cached for every reader: each page picks its language's name."""
    ref["town"].name_en = "Tianhuangping Town"
    ref["town"].save()
    client.force_login(clerk)
    url = reverse("intake:cases")
    english = client.get(url, {"region": "330523107"}, HTTP_ACCEPT_LANGUAGE="en").content
    assert '<option value="330523107" selected>Tianhuangping Town</option>' in english.decode()
    chinese = client.get(url, {"region": "330523107"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content
    assert '<option value="330523107" selected>天荒坪镇</option>' in chinese.decode()
    assert "乡镇/街道：天荒坪镇" in summary(chinese.decode())
    village = client.get(url, {"region": "330523107201"}, HTTP_ACCEPT_LANGUAGE="en").content
    assert "Tianhuangping Town·余村村" in village.decode()  # the village has no English name
