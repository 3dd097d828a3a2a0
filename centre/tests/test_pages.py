"""Pages: Chinese by default, English on request, Chinese error pages, and nothing loaded
from outside the app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = ["templates", "static", "centre", "intake", "mediation", "judicial", "risk"]
# src=, href=, url(...) or an @import pointing off the app.
EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def _front_end_files():
    for folder in APP_DIRS:
        for path in (ROOT / folder).rglob("*"):
            if "vendor" in path.parts or "node_modules" in path.parts:
                continue
            if path.suffix in {".html", ".css", ".js"}:
                yield path


def test_no_template_or_asset_loads_anything_from_outside_the_app():
    files = list(_front_end_files())
    assert any(p.name == "base.html" for p in files)
    offenders = [
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p in files
        for m in EXTERNAL.finditer(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_external_url_check_catches_a_cdn_link():
    # Built from parts so that this test file is not itself an external-asset hit.
    assert EXTERNAL.search('<script src="https://' + 'cdn.example.com/x.js">')
    assert EXTERNAL.search("<link href='//unpkg.com/a.css'>")
    assert not EXTERNAL.search('<script src="/static/vendor/htmx/htmx.min.js">')


@pytest.mark.django_db
def test_rendered_pages_use_only_local_assets(client, supervisor):
    client.force_login(supervisor)
    for url_name in ("intake:desk", "mediation:my_cases", "risk:dashboard"):
        page = client.get(reverse(url_name)).content.decode()
        assert not EXTERNAL.search(page), url_name
        assert "/static/vendor/bootstrap/bootstrap.min.css" in page
        assert "/static/vendor/htmx/htmx.min.js" in page
    assert (
        "/static/vendor/echarts/echarts.min.js"
        in client.get(reverse("risk:dashboard")).content.decode()
    )


@pytest.mark.django_db
def test_vendor_assets_are_served_by_the_app(client):
    for path in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/htmx/htmx.min.js",
        "vendor/echarts/echarts.min.js",
    ):
        response = client.get(f"/static/{path}")
        assert response.status_code == 200, path


@pytest.mark.django_db
def test_language_switch_to_english_and_back(client, clerk):
    client.force_login(clerk)
    desk = reverse("intake:desk")
    client.post(reverse("set_language"), {"language": "en", "next": desk})
    page = client.get(desk).content.decode()
    assert "Intake desk" in page
    assert 'lang="en"' in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": desk})
    assert "受理台" in client.get(desk).content.decode()


@pytest.mark.django_db
def test_error_pages_are_chinese(client, clerk, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    client.force_login(clerk)
    response = client.get(reverse("judicial:queue"))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_server_error_page_is_chinese_and_standalone(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "系统错误" in response.content.decode()
