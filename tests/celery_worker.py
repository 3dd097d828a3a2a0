"""A real Celery worker process for the tests marked ``celery_worker``.

It runs the production settings against this test process's own PostgreSQL test database
and Redis database, so it sees only committed rows (use ``transactional_db``) and only this
test process's tasks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from centre.celery import app

ROOT = Path(__file__).resolve().parents[1]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    host = db["HOST"] + (f":{db['PORT']}" if db["PORT"] else "")
    return f"postgres://{auth}@{host}/{db['NAME']}"


def _cache_env() -> dict[str, str]:
    location = settings.CACHES["default"].get("LOCATION")
    return {"REDIS_URL": location} if isinstance(location, str) and location else {}


@contextmanager
def worker_process(broker_url: str, name: str | None = None, **extra_env: str):
    """A real worker on ``broker_url``: the ``celery_worker`` fixture's, or one for a test
    that brings its own Redis."""
    name = name or f"test-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "centre.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        **extra_env,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "centre",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "-n",
            name,
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not app.control.ping(destination=[name], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker did not start:\n{process.stdout.read()}")
        process.worker_name = name
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def celery_worker(transactional_db):
    """Start a worker, switch the app from eager to the broker, stop the worker after."""
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.control.purge()  # tasks a killed earlier run left behind
    try:
        # The worker caches where the test process does (its worker's Redis database), as
        # production's web and worker processes share one cache.
        with worker_process(settings.CELERY_BROKER_URL, **_cache_env()) as process:
            yield process
    finally:
        app.conf.task_always_eager = True


def wait_for(condition, timeout: float = 20.0, interval: float = 0.1):
    """Poll ``condition`` until it returns something truthy (a worker works asynchronously)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def wait_idle(worker_name: str, timeout: float = 60.0) -> None:
    """Until the work sent so far is done: the broker holds no message for the worker, and
    the worker answers that it runs and holds none (a solo worker answers only between
    tasks, so a reply means no task is running)."""

    def idle() -> bool:
        with app.connection_for_write() as conn:
            # Declared, not looked up passively: on Redis an empty queue has no key, and a
            # passive look-up calls it missing.
            waiting = conn.default_channel.queue_declare(
                queue=app.conf.task_default_queue
            ).message_count
        if waiting:
            return False
        inspect = app.control.inspect(destination=[worker_name], timeout=1)
        active, reserved = inspect.active() or {}, inspect.reserved() or {}
        return (
            worker_name in active
            and worker_name in reserved
            and not active[worker_name]
            and not reserved[worker_name]
        )

    wait_for(idle, timeout)
