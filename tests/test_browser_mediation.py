"""A mediator opens "my cases", records a session and an agreement, and downloads the PDF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from intake.tests.factories import reference_data, register
from mediation.tests.factories import mediator, organisation, start

pytestmark = [pytest.mark.browser, pytest.mark.slow]


DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_mediator_records_a_session_and_an_agreement(
    page, clerk, supervisor, county, make_user, viewport
):
    ref = reference_data(county)
    page.set_viewport_size(viewport)
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
    # Nothing wider than the screen: no sideways scrolling to reach a field or a button.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]


def _login(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_a_failed_mediation_offers_the_next_steps_on_a_phone(
    page, clerk, supervisor, county, make_user
):
    from centre.models import Notification
    from intake import workflow

    ref = reference_data(county)
    org = organisation(county)
    chen = mediator(county, "陈建国", orgs=[org], user=make_user("mediator", "mediator"))
    case = start(register(clerk, ref), supervisor, org, [chen])
    workflow.fire(
        actor=chen.user,
        number=case.number,
        name="fail_mediation",
        data={"reason": "一方拒绝到场", "party_refused": True},
    )
    assert Notification.objects.filter(recipient_user=supervisor, case_number=case.number).exists()

    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, "supervisor")
    page.goto(f"/intake/cases/{case.number}/")
    actions = page.locator("#actions")
    # 引导诉讼 leads, the one primary button; 转办 and 再次调解 follow.
    primary = actions.locator(".btn-primary")
    assert primary.count() == 1 and primary.inner_text() == "引导诉讼"
    assert actions.get_by_role("button", name="转办").is_visible()
    again = actions.locator("form[data-transition='resume_mediation']")
    again.get_by_label("再次调解的理由").fill("被申请人同意再次到场")
    again.get_by_role("button", name="再次调解").click()
    page.wait_for_url(f"**/intake/cases/{case.number}/")
    assert page.locator("#case-state").inner_text() == "调解中"
    assert page.locator("#session-form").is_visible()


def test_withdrawal_asks_to_be_confirmed(page, clerk, supervisor, county, make_user):
    from intake.models import Case

    ref = reference_data(county)
    org = organisation(county)
    chen = mediator(county, "陈建国", orgs=[org], user=make_user("mediator", "mediator"))
    case = start(register(clerk, ref), supervisor, org, [chen])

    _login(page, "clerk")
    page.goto(f"/intake/cases/{case.number}/")
    withdraw = page.locator("#destructive-steps form[data-transition='withdraw']")
    assert "btn-outline-danger" in withdraw.get_by_role("button", name="撤回").get_attribute(
        "class"
    )
    withdraw.get_by_label("撤回原因").fill("双方自行和解")
    withdraw.get_by_role("button", name="撤回").click()
    # Not ticked: the browser keeps the form; nothing is sent.
    assert page.locator("#case-state").inner_text() == "调解中"
    assert Case.objects.get(pk=case.pk).state == Case.State.MEDIATING
    withdraw.get_by_label("确认撤回").check()
    withdraw.get_by_role("button", name="撤回").click()
    page.wait_for_url(f"**/intake/cases/{case.number}/")
    assert page.locator("#case-state").inner_text() == "已办结"
    assert Case.objects.get(pk=case.pk).outcome == Case.Outcome.WITHDRAWN


def test_the_agreement_pdf_link_appears_without_a_reload(
    page, clerk, supervisor, county, make_user
):
    from intake import tasks, workflow
    from intake.models import CaseDocument
    from mediation.tests.factories import agreement_data

    ref = reference_data(county)
    org = organisation(county)
    chen = mediator(county, "陈建国", orgs=[org], user=make_user("mediator", "mediator"))
    case = start(register(clerk, ref), supervisor, org, [chen])
    workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )
    document = CaseDocument.objects.get(case=case, kind="agreement")
    CaseDocument.objects.filter(pk=document.pk).update(status="pending")

    _login(page, "mediator")
    page.goto(f"/intake/cases/{case.number}/")
    agreement = page.locator("[data-agreement-pdf='1']")
    assert "生成中" in agreement.inner_text()
    tasks.render_case_document(document.pk)  # the worker finishes while the page is open
    link = agreement.locator("[data-status='ready'] a")
    link.wait_for(timeout=10_000)
    response = page.context.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_choosing_a_lead_picks_the_organisation(
    page, clerk, supervisor, county, make_user, viewport
):
    from intake import workflow

    ref = reference_data(county)
    org = organisation(county)
    town = organisation(county, "天荒坪镇人民调解委员会", kind="town")
    mediator(county, "陈建国", orgs=[org], user=make_user("mediator", "mediator"))
    zhou = mediator(county, "周国平", orgs=[town])
    case = register(clerk, ref)
    workflow.fire(actor=clerk, number=case.number, name="triage", data={"window": "mediation"})

    page.set_viewport_size(viewport)
    _login(page, "supervisor")
    # The supervisor lands on the queue of cases waiting for a mediator, and it fits.
    assert page.locator(f"a:text-is('{case.number}')").first.is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    page.goto(f"/intake/cases/{case.number}/")
    form = page.locator("#panel-start_mediation")
    assert form.get_by_label("调解组织（主持）").input_value() == str(org.pk)
    assert not page.locator("#lead-no-account").is_visible()
    form.get_by_label("主持 周国平").check()
    assert form.get_by_label("调解组织（主持）").input_value() == str(town.pk)
    assert form.get_by_label(zhou.name, exact=True).is_checked()
    assert page.locator("#lead-no-account").is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
