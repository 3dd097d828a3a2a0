"""Many clerks at once: numbers stay unique and gapless; two people firing transitions on
one case at the same moment: exactly one wins, the other is told the case changed."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from centre import queue
from intake import services, workflow
from intake.models import Case
from intake.tests.factories import applicant, case_input, reference_data, respondent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
CLERKS = 50


def _in_thread(barrier: threading.Barrier, work):
    def run(*args):
        try:
            barrier.wait(timeout=30)
            return work(*args)
        except Exception as exc:
            return exc
        finally:
            connection.close()  # each thread had its own connection

    return run


def test_fifty_concurrent_registrations_get_unique_gapless_numbers(make_user, monkeypatch):
    ref = reference_data()
    clerks = [make_user("clerk", f"clerk{i}") for i in range(CLERKS)]
    # Some registrations fail after taking their number; their numbers must be reused.
    real_request = services.document_request

    def failing_request(*, case, kind):
        if case.summary.startswith("失败"):
            raise RuntimeError("PDF queue unavailable")
        return real_request(case=case, kind=kind)

    monkeypatch.setattr(services, "document_request", failing_request)
    # Receipts are not the point here; rendering 45 PDFs eagerly would only slow the test.
    monkeypatch.setattr(queue, "send", lambda task, *args: True)
    barrier = threading.Barrier(CLERKS)

    def register(i: int) -> Case:
        data = case_input(
            category=ref["category"],
            region=ref["village"],
            summary=("失败" if i % 10 == 3 else "并发") + str(i),
            parties=[applicant(), respondent()],
        )
        return services.case_register(actor=clerks[i], county=ref["county"], data=data)

    with ThreadPoolExecutor(max_workers=CLERKS) as pool:
        results = list(pool.map(_in_thread(barrier, register), range(CLERKS)))

    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 5 and all(isinstance(f, RuntimeError) for f in failures)
    numbers = sorted(c.number for c in results if isinstance(c, Case))
    assert numbers == [f"330523-{numbers[0][7:11]}-{n:06d}" for n in range(1, CLERKS - 4)]
    assert Case.objects.count() == CLERKS - 5


def test_two_people_firing_at_once_exactly_one_wins(make_user):
    ref = reference_data()
    clerk, supervisor = make_user("clerk"), make_user("supervisor")
    case = services.case_register(
        actor=clerk,
        county=ref["county"],
        data=case_input(category=ref["category"], region=ref["village"]),
    )
    barrier = threading.Barrier(2)

    def fire(actor, name, data):
        return workflow.fire(
            actor=actor, number=case.number, name=name, data=data, version=case.version
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(
                _in_thread(barrier, fire),
                [clerk, supervisor],
                ["triage", "refer"],
                [{"window": "mediation"}, {"window": "petition", "note": "转信访"}],
            )
        )

    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], workflow.Conflict)
    assert losers[0].status == 409
    assert "已被他人更新" in losers[0].message
    case.refresh_from_db()
    assert case.version == 2
    assert case.events.filter(kind="transition").count() == 1


def test_the_same_step_twice_at_once_happens_once(make_user):
    ref = reference_data()
    clerk, supervisor = make_user("clerk"), make_user("supervisor")
    case = services.case_register(
        actor=clerk,
        county=ref["county"],
        data=case_input(category=ref["category"], region=ref["village"]),
    )
    barrier = threading.Barrier(2)

    def withdraw(actor):  # no version given: the state decides
        return workflow.fire(
            actor=actor, number=case.number, name="withdraw", data={"reason": "当事人和解"}
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_in_thread(barrier, withdraw), [clerk, supervisor]))

    assert sum(isinstance(r, Case) for r in results) == 1
    loser = next(r for r in results if isinstance(r, Exception))
    assert isinstance(loser, workflow.NotAllowed) and loser.status == 409
    assert case.events.filter(transition="withdraw").count() == 1
