"""Redis down: registration and transitions still work; the receipt waits in PostgreSQL
and the sweep renders it once the broker is back. A real closed port, no mock."""

from __future__ import annotations

import contextlib
import socket
import threading
from contextlib import contextmanager

import pytest
from django.db import connection

from centre.celery import app
from intake import tasks, workflow
from intake.models import CaseDocument
from intake.tests.factories import reference_data, register

pytestmark = pytest.mark.django_db(transaction=True)
CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@contextmanager
def broker(url: str):
    """Point the Celery app at another broker (a new connection pool), then back."""
    previous = (app.conf.task_always_eager, app.conf.broker_url)

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.task_always_eager, app.conf.broker_url = False, url
    reset_pools()
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
        reset_pools()


def test_registration_and_triage_survive_a_broker_outage(clerk, county, caplog):
    ref = reference_data(county)
    with broker(CLOSED):
        case = register(clerk, ref)
        workflow.fire(actor=clerk, number=case.number, name="triage", data={"window": "mediation"})
    assert CaseDocument.objects.get(case=case).status == CaseDocument.Status.PENDING
    assert "left for the sweep" in caplog.text
    case.refresh_from_db()
    assert case.state == "triaged"


@pytest.fixture
def hung_redis():
    """A port that takes connections and never answers (a Redis stopped, a network that
    swallows packets): the URL of a broker there."""
    server = socket.create_server(("127.0.0.1", 0))
    taken: list[socket.socket] = []

    def accept():
        with contextlib.suppress(OSError):
            while True:
                taken.append(server.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()
    for conn in taken:
        conn.close()


def test_a_broker_that_never_answers_does_not_hold_the_clerk(clerk, county, hung_redis, caplog):
    ref = reference_data(county)
    done: dict = {}

    def registration():
        try:
            done["case"] = register(clerk, ref)
        finally:
            connection.close()

    with broker(hung_redis):
        clerk_request = threading.Thread(target=registration)
        clerk_request.start()
        clerk_request.join(timeout=30)  # gunicorn's own limit: the worker would be killed
        assert not clerk_request.is_alive(), "the registration is still waiting on the broker"
    assert CaseDocument.objects.get(case=done["case"]).status == CaseDocument.Status.PENDING
    assert "left for the sweep" in caplog.text


def test_the_sweep_catches_up_after_the_outage(clerk, county):
    ref = reference_data(county)
    with broker(CLOSED):
        case = register(clerk, ref)
    receipt = CaseDocument.objects.get(case=case)
    CaseDocument.objects.filter(pk=receipt.pk).update(
        created_at=receipt.created_at.replace(year=2025)
    )
    assert tasks.sweep_documents() == 1  # eager again: renders now
    assert CaseDocument.objects.get(case=case).status == CaseDocument.Status.READY
