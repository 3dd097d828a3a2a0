"""Settings come from the environment: the demo runs anywhere, production is strict."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from centre.crypto import generate_key
from centre.env import env_bool, env_int, env_str

ROOT = Path(__file__).resolve().parents[2]
# Production names a personal-data key file; this one lives as long as the test process.
_PROD_KEY_DIR = tempfile.TemporaryDirectory(prefix="centre-prod-key-")
PROD_KEY_FILE = Path(_PROD_KEY_DIR.name) / "party.key"
PROD_KEY_FILE.write_text(generate_key(), encoding="ascii")
PROD_KEY_FILE.chmod(0o600)
PROD_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "centre.anji.gov.cn",
    "DATABASE_URL": "postgres://postgres@/centre",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "PARTY_KEY_FILE": str(PROD_KEY_FILE),
    "PUBLIC_BASE_URL": "https://centre.anji.gov.cn",
}


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "CELERY_BROKER_URL",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="centre.settings", VAR_DIR=env.get("VAR_DIR", ""))
    if not clean["VAR_DIR"]:
        del clean["VAR_DIR"]
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


SHOW = """
import django, json
django.setup()
from django.conf import settings as s
print(json.dumps({"engine": s.DATABASES["default"]["ENGINE"],
    "pool": "pool" in s.DATABASES["default"].get("OPTIONS", {}),
    "binding": s.DATABASES["default"].get("OPTIONS", {}).get("server_side_binding", False),
    "eager": s.CELERY_TASK_ALWAYS_EAGER, "broker": s.CELERY_BROKER_URL,
    "cache": s.CACHES["default"]["BACKEND"], "lang": s.LANGUAGE_CODE, "tz": s.TIME_ZONE,
    "debug": s.DEBUG}))
"""


def test_demo_defaults_to_sqlite_and_eager_tasks(tmp_path):
    result = _run(SHOW, {"DEBUG": "1", "VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["eager"] is True
    assert shown["broker"] == "memory://"
    assert shown["lang"] == "zh-hans"
    assert shown["tz"] == "Asia/Shanghai"


def test_production_urls_give_postgres_pool_and_redis_broker():
    result = _run(SHOW, PROD_ENV)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["pool"] is True
    assert shown["binding"] is True
    assert shown["eager"] is False
    assert shown["broker"] == "redis://127.0.0.1:6379/0"
    assert shown["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert shown["debug"] is False


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **PROD_ENV, "DJANGO_SETTINGS_MODULE": "centre.settings"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_reports_a_missing_party_key_file(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            **PROD_ENV,
            "PARTY_KEY_FILE": str(tmp_path / "absent.key"),
            "DJANGO_SETTINGS_MODULE": "centre.settings",
        },
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "centre.E001" in output
    assert "PARTY_KEY_FILE" in output
    assert "generate_party_key" in output


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PROD_ENV.items() if k != "SECRET_KEY"}
    result = _run(SHOW, env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("from-a-docker-secret-" + "x" * 40 + "\n", encoding="utf-8")
    env = {k: v for k, v in PROD_ENV.items() if k != "SECRET_KEY"}
    env["SECRET_KEY_FILE"] = str(key_file)
    result = _run(
        "import django; django.setup(); from django.conf import settings as s; print(s.SECRET_KEY)",
        env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from-a-docker-secret-" + "x" * 40


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("0", False), ("TRUE", True)]
)
def test_booleans_are_read_strictly(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", not expected) is expected


def test_a_mistyped_boolean_is_an_error_not_false(monkeypatch):
    monkeypatch.setenv("DEBUG_X", "ture")
    with pytest.raises(ImproperlyConfigured, match="DEBUG_X"):
        env_bool("DEBUG_X", False)
    monkeypatch.setenv("N_X", "ten")
    with pytest.raises(ImproperlyConfigured, match="N_X"):
        env_int("N_X", 1)


def test_missing_secret_file_names_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("API_KEY_FILE", str(tmp_path / "absent"))
    with pytest.raises(ImproperlyConfigured, match="API_KEY_FILE"):
        env_str("API_KEY")


def test_the_suite_itself_runs_on_postgres_and_redis():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.django_db
def test_statements_are_prepared_only_inside_the_context():
    """Server-side binding, and inside ``prepared_statements`` a statement run twice on a
    connection is prepared (PostgreSQL parses and plans it once); outside, as Django's
    default, nothing is: a read keeps plans made for its own values."""
    from django.db import connection

    from centre.models import Window
    from centre.prepared import prepared_statements

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    for _ in range(7):
        list(Window.objects.filter(code="mediation"))
    assert not [s for s in prepared() if "centre_window" in s]
    with prepared_statements():
        for _ in range(3):
            list(Window.objects.filter(code="petition"))
    assert [s for s in prepared() if 'FROM "centre_window"' in s and "$1" in s]


def test_check_deploy_refuses_a_loopback_public_address():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            **PROD_ENV,
            "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
            "DJANGO_SETTINGS_MODULE": "centre.settings",
        },
    )
    assert result.returncode != 0
    assert "centre.E002" in result.stdout + result.stderr


def test_the_api_error_module_loads_first_without_a_circular_import():
    """axes' check imports AXES_LOCKOUT_CALLABLE (in centre.api_errors) before anything
    else may have loaded DRF's views, which read DEFAULT_RENDERER_CLASSES (also there)."""
    code = (
        "import django; django.setup()\n"
        "from django.utils.module_loading import import_string\n"
        "import_string('centre.api_errors.lockout')\n"
    )
    result = _run(code, PROD_ENV)
    assert result.returncode == 0, result.stderr
