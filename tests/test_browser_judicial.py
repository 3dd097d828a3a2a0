"""A judge opens the queue, accepts and confirms an agreement, and downloads the ruling;
another judge declines to accept an application (不予受理) and the case is back at agreed."""

from __future__ import annotations

import pytest
from django.conf import settings

from intake import workflow
from intake.tests.factories import reference_data, register
from judicial.models import Court
from mediation.tests.factories import agreement_data, mediator, organisation, start

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _applied(clerk, supervisor, judge, county, make_user):
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
    return case


def _open_as_judge(page, case):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("judge")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/judicial/")
    page.locator("#queue").get_by_role("link", name=case.number).click()
    page.wait_for_url(f"**/intake/cases/{case.number}/")


def _download(page, kind):
    document = page.locator(f"[data-document='{kind}'][data-status='ready']")
    document.wait_for(timeout=20_000)
    href = document.get_by_role("link").get_attribute("href")
    response = page.context.request.get(href)
    assert response.status == 200 and response.body().startswith(b"%PDF")


DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def _fits(page, viewport) -> None:
    """Nothing wider than the screen: no sideways scrolling to reach a button."""
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_judge_confirms_an_agreement_and_downloads_the_ruling(
    page, clerk, supervisor, judge, county, make_user, viewport
):
    case = _applied(clerk, supervisor, judge, county, make_user)
    page.set_viewport_size(viewport)
    _open_as_judge(page, case)
    _fits(page, viewport)

    # 确认 / 驳回 come only once the application is accepted (受理).
    assert page.locator("form[data-transition='confirm']").count() == 0
    assert page.locator("form[data-transition='refuse_confirmation']").count() == 0
    page.get_by_role("button", name="受理申请").click()
    assert page.get_by_text("已受理，审查期限开始计算").is_visible()
    assert page.locator("#judicial-panel").get_by_text("（2026）浙0523民特1号").is_visible()
    assert page.locator("form[data-transition='not_accept_confirmation']").count() == 0
    _download(page, "confirmation_acceptance")
    form = page.locator("form[data-transition='confirm']")
    form.get_by_role("button", name="裁定确认调解协议有效").click()
    assert page.locator("#case-state").inner_text() == "已司法确认"
    _fits(page, viewport)
    _download(page, "ruling")


def test_judge_declines_to_accept_an_application(page, clerk, supervisor, judge, county, make_user):
    """不予受理 (民诉法解释 第355条) is offered before acceptance, with its grounds and the
    facts; the case goes back to 已达成调解协议 with the ruling among its documents."""
    case = _applied(clerk, supervisor, judge, county, make_user)
    _open_as_judge(page, case)
    form = page.locator("form[data-transition='not_accept_confirmation']")
    form.get_by_label("不予受理的理由（民诉法解释第355条）").select_option(
        label="不属于收到申请的人民法院管辖"
    )
    form.get_by_label("具体情况").fill("双方约定由上海市浦东新区人民法院管辖")
    form.get_by_role("button", name="裁定不予受理").click()
    assert page.locator("#case-state").inner_text() == "已达成调解协议"
    panel = page.locator("#judicial-panel")
    assert panel.get_by_text("已裁定不予受理").is_visible()
    assert page.get_by_role("button", name="受理申请").count() == 0
    _download(page, "confirmation_not_accepted")
