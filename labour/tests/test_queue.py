"""The labour desk's one queue: its inspections and its arbitrations together, the nearest
statutory due date first, for the window's officers only, read in a fixed number of
queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake.models import Case
from labour.tests.conftest import at_labour, fire, reach

pytestmark = pytest.mark.django_db


def _rows(page: str) -> list[str]:
    return [part.split('"', 1)[0] for part in page.split('data-case="')[1:]]


def test_inspections_and_arbitrations_nearest_due_first(
    client,
    clerk,
    labour_inspector,
    arbitrator_user,
    arbitrators,
    mediator,
    ref,
    time_machine,
):
    time_machine.move_to("2026-09-28 10:00 +08:00")
    officers = {"inspector": labour_inspector, "arbitrator": arbitrator_user, "clerk": clerk}
    opened = reach("opened", at_labour(clerk, ref), **officers)  # closes 12-25
    received = reach("received", at_labour(clerk, ref), **officers)  # opens by 10-10
    accepted = reach(  # awards by 11-12
        "accepted",
        at_labour(clerk, ref, nature=Case.Nature.DISPUTE),
        **officers,
        arbitrators=arbitrators,
    )
    applied = reach(  # accepts by 10-8
        "applied", at_labour(clerk, ref, nature=Case.Nature.DISPUTE), **officers
    )
    refused = reach("received", at_labour(clerk, ref), **officers)
    fire(labour_inspector, refused, "labour_inspection_refuse", channel="litigation", reason="承揽")
    for user in (labour_inspector, arbitrator_user):
        client.force_login(user)
        response = client.get("/labour/")
        assert response.status_code == 200
        page = response.content.decode()
        assert _rows(page) == [c.number for c in (applied, received, accepted, opened)]
        flat = "".join(page.split())
        for state in ("待受理", "审理中", "已立案"):
            assert state in flat, state
    client.force_login(mediator)
    assert client.get("/labour/").status_code == 403


def test_the_queue_reads_a_fixed_number_of_queries(
    client,
    clerk,
    labour_inspector,
    arbitrator_user,
    arbitrators,
    ref,
    django_assert_max_num_queries,
):
    officers = {"inspector": labour_inspector, "arbitrator": arbitrator_user, "clerk": clerk}

    def add(n):
        for i in range(n):
            if i % 2:
                reach("opened", at_labour(clerk, ref), **officers)
            else:
                reach(
                    "accepted",
                    at_labour(clerk, ref, nature=Case.Nature.DISPUTE),
                    **officers,
                    arbitrators=arbitrators,
                )

    client.force_login(labour_inspector)
    add(2)
    client.get("/labour/")  # warm the reference caches
    with CaptureQueriesContext(connection) as few:
        assert client.get("/labour/").status_code == 200
    add(8)
    at_labour(clerk, ref)  # one not yet taken up
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/labour/").content.decode()
    assert page.count('data-case="') == 11
