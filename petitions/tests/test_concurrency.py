"""Two petition officers acting on one petition at the same moment: exactly one step is
taken, the other is told the case changed; never two processes for one case."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from intake import workflow
from intake.models import Case
from intake.tests.factories import reference_data, register
from petitions.models import Petition

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_accept_and_decline_at_once_take_one_step(make_user):
    ref = reference_data()
    clerk = make_user("clerk")
    officers = [make_user("petition_officer", f"petition{i}") for i in range(2)]
    case = register(clerk, ref, nature=Case.Nature.PETITION)
    workflow.fire(actor=clerk, number=case.number, name="triage", data={"window": "petition"})
    barrier = threading.Barrier(2)

    def fire(actor, name, data):
        try:
            barrier.wait(timeout=30)
            return workflow.fire(actor=actor, number=case.number, name=name, data=data)
        except Exception as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(
                fire,
                officers,
                ["petition_accept", "petition_decline"],
                [{}, {"channel": "litigation", "reason": "属于民事纠纷，应当诉讼"}],
            )
        )
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], workflow.NotAllowed) and losers[0].status == 409
    assert Petition.objects.filter(case=case).count() == 1
    assert (
        Case.objects.get(pk=case.pk).events.filter(transition__startswith="petition_").count() == 1
    )
