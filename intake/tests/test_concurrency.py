"""Many clerks at once: numbers stay unique and gapless; two people firing transitions on
one case at the same moment: exactly one wins, the other is told the case changed."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from centre import after_commit
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
    real_rows, real_after = services._case_rows, services._case_register_after

    def failing_rows(*, case, **kwargs):
        if case.summary.startswith("失败前"):
            raise RuntimeError("PDF queue unavailable")
        return real_rows(case=case, **kwargs)

    def failing_after(*, case, **kwargs):
        real_after(case=case, **kwargs)
        if case.summary.startswith("失败后"):
            # Numbered and written: the counter row is locked, and its number must return.
            raise RuntimeError("lost the connection after taking the number")

    monkeypatch.setattr(services, "_case_rows", failing_rows)
    monkeypatch.setattr(services, "_case_register_after", failing_after)
    # Receipts are not the point here; rendering 45 PDFs eagerly would only slow the test.
    monkeypatch.setattr(after_commit, "send", lambda task, *args: True)
    barrier = threading.Barrier(CLERKS)

    def register(i: int) -> Case:
        summary = {3: "失败前", 7: "失败后"}.get(i % 10, "并发") + str(i)
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
    monkeypatch.setattr(after_commit, "send", lambda task, *args: True)
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


def test_a_registration_waiting_on_its_parties_does_not_hold_the_case_number(
    make_user, monkeypatch
):
    """The parties are written and locked before the number is taken: a registration held
    up there (here, by another clerk registering the same new person, not yet committed)
    leaves the county's counter free for the other clerks meanwhile."""
    import time

    import psycopg
    from django.db import connections

    from centre.crypto import get_keyring
    from intake.models import CaseNumberSequence, Party
    from intake.tests.factories import resident_id

    ref = reference_data()
    clerk = make_user("clerk")
    monkeypatch.setattr(after_commit, "send", lambda task, *args: True)
    first = services.case_register(
        actor=clerk,
        county=ref["county"],
        data=case_input(category=ref["category"], region=ref["village"]),
    )
    id_number = resident_id(serial=778)
    dsn = connections["default"].get_connection_params()
    dsn.pop("cursor_factory", None), dsn.pop("context", None), dsn.pop("prepare_threshold", None)
    with psycopg.connect(**dsn) as other, psycopg.connect(**dsn, autocommit=True) as probe:
        # Another transaction holds, uncommitted, a party with the applicant's ID number.
        other.execute(
            "INSERT INTO intake_party (county_id, kind, name, id_type, id_number_index,"
            " id_number_masked, legal_representative, phone_masked, address, created_at,"
            " updated_at) VALUES (%s, 'person', '陈新', 'resident_id', %s, '', '', '', '',"
            " now(), now())",
            [ref["county"].pk, get_keyring().blind_index(id_number, purpose="id_number")],
        )
        result: dict = {}

        def register():
            try:
                result["case"] = services.case_register(
                    actor=clerk,
                    county=ref["county"],
                    data=case_input(
                        category=ref["category"],
                        region=ref["village"],
                        parties=[applicant(name="陈新", id_number=id_number), respondent()],
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
                " AND query LIKE 'INSERT INTO \"intake_party\"%%'"
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
        other.rollback()  # the other clerk gave up: the registration goes on
        thread.join(timeout=30)
    assert "error" not in result, result
    assert result["case"].sequence == first.sequence + 1
    assert CaseNumberSequence.objects.get(county=ref["county"]).last == first.sequence + 1
    assert Party.objects.get(name="陈新").case_parties.get().case == result["case"]
