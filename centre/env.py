"""Reading settings from the environment.

django-environ does the parsing; these helpers add what it lacks: a boolean that is
neither true nor false is an error (a typo in ``DEBUG`` must not silently mean "off"),
and every variable can also come from a file named by ``<NAME>_FILE`` (Docker secrets).
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

env = environ.FileAwareEnv()


def read_dotenv(path: Path) -> None:
    """Load ``.env`` if present; real environment variables win."""
    if path.is_file():
        environ.Env.read_env(path, overwrite=False)


def env_str(name: str, default: str | None = None) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name}: {exc.strerror}") from exc
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Django's DATABASES entry for a URL; PostgreSQL gets Django's psycopg 3 pool (5.1+):
    connections are reused across requests without CONN_MAX_AGE, which must stay 0; and
    server-side binding."""
    config = env.db_url_config(url)
    if config["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_POOL", True):
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DB_POOL_MIN_SIZE", 1),
            "max_size": env_int("DB_POOL_MAX_SIZE", 10),
            "timeout": env_int("DB_POOL_TIMEOUT", 10),
        }
        config["CONN_MAX_AGE"] = 0
    if config["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_SERVER_BINDING", True):
        # Parameters sent apart from the SQL (no quoting of each value into it), which also
        # lets centre.prepared have a registration's statements prepared.
        config.setdefault("OPTIONS", {})["server_side_binding"] = True
    return config
