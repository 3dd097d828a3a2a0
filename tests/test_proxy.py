"""The reverse proxy of docker-compose (deploy/Caddyfile), run for real in front of the app:
responses name no software (no Server header, neither gunicorn's nor the proxy's), pages
and the API come through, and the app reads the client's address from the one
X-Forwarded-For entry the proxy appends (GB/T 22239-2019 8.1.4.4)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.celery_worker import wait_for

CADDYFILE = Path(__file__).resolve().parents[1] / "deploy" / "Caddyfile"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def proxy(live_server, tmp_path):
    binary = shutil.which("caddy")
    if binary is None:
        pytest.fail("caddy is not installed: run scripts/ensure-debs.sh as root (make test does)")
    port = _free_port()
    env = {
        **os.environ,
        "PROXY_PORT": str(port),
        "UPSTREAM": urlsplit(live_server.url).netloc,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    process = subprocess.Popen(
        [binary, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    def listening() -> bool:
        assert process.poll() is None, process.stderr.read()
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    wait_for(listening, timeout=20)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def _get(url: str) -> requests.Response:
    return requests.get(url, timeout=10, allow_redirects=False)


def test_responses_through_the_proxy_name_no_software(proxy, live_server, db):
    assert _get(f"{live_server.url}/accounts/login/").headers.get("Server")  # the app's does
    for path in ("/accounts/login/", "/healthz", "/api/v1/cases/", "/no-such-page/"):
        response = _get(f"{proxy}{path}")
        assert response.status_code in (200, 401, 403, 404), (path, response.status_code)
        assert "Server" not in response.headers, (path, response.headers.get("Server"))
        assert "Via" not in response.headers
    assert "登录" in _get(f"{proxy}/accounts/login/").text  # the page comes through whole


def test_the_proxy_appends_the_client_s_address_and_a_forged_one_is_not_believed(
    proxy, db, settings
):
    """One proxy (TRUSTED_PROXY_COUNT=1, compose's default): the address the proxy saw is
    the client's, whatever the client wrote into X-Forwarded-For itself."""
    from centre.models import AuditLog

    settings.TRUSTED_PROXY_COUNT = 1
    browser = requests.Session()
    form = browser.get(f"{proxy}/accounts/login/", timeout=10)
    token = form.cookies["csrftoken"]
    response = browser.post(
        f"{proxy}/accounts/login/",
        data={"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": token},
        headers={"X-Forwarded-For": "203.0.113.9", "Referer": f"{proxy}/accounts/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 200  # the form again, with the error
    entry = AuditLog.objects.filter(action=AuditLog.Action.LOGIN_FAILED).latest("pk")
    assert entry.ip_address == "127.0.0.1"  # not the forged 203.0.113.9
