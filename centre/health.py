"""The state of the parts the centre depends on, for ``GET /healthz``."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import Connection

from centre.models import Heartbeat

TIMEOUT_SECONDS = 2


def _timed(check: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = check() or {}
    except Exception as exc:
        result = {"status": "down", "error": type(exc).__name__}
    result.setdefault("status", "up")
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _redis() -> dict[str, Any] | None:
    if not settings.REDIS_URL:
        return {"status": "not_configured"}
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()
    return None


def _broker() -> dict[str, Any] | None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"status": "eager"}  # tasks run in-process: there is no broker to reach
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=TIMEOUT_SECONDS
        )
    return None


def _worker() -> dict[str, Any]:
    """Informational: when the beat → worker → database heartbeat last went round."""
    beat = Heartbeat.objects.filter(name="worker").values_list("at", flat=True).first()
    if beat is None:
        return {"status": "unknown"}
    age = timezone.now() - beat
    return {
        "status": "up" if age < timedelta(minutes=3) else "stale",
        "last_seen": beat.isoformat(),
    }


def health_report() -> tuple[bool, dict[str, Any]]:
    checks = {
        "database": _timed(_database),
        "redis": _timed(_redis),
        "broker": _timed(_broker),
    }
    healthy = all(c["status"] != "down" for c in checks.values())
    if checks["database"]["status"] == "up":
        checks["worker"] = _timed(_worker)
    return healthy, {"status": "ok" if healthy else "error", "checks": checks}
