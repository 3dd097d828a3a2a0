"""The case list's search box: a case number (whole or a part), a party's name (any part of
it, two Chinese characters included), a full ID number or phone; each through an index."""

from __future__ import annotations

import pytest
from django.db import connection

from intake.models import Case, Party
from intake.selectors import CaseFilters, _search, case_list
from intake.tests.factories import applicant, credit_code, register, resident_id, respondent

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(clerk, ref):
    """Four cases whose parties share surnames, characters and digits, so that a search that
    matches too loosely finds one case too many."""
    return {
        "zhang": register(
            clerk,
            ref,
            parties=[
                applicant(name="张建华", id_number=resident_id(serial=123), phone="13957212345"),
                respondent(name="李国强"),
            ],
        ),
        "wang": register(
            clerk,
            ref,
            parties=[
                applicant(name="王伟", id_number=resident_id(serial=124), phone="13857298765"),
                respondent(
                    kind=Party.Kind.ORGANISATION,
                    name="安吉某某竹木制品有限公司",
                    credit_code=credit_code(),
                    phone="0572-5551234",
                ),
            ],
        ),
        "wangweidong": register(
            clerk,
            ref,
            parties=[applicant(name="王伟东", id_number=resident_id(serial=125)), respondent()],
        ),
        "ouyang": register(
            clerk,
            ref,
            parties=[
                applicant(name="欧阳娜娜", id_number=resident_id(serial=126)),
                respondent(
                    kind=Party.Kind.ORGANISATION,
                    name="ABC Trading有限公司",
                    credit_code=credit_code("91330523MA2B3C4D6"),
                ),
            ],
        ),
    }


def _found(user, term: str) -> set[str]:
    return {c.number for c in case_list(user, CaseFilters(q=term))}


def _numbers(cases, *keys: str) -> set[str]:
    return {cases[k].number for k in keys}


def test_a_full_case_number_finds_that_case(clerk, cases):
    assert _found(clerk, cases["wang"].number) == _numbers(cases, "wang")


def test_a_part_of_a_case_number_finds_the_cases_holding_it(clerk, cases):
    number = cases["wangweidong"].number  # 330523-YYYY-00000N
    year_and_sequence = number.split("-", 1)[1]
    assert _found(clerk, year_and_sequence) == _numbers(cases, "wangweidong")
    assert _found(clerk, number[-6:]) == _numbers(cases, "wangweidong")
    assert _found(clerk, number[-4:]) == _numbers(cases, "wangweidong")
    assert _found(clerk, "330523") == set(Case.objects.values_list("number", flat=True))
    assert _found(clerk, f"{cases['zhang'].year}-") == set(
        Case.objects.values_list("number", flat=True)
    )


def test_an_id_number_or_phone_finds_the_cases_of_its_holder(clerk, cases):
    assert _found(clerk, resident_id(serial=123)) == _numbers(cases, "zhang")
    assert _found(clerk, resident_id(serial=124).lower()) == _numbers(cases, "wang")
    assert _found(clerk, "139 5721 2345") == _numbers(cases, "zhang")
    assert _found(clerk, "0572-5551234") == _numbers(cases, "wang")
    # A part of an ID number or phone finds nothing: they are never searched as text.
    assert _found(clerk, resident_id(serial=123)[:14]) == set()
    assert _found(clerk, "1395721") == set()


def test_a_name_or_any_part_of_it_finds_the_cases_of_those_parties(clerk, cases):
    assert _found(clerk, "张建华") == _numbers(cases, "zhang")
    assert _found(clerk, "王伟") == _numbers(cases, "wang", "wangweidong")
    assert _found(clerk, "伟东") == _numbers(cases, "wangweidong")
    assert _found(clerk, "阳娜") == _numbers(cases, "ouyang")  # the middle of a name
    assert _found(clerk, "竹木制品") == _numbers(cases, "wang")
    assert _found(clerk, "竹木") == _numbers(cases, "wang")
    assert _found(clerk, "abc trading") == _numbers(cases, "ouyang")
    assert _found(clerk, "欧") == _numbers(cases, "ouyang")  # one character: no pair to index
    assert _found(clerk, "国强") == _numbers(cases, "zhang", "wangweidong")  # respondents
    assert _found(clerk, "赵六") == set()
    assert _found(clerk, "王建") == set()  # both characters, not side by side


def test_search_shows_only_the_cases_the_user_may_see(clerk, mediator, outsider, cases):
    for term in (cases["zhang"].number, "张建华", "13957212345", resident_id(serial=123)):
        assert _found(mediator, term) == set()
        assert _found(outsider, term) == set()


def _plan(term: str) -> str:
    """The plan of the search with scans priced out but bitmap index scans, which need a
    condition on the index: an index the plan names is one the query's expressions can use.
    (With a handful of rows the planner rightly prefers to scan, so an ordinary plan would
    prove nothing, and a plain index scan may walk a whole index in place of a scan.)"""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
    try:
        return Case.objects.filter(_search(term)).explain()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")
            cursor.execute("RESET enable_indexonlyscan")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_each_kind_of_term_is_looked_up_through_an_index(cases):
    number = cases["zhang"].number
    assert "Bitmap Index Scan on case_unique_number" in _plan(number)
    assert "intake_case_number_reversed" in _plan(number.split("-", 1)[1])  # 2026-000001
    assert "intake_case_number_reversed" in _plan(number[-6:])  # 000001
    assert "intake_case_number_trgm" in _plan("0000")
    assert "intake_party_name_bigrams" in _plan("王伟")
    assert "intake_party_name_bigrams" in _plan("竹木制品")
    assert "party_unique_id_number" in _plan(resident_id(serial=123))
    assert "party_phone_index" in _plan("13957212345")
    # From the parties found to their cases, by an index on the link's party.
    assert "Index Cond: (party_id = " in _plan("王伟")
