"""A clerk logs in through the real login page and lands on the intake desk; one whose
password is past its 90 days changes it first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from centre.models import AccountSecurity

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


def test_a_password_past_90_days_is_changed_before_the_desk_opens(page, clerk):
    AccountSecurity.objects.update_or_create(
        user=clerk, defaults={"password_changed_at": timezone.now() - timedelta(days=91)}
    )
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/password/")
    assert page.get_by_role("alert").inner_text() == "您的密码已超过90天未修改，须先修改密码。"

    page.goto("/intake/")  # the desk stays shut until the password is changed
    page.wait_for_url("**/accounts/password/")
    assert page.get_by_role("heading", name="受理台").count() == 0

    page.get_by_label("旧密码").fill(settings.DEMO_PASSWORD)
    page.get_by_label("新密码", exact=True).fill("Lvshui-Qingshan-1")
    page.get_by_label("新密码确认").fill("Lvshui-Qingshan-1")
    page.get_by_role("button", name="确认修改").click()
    page.wait_for_url("**/intake/")
    assert page.get_by_role("heading", name="受理台").is_visible()
    assert page.get_by_text("密码已修改").is_visible()
