"""A clerk logs in through the real login page and lands on the intake desk."""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_clerk_logs_in_and_lands_on_the_intake_desk(page, clerk):
    page.goto("/")
    assert page.url.endswith("/accounts/login/?next=/")
    assert page.get_by_role("heading", name="工作人员登录").is_visible()
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/intake/")
    assert page.get_by_role("heading", name="受理台").is_visible()
    assert page.get_by_text("建议分流窗口").is_visible()
    nav = page.get_by_role("navigation")
    assert nav.get_by_role("link", name="受理台").is_visible()
    # Bootstrap's stylesheet came from the app: the navbar is styled.
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    assert page.evaluate("typeof htmx") == "object"


def test_a_wrong_password_is_refused_on_the_page(page, clerk):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text().startswith("用户名或密码错误")
