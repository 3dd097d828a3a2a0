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
    # Some registrations fail, before or just after taking their number; the numbers of
    # those that took one must be reused.
    real_rows, real_take = services._case_rows, services._case_insert_numbered

    def failing_rows(*, case, **kwargs):
        if case.summary.startswith("失败前"):
            raise RuntimeError("PDF queue unavailable")
        return real_rows(case=case, **kwargs)

    def failing_take(case, rows):
        read_number = real_take(case, rows)
        if failing_take.after.get(threading.get_ident()):
            read_number()  # PostgreSQL has numbered and inserted it: the counter row is locked
            raise RuntimeError("lost the connection after taking the number")
        return read_number

    failing_take.after = {}
    monkeypatch.setattr(services, "_case_rows", failing_rows)
    monkeypatch.setattr(services, "_case_insert_numbered", failing_take)
    # Receipts are not the point here; rendering 45 PDFs eagerly would only slow the test.
    monkeypatch.setattr(queue, "send", lambda task, *args: True)
    barrier = threading.Barrier(CLERKS)

    def register(i: int) -> Case:
        summary = {3: "失败前", 7: "失败后"}.get(i % 10, "并发") + str(i)
        failing_take.after[threading.get_ident()] = summary.startswith("失败后")
        data = case_input(
            category=ref["category"],
            region=ref["village"],
            summary=summary,
            parties=[applicant(), respondent()],
        )
        return services.case_register(actor=clerks[i], county=ref["county"], data=data)

    with ThreadPoolExecutor(max_workers=CLERKS) as pool:
        results = list(pool.map(_in_thread(barrier, register), range(CLERKS)))

    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 10 and all(isinstance(f, RuntimeError) for f in failures)
    numbers = sorted(c.number for c in results if isinstance(c, Case))
    assert numbers == [f"330523-{numbers[0][7:11]}-{n:06d}" for n in range(1, CLERKS - 9)]
    assert Case.objects.count() == CLERKS - 10


def test_the_same_new_person_registered_at_several_windows_at_once_is_one_record(
    make_user, monkeypatch
):
    """Eight clerks register the same new applicant (and the same new company) at the same
    moment: one party record each, all eight cases on it."""
    from intake.models import Party
    from intake.tests.factories import credit_code, resident_id

    ref = reference_data()
    clerks = [make_user("clerk", f"window{i}") for i in range(8)]
    monkeypatch.setattr(queue, "send", lambda task, *args: True)
    id_number, code = resident_id(serial=777), credit_code("91330523MA2B3C4D7")
    barrier = threading.Barrier(len(clerks))

    def register(i: int) -> Case:
        data = case_input(
            category=ref["category"],
            region=ref["village"],
            parties=[
                applicant(id_number=id_number, phone=f"1380000000{i}"),
                respondent(kind="organisation", name="某竹木制品有限公司", credit_code=code),
            ],
        )
        return services.case_register(actor=clerks[i], county=ref["county"], data=data)

    with ThreadPoolExecutor(max_workers=len(clerks)) as pool:
        results = list(pool.map(_in_thread(barrier, register), range(len(clerks))))

    assert all(isinstance(r, Case) for r in results), results
    person = Party.objects.get(name="张建华")
    company = Party.objects.get(credit_code=code)
    assert person.case_parties.count() == company.case_parties.count() == len(clerks)
    assert sum(c.risk_repeat for c in Case.objects.all()) == len(clerks) - 1


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


def test_a_registration_waiting_on_its_rows_does_not_hold_the_case_number(make_user, monkeypatch):
    """The case's rows are written before its number is taken, in the same statement: a
    registration held up writing them (here, by another transaction's party with the
    same key) leaves the county's counter free for the other clerks meanwhile."""
    import time

    import psycopg
    from django.db import connections

    from centre import ids
    from intake.models import CaseNumberSequence, Party

    ref = reference_data()
    clerk = make_user("clerk")
    monkeypatch.setattr(queue, "send", lambda task, *args: True)
    first = services.case_register(
        actor=clerk,
        county=ref["county"],
        data=case_input(category=ref["category"], region=ref["village"]),
    )
    key = Party.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    real_next_id, handed = ids.next_id, []

    def next_id(model):  # the registration's first new party gets ``key``
        if model is Party and not handed:
            handed.append(key)
            return key
        return real_next_id(model)

    monkeypatch.setattr(ids, "next_id", next_id)
    dsn = connections["default"].get_connection_params()
    dsn.pop("cursor_factory", None), dsn.pop("context", None), dsn.pop("prepare_threshold", None)
    with psycopg.connect(**dsn) as other, psycopg.connect(**dsn, autocommit=True) as probe:
        # Another transaction holds a party row under the key the registration will use
        # for its new respondent known by name only.
        other.execute(
            "INSERT INTO intake_party (id, county_id, kind, name, id_type, id_number_masked,"
            " legal_representative, phone_masked, address, created_at, updated_at)"
            " VALUES (%s, %s, 'person', '占位', '', '', '', '', '', now(), now())",
            [key, ref["county"].pk],
        )
        result: dict = {}

        def register():
            try:
                # The applicant by name and phone (found or new, no offer), the respondent
                # by name only: both written by the case's statement.
                result["case"] = services.case_register(
                    actor=clerk,
                    county=ref["county"],
                    data=case_input(
                        category=ref["category"],
                        region=ref["village"],
                        parties=[applicant(id_type="", id_number=""), respondent()],
                    ),
                )
            except Exception as exc:
                result["error"] = exc
            finally:
                connection.close()

        thread = threading.Thread(target=register)
        thread.start()
        for _ in range(100):  # until the registration waits for that row
            waiting = probe.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND query LIKE 'WITH w0 AS%%'"
            ).fetchone()[0]
            if waiting:
                break
            time.sleep(0.05)
        assert waiting == 1
        # Meanwhile the counter row is free: another clerk could take the next number.
        with probe.transaction():
            row = probe.execute(
                "SELECT last FROM intake_casenumbersequence WHERE county_id = %s FOR UPDATE NOWAIT",
                [ref["county"].pk],
            ).fetchone()
        assert row == (first.sequence,)
        other.rollback()  # the placeholder goes: the registration goes on
        thread.join(timeout=30)
    assert "error" not in result, result
    assert result["case"].sequence == first.sequence + 1
    assert CaseNumberSequence.objects.get(county=ref["county"]).last == first.sequence + 1
