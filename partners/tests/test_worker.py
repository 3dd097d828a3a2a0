"""With a real Celery worker on Redis: a receiver that fails twice, then succeeds, gets
each event exactly once by its id, signed, with either algorithm."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from centre.celery import app
from intake.tests.factories import register
from partners import signing
from partners.models import WebhookDelivery
from partners.tests.receiver import serve
from tests.celery_worker import _cache_env, wait_for, worker_process

pytestmark = [pytest.mark.celery_worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fast_retrying_worker(transactional_db):
    """A worker whose first retry waits 1 s (then 2 s), instead of a minute."""
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.control.purge()
    try:
        with worker_process(
            settings.CELERY_BROKER_URL, WEBHOOK_RETRY_BACKOFF="1", **_cache_env()
        ) as process:
            yield process
    finally:
        app.conf.task_always_eager = True


def test_a_receiver_failing_twice_gets_the_event_once_by_id_signed(
    fast_retrying_worker, clerk, ref, hotline, subscribe
):
    servers = {alg: serve([500, 500]) for alg in ("hmac-sha256", "hmac-sm3")}
    try:
        secrets = {
            alg: subscribe(hotline, receiver.url, algorithm=alg).secret
            for alg, (_, receiver) in servers.items()
        }
        # Committed registration → kick → the worker's outbox run → delivery → retries.
        case = register(clerk, ref, channel="platform", source="12345-anji", external_id="W-1")
        wait_for(
            lambda: WebhookDelivery.objects.filter(status="delivered").count() == 2, timeout=60
        )
        for alg, (_, receiver) in servers.items():
            assert [r.answered for r in receiver.requests] == [500, 500, 200]
            ids = {r.headers["X-Centre-Event-Id"] for r in receiver.requests}
            assert len(ids) == 1 and list(receiver.accepted) == list(ids)
            for request in receiver.requests:
                assert signing.verify(
                    alg,
                    secrets[alg],
                    request.headers["X-Centre-Timestamp"],
                    request.body,
                    request.headers["X-Centre-Signature"],
                )
            payload = json.loads(receiver.accepted[ids.pop()])
            assert payload["event"] == "case.registered"
            assert payload["data"]["case"]["number"] == case.number
        assert (
            list(WebhookDelivery.objects.values_list("attempts", "last_status", "error"))
            == [(3, 200, "")] * 2
        )
    finally:
        for server, _ in servers.values():
            server.shutdown()
            server.server_close()
