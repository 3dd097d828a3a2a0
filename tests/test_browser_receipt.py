"""The receipt printed after triage, on the real pages: it names the window that now handles
the case, not 待分流（建议：…） as the first print did — at a desk and on a phone."""

from __future__ import annotations

import pytest
from django.conf import settings

from intake.tests.factories import reference_data, register
from tests.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def _receipt_text(page) -> str:
    receipt = page.locator("[data-document='receipt'][data-status='ready']")
    receipt.wait_for(timeout=20_000)
    response = page.context.request.get(receipt.get_by_role("link").get_attribute("href"))
    assert response.status == 200
    return pdf_text(response.body())


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_receipt_reprinted_after_triage_names_the_window(page, clerk, county, viewport):
    case = register(clerk, reference_data(county))
    page.set_viewport_size(viewport)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/intake/")
    page.goto(f"/intake/cases/{case.number}/")
    assert "待分流" in _receipt_text(page)  # the first print: not triaged yet

    triage = page.locator("form[data-transition='triage']")
    triage.get_by_label("分流窗口").select_option("mediation")
    triage.get_by_role("button", name="分流").click()
    page.wait_for_url(f"**/intake/cases/{case.number}/")
    assert page.locator("#case-state").inner_text() == "已分流"
    text = _receipt_text(page)
    assert "调解服务" in text and "待分流" not in text
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
