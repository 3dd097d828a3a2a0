"""The supervisor's home: cases waiting for mediators, riskiest and oldest first, each
with the mediator the case page would propose."""

from __future__ import annotations

import pytest
from django.urls import reverse

from intake import workflow
from intake.models import Case
from intake.tests.factories import register
from mediation.tests.factories import mediator, start

pytestmark = pytest.mark.django_db


def _triaged(clerk, ref, when, time_machine, **risk):
    time_machine.move_to(when)
    case = register(clerk, ref)
    workflow.fire(actor=clerk, number=case.number, name="triage", data={"window": "mediation"})
    Case.objects.filter(pk=case.pk).update(
        risk_mass=risk.get("mass", False),
        risk_repeat=risk.get("repeat", False),
        risk_level=risk.get("level", Case.RiskLevel.LOW),
    )
    return case


def _numbers(page: str) -> list[str]:
    import re

    table = page[page.index('id="assign-queue"') :]
    return re.findall(r'<tr data-case="([^"]+)"', table)


def test_the_supervisor_lands_on_the_queue(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/")["Location"] == reverse("mediation:assign")


def test_riskiest_first_then_the_longest_waiting(
    client, clerk, supervisor, ref, org, chen, time_machine
):
    old_low = _triaged(clerk, ref, "2026-11-02 10:00 +08:00", time_machine)
    new_low = _triaged(clerk, ref, "2026-11-20 10:00 +08:00", time_machine)
    high = _triaged(clerk, ref, "2026-11-24 10:00 +08:00", time_machine, level="high")
    mass = _triaged(clerk, ref, "2026-11-25 10:00 +08:00", time_machine, mass=True)
    # Not waiting for mediators: not triaged yet, or already being mediated.
    time_machine.move_to("2026-11-26 10:00 +08:00")
    register(clerk, ref)
    start(register(clerk, ref), supervisor, org, [chen])

    time_machine.move_to("2026-11-27 10:00 +08:00")
    client.force_login(supervisor)
    page = client.get(reverse("mediation:assign")).content.decode()
    assert _numbers(page) == [mass.number, high.number, old_low.number, new_low.number]
    row = page[page.index(f'data-case="{old_low.number}"') :]
    row = row[: row.index("</tr>")]
    assert "2026年11月2日" in row and "25日" in row
    assert '<td class="text-nowrap">2026年11月2日</td>' in row
    # The suggested action: the mediator the panel would propose, and why.
    assert "陈建国" in row and "在办1件" in row
    assert f"{reverse('intake:case', args=[old_low.number])}#panel-start_mediation" in row


def test_a_suggested_mediator_without_an_account_is_flagged(
    client, clerk, supervisor, ref, county, org, time_machine
):
    mediator(county, "王志明", orgs=[org], user=None, rank=1)
    _triaged(clerk, ref, "2026-11-02 10:00 +08:00", time_machine)
    client.force_login(supervisor)
    page = client.get(reverse("mediation:assign")).content.decode()
    assert "王志明" in page and "无登录账号" in page


def test_the_queue_reads_a_fixed_number_of_queries(
    client, clerk, supervisor, ref, chen, li, time_machine, django_assert_max_num_queries
):
    for day in range(1, 4):
        _triaged(clerk, ref, f"2026-11-0{day} 10:00 +08:00", time_machine)
    client.force_login(supervisor)
    client.get(reverse("mediation:assign"))  # warm the session and the reference caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("mediation:assign"))
    three_rows = len(few.captured_queries)
    assert three_rows <= 20
    for day in range(4, 10):
        _triaged(clerk, ref, f"2026-11-{day + 6:02d} 10:00 +08:00", time_machine)
    client.force_login(supervisor)
    client.get(reverse("mediation:assign"))
    with django_assert_max_num_queries(three_rows):
        page = client.get(reverse("mediation:assign")).content.decode()
    assert len(_numbers(page)) == 9


def test_only_those_who_assign_mediators_open_it(client, clerk, chen):
    for user in (clerk, chen.user):
        client.force_login(user)
        assert client.get(reverse("mediation:assign")).status_code == 403
