"""A judge opens the queue, accepts and confirms an agreement, and downloads the ruling."""

from __future__ import annotations

import pytest
from django.conf import settings

from intake import workflow
from intake.tests.factories import reference_data, register
from judicial.models import Court
from mediation.tests.factories import agreement_data, mediator, organisation, start

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_judge_confirms_an_agreement_and_downloads_the_ruling(
    page, clerk, supervisor, judge, county, make_user
):
    ref = reference_data(county)
    court = Court.objects.create(
        county=county, name="安吉县人民法院", code="浙0523", president=judge
    )
    court.judges.add(judge)
    chen = mediator(
        county, "陈建国", orgs=[organisation(county)], user=make_user("mediator", "mediator")
    )
    case = start(register(clerk, ref), supervisor, chen.organisations.first(), [chen])
    workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )
    workflow.fire(actor=clerk, number=case.number, name="apply_confirmation", data={})

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("judge")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/judicial/")
    page.locator("#queue").get_by_role("link", name=case.number).click()
    page.wait_for_url(f"**/intake/cases/{case.number}/")

    # 确认 / 驳回 come only once the application is accepted (受理).
    assert page.locator("form[data-transition='confirm']").count() == 0
    assert page.locator("form[data-transition='refuse_confirmation']").count() == 0
    page.get_by_role("button", name="受理申请").click()
    assert page.get_by_text("已受理，审查期限开始计算").is_visible()
    form = page.locator("form[data-transition='confirm']")
    form.get_by_role("button", name="裁定确认调解协议有效").click()
    assert page.locator("#case-state").inner_text() == "已司法确认"

    ruling = page.locator("[data-document='ruling'][data-status='ready']")
    ruling.wait_for(timeout=20_000)
    href = ruling.get_by_role("link").get_attribute("href")
    response = page.context.request.get(href)
    assert response.status == 200 and response.body().startswith(b"%PDF")
