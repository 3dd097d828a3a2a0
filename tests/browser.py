"""Headless Chromium (Debian's ``chromium``) driven by Playwright, for the browser tests."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture
def page(request, django_db_setup, live_server, monkeypatch):
    # django_db_setup first: the live server (and its database connection) then stops
    # before the test database is dropped at the end of the session.
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it as root)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        # Tests inject helpers (axe-core) as inline scripts, which the Content-Security-
        # Policy forbids: the browser sets it aside, except in tests marked ``csp``.
        context = browser.new_context(
            locale="zh-CN",
            base_url=live_server.url,
            bypass_csp=request.node.get_closest_marker("csp") is None,
        )
        context.set_default_timeout(15_000)
        yield context.new_page()
        context.close()
        browser.close()


def pytest_configure(config):
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
