"""A county leader opens the dashboard, filters a town, and drills down to its cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from intake.tests.factories import reference_data
from risk import rollups
from risk.tests.kpi_data import november, reference

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"


def test_leader_filters_a_town_and_drills_down(page, clerk, leader, county):
    ref = reference(reference_data(county), clerk)
    cases = november(ref)
    rollups.rebuild()

    page.set_viewport_size({"width": 1400, "height": 1100})
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/risk/")
    page.goto("/risk/?from=2026-10-15&to=2026-11-30")
    page.locator("#chart-trend canvas").wait_for()
    assert page.locator("[data-kpi='total'] .fs-4").inner_text() == "8"

    page.get_by_label("乡镇/街道").select_option(label="天荒坪镇")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**region=330523107**")
    page.locator("#chart-town canvas").wait_for()
    assert page.locator("[data-kpi='total'] .fs-4").inner_text() == "7"
    assert page.locator("[data-kpi='resolution'] .fs-4").inner_text() == "75.0%"  # 3 / 4
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

    # Click the town's bar: the chart knows where it drew it.
    page.locator("#chart-town").scroll_into_view_if_needed()
    box = page.locator("#chart-town").bounding_box()
    x, y = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById('chart-town'));
            const value = chart.getOption().series[0].data[0];
            return chart.convertToPixel({seriesIndex: 0}, [0, value / 2]);
        }"""
    )
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url("**/intake/cases/**")
    assert "region=330523107" in page.url and "from=2026-10-15" in page.url
    listed = page.locator("table tbody").inner_text()
    expected = {cases[k].number for k in ("c1", "c2", "c4", "c5", "c6", "c7", "c8")}
    assert {n for n in expected if n in listed} == expected
    assert cases["c3"].number not in listed  # 山川乡
    assert "共 7 件" in page.content()
