"""A clerk registers a walk-in with two parties at the real desk, sees the repeat-visitor
warning for a known ID number as she types it, and opens the receipt."""

from __future__ import annotations

import pytest
from django.conf import settings

from intake.tests.factories import applicant, reference_data, register, resident_id, respondent

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/intake/")


def test_clerk_registers_a_walk_in_and_opens_the_receipt(page, clerk, county):
    ref = reference_data(county)
    known_id = resident_id("19650412")
    earlier = register(
        clerk, ref, parties=[applicant(id_number=known_id, name="张建华"), respondent()]
    )
    _log_in(page, "clerk")

    page.get_by_label("事项性质").select_option("dispute")
    page.get_by_label("纠纷类别").select_option(ref["category"].code)
    suggestion = page.locator("#suggested-window")
    suggestion.wait_for()
    assert suggestion.inner_text() == "调解服务"
    page.get_by_label("乡镇/街道").select_option(ref["town"].code)
    page.locator("#id_village option[value='330523107201']").wait_for(state="attached")
    page.get_by_label("村/社区").select_option(ref["village"].code)
    page.get_by_label("事项摘要").fill("邻居加建围墙占用通道")

    first = page.locator("#party-parties-0")
    first.get_by_label("姓名/名称").fill("张建华")
    first.get_by_label("证件号码").fill(known_id)
    warning = first.get_by_role("alert")
    warning.wait_for()
    assert "重复来访" in warning.inner_text() and earlier.number in warning.inner_text()
    first.get_by_label("联系电话").fill("13957212345")

    second = page.locator("#party-parties-1")
    second.get_by_label("姓名/名称").fill("李国强")
    second.get_by_label("证件类型").select_option("")

    page.get_by_role("button", name="登记并生成回执").click()
    page.wait_for_url("**/intake/cases/330523-*-000002/")
    assert page.get_by_text("登记成功").is_visible()
    assert page.get_by_text("重复来访").first.is_visible()

    receipt = page.locator("[data-document='receipt'][data-status='ready']")
    receipt.wait_for(timeout=20_000)  # rendered after commit (eagerly in tests)
    with page.expect_popup() as popup:
        receipt.get_by_role("link", name="打开").click()
    pdf = popup.value
    response = pdf.context.request.get(pdf.url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
