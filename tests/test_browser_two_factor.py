"""Two factors in the browser: a clerk's first login enrols an authenticator app (the QR code
drawn in the page, the secret as text), its first code opens the desk; the next login asks
for the code. The Content-Security-Policy is enforced throughout and nothing breaks it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from centre.tests.test_two_factor import code_for, enrolled
from centre.two_factor import secret_text
from tests.test_accessibility import _violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _password(page):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


@pytest.mark.csp
def test_a_clerk_enrols_at_the_first_login_and_gives_the_code_at_the_next(page, clerk, settings):
    settings.OTP_REQUIRED = True
    violations = []
    page.on(
        "console",
        lambda m: violations.append((page.url, m.text)) if "Content Security" in m.text else None,
    )

    _password(page)
    page.wait_for_url("**/accounts/two-factor/enrol/?next=%2F")
    assert page.get_by_role("heading", name="绑定动态口令").is_visible()
    qr = page.locator("#two-factor-qr svg")
    assert qr.is_visible() and qr.bounding_box()["width"] > 100
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    assert page.locator("#two-factor-secret").inner_text() == secret_text(device)

    page.goto("/intake/")  # the desk stays shut until the code is given
    page.wait_for_url("**/accounts/two-factor/enrol/**")

    page.get_by_label("动态口令").fill(code_for(device))
    page.get_by_role("button", name="完成绑定").click()
    page.wait_for_url("**/intake/")
    assert page.get_by_role("heading", name="受理台").is_visible()
    assert page.get_by_text("动态口令已绑定").is_visible()

    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/")
    _password(page)
    page.wait_for_url("**/accounts/two-factor/?next=/")
    assert page.get_by_role("heading", name="输入动态口令").is_visible()
    assert page.locator("svg").count() == 0  # the secret is never shown again
    wrong = f"{(int(code_for(device, 1)) + 1) % 1_000_000:06d}"
    page.get_by_label("动态口令").fill(wrong)
    page.get_by_role("button", name="验证").click()
    assert page.get_by_role("alert").first.inner_text().startswith("动态口令错误")

    # The code of this period was taken at the enrolment: the app's next one (django-otp
    # accepts one period of clock difference), after the back-off of the wrong attempt.
    page.wait_for_timeout(1100)
    page.get_by_label("动态口令").fill(code_for(device, 1))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url("**/intake/")
    assert page.get_by_role("heading", name="受理台").is_visible()
    assert not violations, violations


def test_the_two_factor_pages_have_no_serious_accessibility_violations(page, clerk, settings):
    settings.OTP_REQUIRED = True
    _password(page)
    page.wait_for_url("**/accounts/two-factor/enrol/**")
    found = _violations(page)
    assert not found, "\n".join(found)

    enrolled(clerk)
    TOTPDevice.objects.filter(user=clerk, confirmed=False).delete()
    page.goto("/accounts/two-factor/")
    page.get_by_role("button", name="验证").click()  # nothing typed: the error is shown
    assert page.get_by_role("alert").first.inner_text() == "请输入动态口令"
    found = _violations(page)
    assert not found, "\n".join(found)
