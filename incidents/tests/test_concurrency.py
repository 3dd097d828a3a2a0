"""Two dispatchers on one incident at the same moment: exactly one wins, the other is told
it changed (409); one report sent twice at once is still one incident."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from incidents import services
from incidents.models import Incident, IncidentNumberSequence
from incidents.tests.factories import build_place, report, report_data

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _in_thread(barrier: threading.Barrier, work):
    def run(*args):
        try:
            barrier.wait(timeout=30)
            return work(*args)
        except Exception as exc:
            return exc
        finally:
            connection.close()

    return run


def test_two_dispatchers_at_once_one_wins(county, make_user):
    place = build_place(county, make_user)
    incident = report(place)
    second = make_user("town_dispatcher", "towncmd2", region=place.town)
    barrier = threading.Barrier(2)

    def accept(actor):
        return services.incident_fire(
            actor=actor, number=incident.number, name="accept", data={}, version=incident.version
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(_in_thread(barrier, accept), [place.users["town_dispatcher"], second])
        )

    winners = [r for r in results if isinstance(r, Incident)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], services.Conflict) and losers[0].status == 409
    incident.refresh_from_db()
    assert incident.version == 2 and incident.holder == winners[0].holder
    assert incident.events.filter(transition="accept").count() == 1


def test_the_same_step_twice_at_once_without_a_version_happens_once(county, make_user):
    place = build_place(county, make_user)
    incident = report(place)
    second = make_user("town_dispatcher", "towncmd2", region=place.town)
    barrier = threading.Barrier(2)

    def escalate(actor):
        return services.incident_fire(
            actor=actor, number=incident.number, name="escalate", data={"note": "人多"}
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(_in_thread(barrier, escalate), [place.users["town_dispatcher"], second])
        )
    assert sum(isinstance(r, Incident) for r in results) == 1
    loser = next(r for r in results if isinstance(r, Exception))
    assert isinstance(loser, services.NotAllowed) and loser.status == 409


def test_one_report_sent_twice_at_once_is_one_incident_without_a_gap(county, make_user):
    place = build_place(county, make_user)
    barrier = threading.Barrier(4)

    def send(_i):
        return services.incident_report(
            actor=place.users["grid_worker"], data=report_data(place), idempotency_key="k-race"
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(_in_thread(barrier, send), range(4)))
    assert all(isinstance(r, Incident) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Incident.objects.count() == 1
    assert IncidentNumberSequence.objects.get().last == 1
