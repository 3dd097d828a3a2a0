"""GET /healthz reports the database, Redis and the Celery broker: 200 when the required
parts are up, 503 when one is down. Real Redis, and a real closed port for "down"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from centre.models import Heartbeat

pytestmark = pytest.mark.django_db
CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_all_up_gives_200(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # report on the real broker, as production does
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {k: v["status"] for k, v in body["checks"].items()} == {
        "database": "up",
        "redis": "up",
        "broker": "up",
        "worker": "unknown",
    }


def test_redis_down_gives_503(client, settings):
    settings.REDIS_URL = CLOSED
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["redis"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "up"


def test_broker_down_gives_503(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = CLOSED
    body = client.get("/healthz").json()
    assert body["checks"]["broker"]["status"] == "down"
    assert body["status"] == "error"


def test_demo_without_redis_is_healthy(client, settings):
    settings.REDIS_URL = None
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["redis"]["status"] == "not_configured"
    assert checks["broker"]["status"] == "eager"


def test_worker_heartbeat_is_reported(client):
    Heartbeat.objects.create(name="worker", at=timezone.now())
    assert client.get("/healthz").json()["checks"]["worker"]["status"] == "up"
    Heartbeat.objects.filter(name="worker").update(at=timezone.now() - timedelta(hours=1))
    assert client.get("/healthz").json()["checks"]["worker"]["status"] == "stale"
