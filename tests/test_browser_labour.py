"""A wage-arrears complaint on the real pages, from the desk to the order: the clerk
registers twelve workers' complaint against their employer and sends it to the labour
window; the inspector opens the case and orders the employer to pay by a deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from centre.tests.factories import CategoryFactory
from intake.models import CaseDocument
from intake.tests.factories import credit_code, reference_data
from labour.models import LabourInspection

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _log_in(page, username: str, lands_on: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lands_on)


DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_wage_arrears_complaint_from_registration_to_the_order(
    page, clerk, make_user, county, viewport
):
    ref = reference_data(county)
    page.set_viewport_size(viewport)
    wages = CategoryFactory(
        code="0601", name="农民工工资", parent=CategoryFactory(code="06", name="欠薪")
    )
    make_user("labour_inspector", "inspector")
    _log_in(page, "clerk", "**/intake/")

    page.get_by_label("事项性质").select_option("labour")
    page.get_by_label("纠纷类别").select_option(wages.code)
    page.get_by_label("乡镇/街道").select_option(ref["town"].code)
    page.locator("#id_village option[value='330523107201']").wait_for(state="attached")
    page.get_by_label("村/社区").select_option(ref["village"].code)
    page.get_by_label("事项摘要").fill("工地拖欠12名工人三个月工资")
    page.get_by_label("涉及人数").fill("12")
    page.get_by_label("涉及金额（元）").fill("186000")
    first = page.locator("#party-parties-0")
    first.get_by_label("姓名/名称").fill("刘建军")
    first.get_by_label("证件类型").select_option("")
    first.get_by_label("联系电话").fill("13957212345")
    second = page.locator("#party-parties-1")
    second.get_by_label("类型", exact=True).select_option("organisation")
    second.get_by_label("姓名/名称").fill("安吉某建筑劳务有限公司")
    second.get_by_label("统一社会信用代码").fill(credit_code("91330523MA2D7K8L3"))
    page.get_by_role("button", name="登记并生成回执").click()
    page.wait_for_url("**/intake/cases/330523-*-000001/")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]

    triage = page.locator("form[data-transition='triage']")
    triage.get_by_label("分流窗口").select_option("labour")
    triage.get_by_label("说明（改派时必填理由）").fill("欠薪投诉，由劳动保障监察处理")
    triage.get_by_role("button", name="分流").click()
    page.wait_for_url(f"**/intake/cases/{number}/")
    assert page.locator("[data-clock='labour_inspection_accept']").is_visible()

    page.context.clear_cookies()
    _log_in(page, "inspector", "**/labour/")
    page.locator(f"#queue tr[data-case='{number}']").get_by_role("link", name=number).click()
    page.wait_for_url(f"**/intake/cases/{number}/")

    accept = page.locator("form[data-transition='labour_inspection_accept']")
    assert accept.get_by_label("涉及劳动者人数").input_value() == "12"
    accept.get_by_role("button", name="劳动保障监察立案").click()
    page.wait_for_url(f"**/intake/cases/{number}/")
    assert page.locator("#case-state").inner_text() == "办理中"
    assert page.locator("[data-clock='labour_inspection_close']").is_visible()

    deadline = timezone.localdate() + timedelta(days=10)
    order = page.locator("form[data-transition='labour_inspection_order']")
    order.get_by_label("指令类型").select_option("pay")
    order.get_by_label("违法事实及改正事项").fill("拖欠12名劳动者2026年9月至11月工资共186000元")
    order.get_by_label("责令支付金额（元）").fill("186000")
    order.get_by_label("改正期限").fill(deadline.isoformat())
    order.get_by_role("button", name="责令改正（限期支付）").click()
    page.wait_for_url(f"**/intake/cases/{number}/")
    assert page.locator("#inspection-state").inner_text() == "已责令改正"
    assert "186000" in page.locator("#labour-order").inner_text()
    page.locator("[data-document='labour_order'][data-status='ready']").wait_for()

    inspection = LabourInspection.objects.get(case__number=number)
    assert inspection.order_deadline == deadline and inspection.workers == 12
    assert CaseDocument.objects.filter(case__number=number, kind="labour_order").exists()
    # Nothing wider than the screen on the last page either (no sideways scrolling).
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
