"""axe-core finds no serious or critical accessibility violation on the pages staff use
all day: the desk (a clerk), a case page, and the dashboard (a leader).

axe-core comes from npm (package.json, exact version) and is read from node_modules by
the test only: it is never served to users.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from intake.tests.factories import reference_data, register
from mediation.tests.factories import mediator, organisation, start
from risk.dashboard import rollups

pytestmark = [pytest.mark.browser, pytest.mark.slow]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
LANG = {"简体中文": "zh-CN", "English": "en"}


def _log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def _violations(page) -> list[str]:
    """Serious and critical violations, one line for each element, with what is wrong."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}) {' '.join(n['target'])}: {n['failureSummary']}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
        for n in v["nodes"]
    ]


@pytest.fixture
def case(county, clerk):
    return register(clerk, reference_data(county))


@pytest.mark.parametrize("language", ["简体中文", "English"])
def test_the_desk_has_no_serious_violations(page, clerk, case, language):
    page.set_viewport_size({"width": 1400, "height": 1000})
    _log_in(page, "clerk")
    page.get_by_role("button", name=language).click()  # the footer's language switch
    page.wait_for_load_state("networkidle")
    page.goto("/intake/")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == LANG[language]
    found = _violations(page)
    assert not found, "\n".join(found)


def test_a_case_page_has_no_serious_violations(page, clerk, case):
    page.set_viewport_size({"width": 1400, "height": 1000})
    _log_in(page, "clerk")
    page.goto(f"/intake/cases/{case.number}/")
    page.wait_for_load_state("networkidle")
    found = _violations(page)
    assert not found, "\n".join(found)


def test_a_case_in_mediation_has_no_serious_violations(page, county, supervisor, make_user, case):
    """The mediator's page: the mediation panel with its session and agreement forms."""
    org = organisation(county)
    chen = mediator(county, "陈建国", orgs=[org], user=make_user("mediator", "mediator"), rank=1)
    start(case, supervisor, org, [chen])
    page.set_viewport_size({"width": 1400, "height": 1000})
    _log_in(page, "mediator")
    page.goto(f"/intake/cases/{case.number}/")
    page.wait_for_load_state("networkidle")
    found = _violations(page)
    assert not found, "\n".join(found)


def test_the_dashboard_has_no_serious_violations(page, leader, case):
    rollups.rebuild()
    page.set_viewport_size({"width": 1400, "height": 1000})
    _log_in(page, "leader")
    page.goto("/risk/")
    page.locator("#chart-trend canvas").wait_for()
    found = _violations(page)
    assert not found, "\n".join(found)
