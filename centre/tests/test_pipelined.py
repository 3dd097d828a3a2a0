"""Transactions whose BEGIN and COMMIT travel with their statements (centre.pipelined):
committed when they should be, rolled back whole when anything fails, never a statement
left outside, and the round trips they save counted on the wire (libpq's trace)."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, connection, transaction

from centre import inserts, pipelined
from centre.models import County
from centre.tests.wire import Wire
from intake.models import CaseParty, Party

pytestmark = pytest.mark.django_db(transaction=True)


def _party(county: County, name: str, **kw) -> Party:
    return Party(county=county, kind=Party.Kind.PERSON, name=name, **kw)


def test_begin_and_commit_travel_with_the_statements(county):
    first, second = _party(county, "甲"), _party(county, "乙")
    with Wire() as wire, transaction.atomic():
        with pipelined.with_begin():
            inserts.insert([first], returning=False)
        with pipelined.with_commit():
            inserts.insert([second], returning=False)
    # Two waits: one at the end of each block; no BEGIN or COMMIT sent alone.
    assert wire.waits == 2 and wire.simple_queries == []
    statements = " ".join(line[3] for line in wire.sent if line[0] == "F" and line[2] == "Parse")
    assert re.search(r'"BEGIN".*INSERT.*INSERT.*"COMMIT"', statements)
    assert sorted(Party.objects.values_list("name", flat=True)) == ["乙", "甲"]
    # Django's bookkeeping is back as usual: autocommit on, a new block works.
    assert connection.get_autocommit() and connection.connection.autocommit
    with transaction.atomic():
        Party.objects.filter(name="甲").update(name="丙")
    assert Party.objects.filter(name="丙").exists()


def test_on_commit_callbacks_run_after_the_commit_sent_with_the_statements(county):
    seen = []
    with transaction.atomic():
        transaction.on_commit(lambda: seen.append(Party.objects.filter(name="甲").exists()))
        with pipelined.with_commit():
            inserts.insert([_party(county, "甲")], returning=False)
        assert seen == []
    assert seen == [True]


def test_a_statement_after_the_commit_is_refused_then_the_guard_goes(county):
    with pytest.raises(RuntimeError, match="committed already"), transaction.atomic():
        with pipelined.with_commit():
            inserts.insert([_party(county, "甲")], returning=False)
        Party.objects.create(county=county, kind="person", name="乙")  # outside: refused
    assert list(Party.objects.values_list("name", flat=True)) == ["甲"]
    # The next block is not affected.
    with transaction.atomic():
        Party.objects.create(county=county, kind="person", name="丙")
    assert Party.objects.count() == 2 and not connection.execute_wrappers


def test_a_failing_statement_rolls_back_everything_and_the_connection_goes_on(county):
    Party.objects.create(county=county, kind="organisation", name="甲", credit_code="X1")
    with pytest.raises(IntegrityError), transaction.atomic():
        with pipelined.with_begin():
            inserts.insert([_party(county, "乙")], returning=False)
        with pipelined.with_commit():
            # The same credit code again, without ON CONFLICT: refused at the end.
            inserts.insert(
                [Party(county=county, kind="organisation", name="丙", credit_code="X1")],
                returning=False,
            )
            inserts.insert([_party(county, "丁")], returning=False)
    assert list(Party.objects.values_list("name", flat=True)) == ["甲"]
    with transaction.atomic():
        Party.objects.create(county=county, kind="person", name="戊")
    assert Party.objects.count() == 2


def test_a_foreign_key_broken_at_commit_rolls_back_everything(county):
    with pytest.raises(IntegrityError), transaction.atomic():
        with pipelined.with_begin():
            inserts.insert([_party(county, "乙")], returning=False)
        with pipelined.with_commit():
            # No such case: checked at COMMIT (deferred), the error comes with its answer.
            inserts.insert(
                [CaseParty(case_id=987654, party_id=1, role="applicant", order=0)],
                returning=False,
            )
    assert not Party.objects.exists()
    assert Party.objects.create(county=county, kind="person", name="戊").pk


def test_an_error_in_python_after_the_begin_rolls_back(county):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        with pipelined.with_begin():
            inserts.insert([_party(county, "乙")], returning=False)
        1 / 0  # noqa: B018
    assert not Party.objects.exists()


def test_inside_a_savepoint_nothing_is_committed(county):
    with pytest.raises(ValueError), transaction.atomic():
        with transaction.atomic():
            with pipelined.with_begin():
                inserts.insert([_party(county, "乙")], returning=False)
            with pipelined.with_commit():
                inserts.insert([_party(county, "丙")], returning=False)
        raise ValueError("the outer block fails")
    assert not Party.objects.exists()


def test_once_a_statement_has_begun_the_transaction_with_begin_is_a_plain_pipeline(county):
    with Wire() as wire, transaction.atomic():
        Party.objects.create(county=county, kind="person", name="甲")  # psycopg's BEGIN
        with pipelined.with_begin():
            inserts.insert([_party(county, "乙")], returning=False)
    # (With client-side binding, DB_SERVER_BINDING=0, psycopg sends statements as simple
    # queries too.)
    assert [q for q in wire.simple_queries if q in {"BEGIN", "COMMIT"}] == ["BEGIN", "COMMIT"]
    assert Party.objects.count() == 2


def test_if_the_begin_cannot_be_sent_the_block_stays_one_transaction(county, monkeypatch):
    """The pipeline fails to open: no BEGIN went out, and psycopg is back to beginning the
    transaction itself, so what the atomic block does next is still all or nothing."""
    with transaction.atomic():
        connection.ensure_connection()
        raw = connection.connection
        monkeypatch.setattr(type(raw), "pipeline", _broken_pipeline)
        with pytest.raises(RuntimeError, match="no pipeline"), pipelined.with_begin():
            pass
        monkeypatch.undo()
        assert raw.autocommit is False
        Party.objects.create(county=county, kind="person", name="甲")
        transaction.set_rollback(True)
    assert not Party.objects.exists()


def _broken_pipeline(self):
    raise RuntimeError("no pipeline")


def test_a_transaction_marked_for_rollback_is_not_committed(county):
    from django.db.transaction import TransactionManagementError

    with pytest.raises(TransactionManagementError), transaction.atomic():
        inserts.insert([_party(county, "甲")], returning=False)
        transaction.set_rollback(True)  # as after an error caught inside the block
        with pipelined.with_commit():
            pass
    assert not Party.objects.exists()
