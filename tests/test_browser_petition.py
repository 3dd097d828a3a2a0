"""A petition from the desk to its written reply, on the real pages: the clerk registers
and triages it, the petition officer accepts it and answers in writing."""

from __future__ import annotations

import pytest
from django.conf import settings

from intake.models import Case, CaseDocument
from intake.tests.factories import reference_data
from petitions.models import Petition

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _log_in(page, username: str, lands_on: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lands_on)


DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_petition_from_registration_to_the_written_reply(
    page, clerk, make_user, county, viewport
):
    ref = reference_data(county)
    page.set_viewport_size(viewport)
    make_user("petition_officer", "petition")
    _log_in(page, "clerk", "**/intake/")

    page.get_by_label("事项性质").select_option("petition")
    page.get_by_label("纠纷类别").select_option(ref["category"].code)
    page.get_by_label("乡镇/街道").select_option(ref["town"].code)
    page.locator("#id_village option[value='330523107201']").wait_for(state="attached")
    page.get_by_label("村/社区").select_option(ref["village"].code)
    page.get_by_label("事项摘要").fill("反映村道硬化工程款长期拖欠")
    first = page.locator("#party-parties-0")
    first.get_by_label("姓名/名称").fill("张建华")
    first.get_by_label("证件类型").select_option("")
    first.get_by_label("联系电话").fill("13957212345")
    second = page.locator("#party-parties-1")
    second.get_by_label("姓名/名称").fill("天荒坪镇人民政府")
    second.get_by_label("证件类型").select_option("")
    page.get_by_role("button", name="登记并生成回执").click()
    page.wait_for_url("**/intake/cases/330523-*-000001/")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]

    triage = page.locator("form[data-transition='triage']")
    triage.get_by_label("分流窗口").select_option("petition")
    triage.get_by_role("button", name="分流").click()
    page.wait_for_url(f"**/intake/cases/{number}/")
    assert page.locator("#case-state").inner_text() == "已分流"
    page.context.clear_cookies()
    _log_in(page, "petition", "**/petitions/")
    row = page.locator(f"#queue tr[data-case='{number}']")
    assert "待受理" in row.inner_text()
    row.get_by_role("link", name=number).click()
    page.wait_for_url(f"**/intake/cases/{number}/")
    assert page.locator("#petition-panel").is_visible()

    page.locator("form[data-transition='petition_accept']").get_by_role(
        "button", name="受理信访事项"
    ).click()
    page.wait_for_url(f"**/intake/cases/{number}/")
    assert page.locator("#case-state").inner_text() == "办理中"
    assert page.locator("#petition-state").inner_text() == "办理中"
    assert page.locator("[data-clock='petition_handle']").is_visible()

    reply = page.locator("form[data-transition='petition_reply']")
    reply.get_by_label("处理意见", exact=True).select_option("partial")
    reply.get_by_label("意见书正文（查明的事实、处理意见及依据）").fill(
        "经调查核实，工程已验收，工程款已列入镇财政预算，将于年底前拨付完毕。"
    )
    reply.get_by_role("button", name="书面答复（处理意见书）").click()
    page.wait_for_url(f"**/intake/cases/{number}/")
    assert page.locator("#petition-state").inner_text() == "已书面答复"
    assert "部分支持" in page.locator("#petition-panel").inner_text()
    page.locator("[data-document='petition_opinion'][data-status='ready']").wait_for()

    petition = Petition.objects.get(case__number=number)
    assert petition.state == Petition.State.REPLIED and petition.accepted_by.username == "petition"
    assert Case.objects.get(number=number).state == Case.State.HANDLING
    assert CaseDocument.objects.filter(case__number=number, kind="petition_opinion").exists()
    # Nothing wider than the screen on the last page either (no sideways scrolling).
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
