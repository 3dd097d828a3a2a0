"""The Content-Security-Policy holds on the pages staff use: the browser enforces it and
reports no violation (no inline script or style, nothing from outside the app), from the
desk to the dashboard, the incident pages, the admin and the API docs."""

from __future__ import annotations

import pytest
from django.conf import settings

from intake.tests.factories import reference_data, register
from risk.dashboard import rollups

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.csp]


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def test_no_page_breaks_the_content_security_policy(page, clerk, supervisor, county):
    violations = []
    page.on(
        "console",
        lambda m: (
            violations.append((page.url, m.text))
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
            else None
        ),
    )
    case = register(clerk, reference_data(county))
    rollups.rebuild()
    _log_in(page, "clerk")
    for url in ["/intake/", f"/intake/cases/{case.number}/", "/intake/cases/", "/api/docs/"]:
        response = page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    _log_in(page, "supervisor")
    for url in ["/risk/", "/incidents/", "/incidents/county/", "/mediation/assign/"]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert not violations, violations


def test_the_headers_say_so(client, clerk):
    client.force_login(clerk)
    response = client.get("/intake/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "camera=(self)" in response["Permissions-Policy"]
