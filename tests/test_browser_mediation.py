"""A mediator opens "my cases", records a session and an agreement, and downloads the PDF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from intake.tests.factories import reference_data, register
from mediation.tests.factories import mediator, organisation, start

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_mediator_records_a_session_and_an_agreement(page, clerk, supervisor, county, make_user):
    ref = reference_data(county)
    org = organisation(county)
    chen = mediator(county, "陈建国", orgs=[org], user=make_user("mediator", "mediator"))
    case = start(register(clerk, ref), supervisor, org, [chen])

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("mediator")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/mediation/")
    page.locator("#my-cases").get_by_role("link", name=case.number).click()
    page.wait_for_url(f"**/intake/cases/{case.number}/")

    # The session form is in view, not folded away.
    assert page.locator("#session-form").get_by_label("实际调解时间").is_visible()
    held = timezone.localtime() - timedelta(hours=1)
    page.get_by_label("实际调解时间").fill(held.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("方式", exact=True).select_option("on_site")
    page.get_by_label("参加人员（逗号或顿号分隔）").fill("张建华、李国强")
    page.get_by_label("调解笔录（各方陈述）").fill("申请人称通道被占；被申请人同意拆除多建部分。")
    page.get_by_label("本次结果").fill("双方达成一致")
    page.get_by_role("button", name="保存调解记录").click()
    assert page.get_by_text("调解记录已保存").is_visible()
    assert "双方达成一致" in page.locator("#sessions").inner_text()

    form = page.locator("#panel-record_agreement")
    assert form.get_by_label("纠纷的主要事实").is_visible()
    form.get_by_label("纠纷的主要事实").fill("李国强加建围墙占用共用通道约0.5米。")
    form.get_by_label("争议事项").fill("围墙是否拆除。")
    form.get_by_label("各方当事人的责任").fill("李国强负主要责任。")
    form.get_by_label("达成协议的内容").fill("李国强于十日内拆除多建部分围墙。")
    form.get_by_label("履行方式").fill("自行拆除，村调委会见证。")
    due = timezone.localdate() + timedelta(days=10)
    form.get_by_label("履行期限").fill(due.isoformat())
    form.get_by_role("button", name="确认协议并生成协议书").click()
    assert page.get_by_text("调解协议已确认").is_visible()
    assert page.locator("#case-state").inner_text() == "已达成调解协议"

    link = page.locator("[data-agreement-pdf='1'] [data-status='ready'] a")
    link.wait_for(timeout=20_000)
    response = page.context.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.body().startswith(b"%PDF")
