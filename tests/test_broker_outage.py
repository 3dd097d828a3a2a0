"""Redis down: registration and transitions still work; the receipt waits in PostgreSQL
and the sweep renders it once the broker is back. A real closed port, no mock."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

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
