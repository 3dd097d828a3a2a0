"""Documents are asked for with one Celery message per batch of changes (centre.after_commit.kick),
on the real Redis broker: none is missed, and a broker or cache outage loses nothing."""

from __future__ import annotations

import json

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from centre import after_commit
from intake import tasks
from intake.models import CaseDocument
from intake.tests.factories import reference_data, register
from tests.test_broker_outage import CLOSED, broker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def real_broker():
    """The app on this test process's Redis database, its queue empty, tasks not run."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete("celery")
    with broker(settings.CELERY_BROKER_URL):
        yield client
    client.delete("celery")


def _queued(client) -> list[str]:
    return [json.loads(m)["headers"]["task"] for m in client.lrange("celery", 0, -1)]


def test_one_message_serves_every_receipt_until_a_worker_starts(clerk, county, real_broker):
    ref = reference_data(county)
    cases = [register(clerk, ref) for _ in range(3)]
    assert _queued(real_broker) == ["intake.tasks.render_pending_documents"]
    assert CaseDocument.objects.filter(status="pending").count() == 3

    assert tasks.render_pending_documents() == 3  # what the worker runs for that message
    for case in cases:
        assert CaseDocument.objects.get(case=case, kind="receipt").status == "ready"
    # The run cleared the flag when it started: the next registration sends again.
    register(clerk, ref)
    assert len(_queued(real_broker)) == 2


def test_a_change_made_while_a_run_works_sends_another_run(clerk, county, real_broker):
    ref = reference_data(county)
    register(clerk, ref)
    after_commit.kicked(tasks.render_pending_documents)  # a worker took the message and started
    register(clerk, ref)  # committed after the start: maybe not in what that run reads
    assert len(_queued(real_broker)) == 2


def test_a_broker_outage_leaves_the_receipt_to_the_sweep_and_the_next_change_retries(
    clerk, county, caplog
):
    ref = reference_data(county)
    with broker(CLOSED):
        case = register(clerk, ref)
    assert "left for the sweep" in caplog.text
    assert CaseDocument.objects.get(case=case).status == "pending"
    # No flag left standing: the next registration does not wait KICK_TTL to try again.
    assert cache.get(f"queue:kick:{tasks.render_pending_documents.name}") is None


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED,
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
)
def test_without_the_cache_every_change_sends_its_message(clerk, county, real_broker, caplog):
    ref = reference_data(county)
    register(clerk, ref)
    register(clerk, ref)
    assert len(_queued(real_broker)) == 2
    assert "kick flag unavailable" in caplog.text


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CELERY_BROKER_URL,
        }
    }
)
def test_the_flag_lives_in_the_redis_cache(clerk, county, real_broker):
    """The kick's own client on the Redis cache: same key and value as cache.add."""
    key = f"queue:kick:{tasks.render_pending_documents.name}"
    cache.delete(key)
    ref = reference_data(county)
    register(clerk, ref)
    register(clerk, ref)
    assert _queued(real_broker) == ["intake.tasks.render_pending_documents"]
    assert cache.get(key) == 1
    assert (
        0
        < redis.Redis.from_url(settings.CELERY_BROKER_URL).ttl(cache.make_and_validate_key(key))
        <= after_commit.KICK_TTL
    )
    tasks.render_pending_documents()
    assert cache.get(key) is None
    cache.delete(key)
