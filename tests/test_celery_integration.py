"""The chain beat → Redis → worker → PostgreSQL works with real processes."""

from __future__ import annotations

import pytest

from centre.models import Heartbeat
from centre.tasks import heartbeat
from tests.celery_worker import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.slow]


def test_a_task_sent_through_redis_is_run_by_a_real_worker(celery_worker, client):
    assert not Heartbeat.objects.exists()
    heartbeat.delay()
    beat = wait_for(lambda: Heartbeat.objects.filter(name="worker").first())
    assert beat.at is not None
    health = client.get("/healthz").json()
    assert health["checks"]["worker"]["status"] == "up"
