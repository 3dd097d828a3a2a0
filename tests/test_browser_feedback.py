"""质效评价 on the real pages: a resident rates a closed case 不满意 from the progress page,
and the window's supervisor finds the rework ticket (回访/重办) in the menu."""

from __future__ import annotations

import pytest
from django.conf import settings

from feedback.models import Rating, ReworkTicket
from intake import workflow
from intake.tests.factories import applicant, reference_data, register

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_resident_rates_dissatisfied_and_the_supervisor_sees_the_ticket(
    page, clerk, supervisor, county
):
    ref = reference_data(county)
    case = register(clerk, ref, parties=[applicant(name="张建华", phone="13957212345")])
    workflow.fire(
        actor=clerk, number=case.number, name="refer", data={"window": "petition", "note": "x"}
    )
    workflow.fire(actor=clerk, number=case.number, name="close", data={"outcome": "handled"})

    page.goto("/progress/")
    page.get_by_label("案件编号").fill(case.number)
    page.get_by_label("申请人手机号后四位").fill("2345")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="评价办理结果").click()
    page.wait_for_url("**/progress/rate/?number=*")
    assert page.get_by_label("案件编号").input_value() == case.number
    page.get_by_label("申请人手机号后四位").fill("2345")
    page.get_by_label("不满意").check()
    page.get_by_label("意见（选填）").fill("问题没有解决，答复不清楚")
    page.get_by_role("button", name="提交评价").click()
    page.locator("#rating-done").wait_for()
    rating = Rating.objects.get(case=case)
    assert (rating.value, rating.channel) == ("dissatisfied", "progress")

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("supervisor")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/mediation/assign/")
    page.get_by_role("link", name="回访重办").first.click()
    page.wait_for_url("**/feedback/tickets/")
    ticket = ReworkTicket.objects.get(case=case)
    row = page.locator(f"#tickets tr[data-ticket='{ticket.pk}']")
    assert case.number in row.inner_text() and "待回访" in row.inner_text()
    assert "问题没有解决" in row.inner_text()
    row.get_by_role("link", name=case.number).click()
    page.wait_for_url(f"**/feedback/tickets/{ticket.pk}/")
    assert "不满意" in page.locator("#ticket").inner_text()
