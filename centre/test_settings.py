"""Settings for the test suite: the real ones, made fast and isolated.

Tests run on PostgreSQL (``DATABASE_URL``) and Redis (``REDIS_URL``) like production.
Celery runs eagerly except in tests marked ``celery_worker``, which start a real worker.
"""

import atexit
import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-real-deployment-000")


def _throwaway_party_key(name: str = "party") -> str:
    """A fresh key file for this test run, never a real key.

    Its path goes into the environment, not just into settings, so the processes the tests
    start (the Celery worker, pytest-xdist workers) read and write tokens with the same key.
    """
    from centre.crypto import generate_key

    path = Path(tempfile.gettempdir()) / f"centre-test-{name}-{os.getpid()}.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(generate_key())
    atexit.register(path.unlink, missing_ok=True)
    return str(path)


# Decided before the settings read .env, so a key named there is never used by the tests.
if not os.environ.get("PARTY_KEY_FILE"):
    os.environ["PARTY_KEY_FILE"] = _throwaway_party_key()
# The audit log's MAC key, the same way: every process of the run seals with it.
if not os.environ.get("AUDIT_KEY_FILE"):
    os.environ["AUDIT_KEY_FILE"] = _throwaway_party_key("audit")

from centre.env import database_from_url  # noqa: E402
from centre.settings import *  # noqa: E402, F403
from centre.settings import CACHES, DATABASE_REPLICA_URL, DATABASE_URL, REDIS_URL  # noqa: E402

# Retired keys of a real deployment mean nothing here; rotation tests name their own.
PARTY_PREVIOUS_KEY_FILES = []
AUDIT_PREVIOUS_KEY_FILES = []

# Tests run on PostgreSQL only, by default the local server over its socket.
DATABASES = {"default": database_from_url(DATABASE_URL or "postgres://postgres@/centre")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise RuntimeError("The test suite runs on PostgreSQL: set DATABASE_URL to a postgres:// URL")
# No pool in the test process: the live server's thread would keep a pooled connection open
# past the end of the session, and the test database could not be dropped. The pool itself
# is checked in test_settings.py and used by the real Celery worker the tests start.
DATABASES["default"].get("OPTIONS", {}).pop("pool", None)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database_from_url(DATABASE_REPLICA_URL) | {"TEST": {"MIRROR": "default"}}
    DATABASES["replica"].get("OPTIONS", {}).pop("pool", None)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Nothing is collected in tests; static files are found in place.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Each pytest-xdist worker gets two Redis databases after the run's own (REDIS_URL's): its
# Celery broker, so a real worker started by one test process never takes another's tasks,
# nor another run's; and its cache — production's RedisCache with production's options, so
# sessions (cached_db), the throttles and the reference cache run in the tests as they run
# in production. Each test starts by emptying its worker's cache database
# (tests/fixtures.py), hence one per worker. CI gives each run a free block of five
# (scripts/free_redis_db.py): the run's own, then gw0's broker and cache, gw1's.
if REDIS_URL:
    _worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    _server, _, _base = REDIS_URL.rpartition("/")
    CELERY_BROKER_URL = f"{_server}/{(int(_base or 0) + 1 + 2 * _worker) % 16}"
    CACHES = {
        "default": {
            **CACHES["default"],
            "LOCATION": f"{_server}/{(int(_base or 0) + 2 + 2 * _worker) % 16}",
        }
    }
CELERY_TASK_ALWAYS_EAGER = True
# The suite logs in with a password only; the two-factor tests turn this on themselves.
OTP_REQUIRED = False
RISK_REFRESH_ON_VIEW = False  # tests refresh explicitly
