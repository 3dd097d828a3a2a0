"""centre.inserts stores what save() would store, in one statement, and refuses what it
cannot insert faithfully; centre.compiled runs a queryset's SQL with other values."""

from __future__ import annotations

import warnings
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from centre import compiled, inserts
from intake.models import CaseEvent, Party
from intake.tests.factories import reference_data, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def ref(county):
    return reference_data(county)


def _row(obj) -> dict:
    return type(obj).objects.filter(pk=obj.pk).values().get()


def _comparable(row: dict) -> dict:
    """A row without its key and clock-set columns, binary columns as bytes."""
    skip = {"id", "created_at", "updated_at"}
    return {
        k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items() if k not in skip
    }


def test_a_row_is_stored_as_save_would_store_it(county):
    fields = dict(
        county=county,
        kind=Party.Kind.PERSON,
        name="王芳",
        id_type="resident_id",
        id_number_enc=b"\x01\x02sealed",
        id_number_index="ab" * 32,
        id_number_masked="330523********1234",
        phone_enc=b"\x03phone",
        phone_index="cd" * 32,
        phone_masked="138****5678",
    )
    saved = Party(**fields)
    saved.save()
    fields.update(id_number_index="ef" * 32, phone_index="01" * 32)
    inserted = Party(**fields)
    with CaptureQueriesContext(connection) as queries:
        inserts.insert([inserted])
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT")
    assert inserted.pk is not None and inserted.pk != saved.pk
    assert not inserted._state.adding and inserted._state.db == "default"
    expected = _comparable(_row(saved)) | {"id_number_index": "ef" * 32, "phone_index": "01" * 32}
    assert _comparable(_row(inserted)) == expected
    # auto_now is applied as save() applies it.
    assert timezone.now() - _row(inserted)["updated_at"] < timedelta(minutes=1)


def test_several_rows_in_one_statement_with_json_and_keys(clerk, ref):
    case = register(clerk, ref)
    events = [
        CaseEvent(case=case, actor=clerk, kind=CaseEvent.Kind.RISK, data={"级别": "高", "n": i})
        for i in range(3)
    ]
    with CaptureQueriesContext(connection) as queries:
        inserts.insert(events)
    assert len(queries) == 1
    assert [e.pk for e in events] == sorted(e.pk for e in events)
    assert [CaseEvent.objects.get(pk=e.pk).data for e in events] == [
        {"级别": "高", "n": 0},
        {"级别": "高", "n": 1},
        {"级别": "高", "n": 2},
    ]


def test_a_conflict_inserts_nothing_and_the_transaction_goes_on(county):
    first = Party(county=county, kind=Party.Kind.ORGANISATION, name="甲公司", credit_code="X1")
    inserts.insert([first], ignore_conflicts=True)
    assert first.pk is not None
    with transaction.atomic():
        again = Party(county=county, kind=Party.Kind.ORGANISATION, name="乙", credit_code="X1")
        inserts.insert([again], ignore_conflicts=True)
        assert again.pk is None
        # No error, no savepoint needed: the transaction is still usable.
        assert Party.objects.filter(credit_code="X1").count() == 1
    assert Party.objects.get(credit_code="X1").name == "甲公司"


def test_what_cannot_be_inserted_faithfully_is_refused(county):
    party = Party(county=county, kind=Party.Kind.PERSON, name=F("kind"))
    with pytest.raises(ValueError, match="expression"):
        inserts.insert([party])
    with pytest.raises(ValueError, match="one model"):
        inserts.insert([Party(county=county, kind="person", name="甲"), CaseEvent()])
    with pytest.raises(ValueError, match="several rows"):
        inserts.insert(
            [Party(county=county, kind="person", name="甲") for _ in range(2)],
            ignore_conflicts=True,
        )
    assert not Party.objects.filter(name="甲").exists()


def _named(shape, values):
    """Parties by name, one Q per name (the shape is the number of names)."""
    wanted = Q()
    for value in values:
        wanted |= Q(name=value)
    return Party.objects.filter(wanted).order_by("name")


def test_a_compiled_query_runs_with_the_values_given(county):
    for name in ("甲", "乙", "丙"):
        Party.objects.create(county=county, kind="person", name=name)
    assert [p.name for p in compiled.models(2, _named, ["甲", "丙"])] == ["丙", "甲"]
    # The same shape again: the same SQL, other values.
    with CaptureQueriesContext(connection) as queries:
        assert [p.name for p in compiled.models(2, _named, ["乙", "无"])] == ["乙"]
    assert len(queries) == 1
    assert [p.name for p in compiled.models(1, _named, ["甲"])] == ["甲"]


def _twice(shape, values):
    return Party.objects.filter(Q(name=values[0]) | Q(address=values[0]))


def test_a_value_used_twice_is_refused():
    with pytest.raises(ValueError, match="2 times"):
        compiled.models("twice", _twice, ["甲"])


def test_keys_taken_ahead_are_unique_and_never_given_again(county):
    from centre import ids

    ids.forget()
    with CaptureQueriesContext(connection) as queries:
        taken = [ids.next_id(Party) for _ in range(ids.BLOCK + 1)]
    assert len(queries) == 2  # one statement per block
    assert len(set(taken)) == len(taken) and taken[: ids.BLOCK] == sorted(taken[: ids.BLOCK])
    # A party saved the usual way gets a key the sequence had not handed out yet.
    saved = Party.objects.create(county=county, kind="person", name="甲")
    assert saved.pk not in taken
    party = Party(pk=taken[1], county=county, kind="person", name="乙")
    inserts.insert([party], returning=False)
    assert Party.objects.get(pk=taken[1]).name == "乙"


def test_an_insert_sent_inside_a_larger_statement_writes_the_same_row(county):
    """``statement``: the INSERT ``insert`` would send, run here in a WITH clause."""
    direct = Party(county=county, kind="organisation", name="甲公司", credit_code="X7")
    inserts.insert([direct])
    inside = Party(county=county, kind="organisation", name="乙公司", credit_code="X8")
    sql, params = inserts.statement([inside])
    with connection.cursor() as cursor:
        cursor.execute(f"WITH w AS ({sql}) SELECT 1", params)
    inserts.saved([inside], "default")
    assert not inside._state.adding
    rows = Party.objects.filter(credit_code__in=["X7", "X8"]).order_by("credit_code")
    fields = ["kind", "county_id", "region_id", "phone_enc", "created_at"]
    first, second = (Party.objects.values(*fields).get(pk=p.pk) for p in rows)
    assert {k: v for k, v in first.items() if k != "created_at"} == {
        k: v for k, v in second.items() if k != "created_at"
    }
    assert first["created_at"] and second["created_at"]


def test_plain_values_are_sent_as_the_fields_would_prepare_them(clerk, ref, time_machine):
    """The short cut of prepared_values (plain values sent as they are) gives what the
    fields' pre_save() and get_db_prep_save() give, for every row a registration writes,
    and for values that are not plain (a naive datetime, an enum member, a Decimal)."""
    from decimal import Decimal

    from intake.models import Case, CaseDocument
    from intake.tests.factories import register

    case = register(clerk, ref)
    case.amount, case.closed_at = Decimal("1200.50"), timezone.now().replace(tzinfo=None)
    case.risk_level = Case.RiskLevel.HIGH  # an enum member, not a plain str
    rows = [
        case,
        *case.case_parties.all(),
        *[cp.party for cp in case.case_parties.all()],
        *case.events.all(),
        *CaseDocument.objects.filter(case=case),
    ]
    time_machine.move_to(timezone.now(), tick=False)  # auto_now: the same now both ways
    for obj in rows:
        fields = inserts.insert_fields(type(obj), True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the naive datetime, both ways
            slow = [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
            fast = inserts.prepared_values(obj, fields, connection)
        # Same types (psycopg's typed ints, its Binary wrapper) and the same contents.
        assert [(type(v), getattr(v, "obj", v)) for v in fast] == [
            (type(v), getattr(v, "obj", v)) for v in slow
        ], type(obj).__name__
