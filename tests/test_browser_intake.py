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


def _tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector``: only the keyboard moves."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _focused(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def test_keyboard_only_registration_of_a_person_against_an_organisation(page, clerk, county):
    from centre.models import AuditLog
    from centre.tests.factories import CategoryFactory
    from intake.models import Case, Party
    from intake.tests.factories import credit_code

    ref = reference_data(county)
    labour = CategoryFactory(code="05", name="劳动争议")
    CategoryFactory(code="0501", name="劳动报酬", parent=labour)
    known_id = resident_id("19720815")
    register(
        clerk,
        ref,
        parties=[
            applicant(
                id_number=known_id, name="王秀英", phone="13957212345", address="递铺街道阳光路8号"
            ),
            respondent(),
        ],
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(error))
    _log_in(page, "clerk")
    assert _focused(page) == "id_channel"  # the first field, ready for typing

    # The category by its pinyin initials; the suggested window follows.
    _tab_to(page, "#category-search")
    page.keyboard.type("ldbc")
    assert page.locator("#id_category").input_value() == "0501"
    page.keyboard.press("Control+A")
    page.keyboard.type("xlgx")
    assert page.locator("#id_category").input_value() == ref["category"].code
    page.locator("#suggested-window").wait_for()
    assert page.locator("#suggested-window").inner_text() == "调解服务"
    _tab_to(page, "#id_town")
    page.keyboard.press("ArrowDown")
    page.locator(f"#id_village option[value='{ref['village'].code}']").wait_for(state="attached")
    _tab_to(page, "#id_village")
    page.keyboard.press("ArrowDown")
    _tab_to(page, "#id_summary")
    page.keyboard.type("拖欠三个月工资")

    # The applicant: a wrong check digit is named as it is typed, before submitting.
    _tab_to(page, "#id_parties-0-id_number")
    wrong = known_id[:-1] + ("0" if known_id[-1] != "0" else "1")
    page.keyboard.type(wrong)
    page.keyboard.press("Tab")
    message = page.locator("#id_parties-0-id_number-error")
    message.wait_for()
    assert message.inner_text() == "证件号码：校验位错误"
    assert "is-invalid" in page.locator("#id_parties-0-id_number").get_attribute("class")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type(known_id)
    page.keyboard.press("Tab")
    message.wait_for(state="detached")
    # A known ID number: the party is offered masked, and filled in on request (a reveal).
    offer = page.locator("#history-parties-0 [data-known-party]")
    offer.wait_for()
    assert "王**" in offer.inner_text() and "139****2345" in offer.inner_text()
    _tab_to(page, "[data-fill-party='parties-0']")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'id_parties-0-name'")
    assert page.locator("#id_parties-0-name").input_value() == "王秀英"
    assert page.locator("#id_parties-0-phone").input_value() == "13957212345"
    assert page.locator("#id_parties-0-address").input_value() == "递铺街道阳光路8号"

    # The respondent is an organisation: its fields appear, the ID fields go.
    second = page.locator("#party-parties-1")
    assert not second.get_by_label("统一社会信用代码").is_visible()
    _tab_to(page, "#id_parties-1-kind")
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_parties-1-kind").input_value() == "organisation"
    assert second.get_by_label("统一社会信用代码").is_visible()
    assert not second.get_by_label("证件号码").is_visible()
    _tab_to(page, "#id_parties-1-name")
    page.keyboard.type("安吉某某竹木制品有限公司")
    _tab_to(page, "#id_parties-1-credit_code")
    page.keyboard.type(credit_code())
    _tab_to(page, "#id_parties-1-legal_representative")
    page.keyboard.type("王明")
    page.keyboard.press("Enter")  # submits the registration

    page.wait_for_url("**/intake/cases/330523-*-000002/")
    assert page.get_by_text("登记成功").is_visible()
    case = Case.objects.get(number__endswith="000002")
    assert case.category.code == ref["category"].code and case.region == ref["village"]
    kinds = {cp.party.name: cp.party.kind for cp in case.case_parties.select_related("party")}
    assert kinds == {
        "王秀英": Party.Kind.PERSON,
        "安吉某某竹木制品有限公司": Party.Kind.ORGANISATION,
    }
    assert AuditLog.objects.filter(action=AuditLog.Action.VIEW_PERSONAL_DATA).count() == 1

    # One key to print the receipt, one to the next walk-in.
    page.locator("[data-document='receipt'][data-status='ready']").wait_for(timeout=20_000)
    with page.expect_popup() as popup:
        page.keyboard.press("p")
    receipt = popup.value
    receipt.wait_for_url("**/documents/*/")
    assert receipt.context.request.get(receipt.url).body().startswith(b"%PDF")
    receipt.close()
    assert page.get_by_role("link", name="登记下一件 N").is_visible()
    assert page.get_by_role("link", name="打印回执 P").is_visible()
    page.keyboard.press("n")
    page.wait_for_url("**/intake/")
    assert _focused(page) == "id_channel"
    assert script_errors == []


def test_a_failed_submit_takes_the_focus_to_the_summary_and_keeps_what_was_chosen(
    page, clerk, county
):
    ref = reference_data(county)
    _log_in(page, "clerk")
    page.get_by_label("纠纷类别").select_option(ref["category"].code)
    page.locator("#suggested-window").wait_for()
    page.get_by_label("乡镇/街道").select_option(ref["town"].code)
    page.locator("#party-parties-0").get_by_label("姓名/名称").fill("张建华")
    page.get_by_role("button", name="登记并生成回执").click()

    page.wait_for_function("() => document.activeElement.id === 'error-summary'")
    summary = page.get_by_role("alert").filter(has_text="需要更正")
    assert "事项摘要：该字段是必填项。" in summary.inner_text()
    assert page.locator("#suggested-window").inner_text() == "调解服务"
    assert page.locator("#party-parties-0").get_by_label("姓名/名称").input_value() == "张建华"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the first error's link leads to its field
    first = page.evaluate("() => document.activeElement.id")
    assert first == "id_summary"
    assert "is-invalid" in page.locator("#id_summary").get_attribute("class")

    # A party row added later shows only its kind's fields too.
    page.get_by_role("button", name="添加当事人").click()
    added = page.locator("#party-parties-2")
    added.wait_for()
    assert added.get_by_label("证件号码").is_visible()
    assert not added.get_by_label("统一社会信用代码").is_visible()
    added.get_by_label("类型", exact=True).select_option("organisation")
    assert added.get_by_label("统一社会信用代码").is_visible()
    assert not added.get_by_label("证件号码").is_visible()


def test_the_desk_is_usable_on_a_phone(page, clerk, county):
    ref = reference_data(county)
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, "clerk")
    # Nothing wider than the screen: no sideways scrolling to reach a field.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.get_by_label("纠纷类别").select_option(ref["category"].code)
    page.get_by_label("乡镇/街道").select_option(ref["town"].code)
    page.locator(f"#id_village option[value='{ref['village'].code}']").wait_for(state="attached")
    page.get_by_label("村/社区").select_option(ref["village"].code)
    page.get_by_label("事项摘要").fill("邻居加建围墙占用通道")
    first = page.locator("#party-parties-0")
    first.get_by_label("姓名/名称").fill("张建华")
    first.get_by_label("联系电话").fill("13957212345")
    second = page.locator("#party-parties-1")
    second.get_by_label("姓名/名称").fill("李国强")
    second.get_by_label("证件类型").select_option("")
    for field in ("#id_summary", "#id_parties-1-name"):
        box = page.locator(field).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    submit = page.get_by_role("button", name="登记并生成回执")
    submit.scroll_into_view_if_needed()
    box = submit.bounding_box()
    assert box["x"] + box["width"] <= 390 and box["height"] >= 40  # a thumb can hit it
    submit.click()
    page.wait_for_url("**/intake/cases/330523-*-000001/")
    assert page.get_by_text("登记成功").is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
