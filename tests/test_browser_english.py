"""In English, the selects that name windows, categories, towns and rules are wide enough
for their (longer) English names: the chosen name is not cut."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from intake.tests.factories import reference_data, register

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"

# How much wider than its chosen text a select must be: its padding and arrow.
FITS = """(select) => {
    const style = getComputedStyle(select);
    const probe = document.createElement('span');
    probe.style.font = style.font;
    probe.style.whiteSpace = 'pre';
    probe.textContent = select.options[select.selectedIndex].text;
    document.body.appendChild(probe);
    const text = probe.getBoundingClientRect().width;
    probe.remove();
    const room = select.clientWidth - parseFloat(style.paddingLeft)
        - parseFloat(style.paddingRight);
    return {text: text, room: room};
}"""


def _log_in_in_english(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")


def _longest_option(page, selector: str) -> str:
    return page.eval_on_selector(
        selector,
        "(s) => [...s.options].map(o => o.text).reduce((a, b) => b.length > a.length ? b : a)",
    )


def test_the_dashboards_filters_show_whole_english_names(page, clerk, leader, county):
    ref = reference_data(county)
    ref["town"].name_en = "Tianhuangping Town"
    ref["town"].save()
    register(clerk, ref)
    page.set_viewport_size({"width": 1400, "height": 1000})
    _log_in_in_english(page, "leader")
    page.goto("/risk/")
    for selector in ("#f-window", "#f-region"):
        longest = _longest_option(page, selector)
        page.select_option(selector, label=longest)
        size = page.eval_on_selector(selector, FITS)
        assert size["text"] <= size["room"], (selector, longest, size)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-en.png"), full_page=True)


def test_the_desks_selects_show_whole_english_names(page, clerk, county):
    ref = reference_data(county)
    ref["category"].name_en = "Adjoining property"
    ref["category"].save()
    ref["parent_category"].name_en = "Neighbour disputes"
    ref["parent_category"].save()
    page.set_viewport_size({"width": 1400, "height": 1000})
    _log_in_in_english(page, "clerk")
    page.goto("/intake/")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desk-en.png"), full_page=True)
    # Each select showing its longest choice.
    cut = page.eval_on_selector_all(
        "select",
        f"""(all) => all.filter(s => s.offsetParent).map(s => {{
            s.selectedIndex = [...s.options].reduce(
                (best, o, i) => o.text.length > s.options[best].text.length ? i : best, 0);
            return [s.id, s.options[s.selectedIndex].text, ({FITS})(s)];
        }}).filter(([, , size]) => size.text > size.room)""",
    )
    assert cut == [], "\n".join(map(str, cut))
