"""A county leader opens the dashboard, filters a town, and drills down to its cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from intake.tests.factories import reference_data
from risk.dashboard import rollups
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
    assert "共7件" in page.content()


@pytest.mark.parametrize(
    "viewport", [{"width": 1400, "height": 1100}, {"width": 390, "height": 844}], ids=str
)
def test_leader_checks_the_mediation_success_rate_case_by_case(
    page, clerk, leader, county, viewport
):
    """调解成功率 "3 / 4" opens the four cases whose mediation ended, the three that reached
    an agreement marked, under the town's name (not its code), at a desk and on a phone."""
    ref = reference(reference_data(county), clerk)
    cases = november(ref)
    rollups.rebuild()

    page.set_viewport_size(viewport)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/risk/")
    page.goto("/risk/?from=2026-10-15&to=2026-11-30&region=330523107")
    rate = page.locator("[data-kpi='mediation_success']")
    assert "3 / 4" in rate.inner_text() and "75.0%" in rate.inner_text()

    rate.click()
    page.wait_for_url("**/intake/cases/**rate=mediation_success**")
    said = page.locator("#share-summary")
    assert said.is_visible()
    assert "调解成功率的分母" in said.inner_text()
    assert "共4件，其中3件计入分子" in said.inner_text()
    rows = page.locator("table tbody tr")
    listed = {rows.nth(i).locator("a").first.inner_text() for i in range(rows.count())}
    assert listed == {cases[k].number for k in ("c1", "c2", "c5", "c7")}
    marked = page.locator("table tbody tr", has_text="计入分子")
    assert {marked.nth(i).locator("a").first.inner_text() for i in range(marked.count())} == {
        cases[k].number for k in ("c1", "c2", "c7")
    }
    assert marked.first.get_by_text("计入分子").is_visible()

    # The filter names the town, in the picker and in the line above the list.
    assert page.locator("#region option:checked").inner_text() == "天荒坪镇"
    summary = page.locator("#filter-summary")
    assert "乡镇/街道：天荒坪镇" in summary.inner_text()
    assert "330523107" not in summary.inner_text()
    # On a phone the page does not run off the side: the table scrolls within itself.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], width
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / f"rate-drill-down-{viewport['width']}.png"), full_page=True
    )
