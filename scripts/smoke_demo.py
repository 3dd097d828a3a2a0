"""Smoke test of the demo path `make run` takes: SQLite, tasks in-process, migrate,
seed_demo (twice), then the real server answering the pages a newcomer opens first."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    var_dir = tempfile.mkdtemp(prefix="centre-demo-")
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "CELERY_BROKER_URL",
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    env.update(DEBUG="1", VAR_DIR=var_dir)
    manage = [sys.executable, str(ROOT / "manage.py")]
    # The two key files `make run` creates: personal data and the audit log's MAC.
    for name in ("party.key", "audit.key"):
        subprocess.run(
            [*manage, "generate_party_key", f"{var_dir}/{name}"],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    for _ in range(2):  # seed_demo must be idempotent
        out = subprocess.run(
            [*manage, "seed_demo"], env=env, check=True, cwd=ROOT, capture_output=True, text=True
        ).stdout
    assert "clerk" in out and "demo12345" in out, out

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        health = requests.get(f"{base}/healthz", timeout=5)
        assert health.status_code == 200, health.text
        session = requests.Session()
        login = session.get(f"{base}/accounts/login/", timeout=5)
        assert login.status_code == 200 and "工作人员登录" in login.text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        for username, landing, text in [
            ("clerk", "/intake/", "受理台"),
            ("leader", "/risk/", "领导驾驶舱"),
            ("petition", "/petitions/", "反映村道硬化工程完工两年仍未结算"),
            ("legalaid", "/legal-aid/", "追索工地拖欠劳动报酬"),
            ("inspector", "/labour/", "拖欠12名农民工2026年9月至11月工资"),
            ("reviewer", "/review/", "不服镇政府对其违法搭建作出的罚款决定"),
        ]:
            page = session.post(
                f"{base}/accounts/login/",
                data={"username": username, "password": "demo12345", "csrfmiddlewaretoken": token},
                headers={"Referer": f"{base}/accounts/login/"},
                timeout=10,
            )
            assert page.url == f"{base}{landing}" and text in page.text, (username, page.url)
            assert (
                session.get(
                    f"{base}/static/vendor/bootstrap/bootstrap.min.css", timeout=5
                ).status_code
                == 200
            )
            session.cookies.clear()
            token = re.search(
                r'name="csrfmiddlewaretoken" value="([^"]+)"',
                session.get(f"{base}/accounts/login/", timeout=5).text,
            ).group(1)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print("demo smoke: migrate, seed_demo x2, login page, seven desks — ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
