"""``seed_demo --cases N`` on PostgreSQL (COPY, keys and indexes set aside for the load):
the cases come out as the workflow would have left them."""

from __future__ import annotations

import re
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, models
from django.utils import timezone

from centre.crypto import get_keyring
from centre.models import Clock, County
from intake.identity import mask_id_number, mask_phone, normalize_id_number
from intake.management import demo_bulk
from intake.models import Case, CaseNumberSequence, CaseParty, Party

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path"),
]
COUNT = 2_000
MILESTONES = (
    "referred_at",
    "mediation_started_at",
    "agreed_at",
    "mediation_failed_at",
    "confirmation_applied_at",
    "confirmed_at",
    "confirmation_refused_at",
)
# The milestones a state (a closed case: its outcome) implies, in the order they happen;
# some states are reached two ways.
MEDIATED = ("mediation_started_at",)
AGREED = (*MEDIATED, "agreed_at")
CONFIRMED = (*AGREED, "confirmation_applied_at", "confirmed_at")
FAILED = (*MEDIATED, "mediation_failed_at")
PATHS = {
    "registered": [()],
    "triaged": [()],
    "referred": [("referred_at",)],
    "mediating": [MEDIATED],
    "agreed": [AGREED],
    "confirming": [(*AGREED, "confirmation_applied_at")],
    "confirmed": [CONFIRMED],
    "mediation_failed": [FAILED, (*AGREED, "confirmation_applied_at", "confirmation_refused_at")],
    "litigating": [FAILED],
}
CLOSED_PATHS = {
    "resolved": [AGREED],
    "performed": [AGREED],
    "confirmed": [CONFIRMED],
    "litigated": [FAILED],
    "handled": [("referred_at",)],
    "unresolved": [("referred_at",)],
    "withdrawn": [(), MEDIATED],
}


def _generate(county) -> int:
    """COUNT demo cases for ``county``, registered by the demo clerk, quietly."""
    return demo_bulk.generate(
        county=county,
        count=COUNT,
        registered_by=get_user_model().objects.get(username="clerk"),
        write=lambda _line: None,
    )


def _schema() -> tuple[set[str], set[str]]:
    """The foreign keys and indexes of the tables the load writes."""
    tables = ["intake_case", "intake_party", "intake_caseparty", "centre_clock"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f'"
            " AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        keys = {name for (name,) in cursor.fetchall()}
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = ANY(%s::regclass[])",
            [tables],
        )
        indexes = {name for (name,) in cursor.fetchall()}
    return keys, indexes


@pytest.fixture
def seeded(settings):
    """The demo county without bulk cases, then COUNT bulk cases; returns the new cases."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    county = County.objects.get(code="330523")
    before = set(Case.objects.values_list("pk", flat=True))
    last = dict(CaseNumberSequence.objects.filter(county=county).values_list("year", "last"))
    schema = _schema()
    written = _generate(county)
    assert written == COUNT
    assert _schema() == schema  # keys and indexes are back
    return county, Case.objects.exclude(pk__in=before), last


def test_numbers_continue_each_years_sequence_without_gaps(seeded):
    county, cases, last = seeded
    assert cases.count() == COUNT
    by_year: dict[int, list[int]] = {}
    for number, year, sequence in cases.values_list("number", "year", "sequence"):
        assert number == f"{county.code}-{year}-{sequence:06d}"
        by_year.setdefault(year, []).append(sequence)
    for year, sequences in by_year.items():
        start = last.get(year, 0)
        assert sorted(sequences) == list(range(start + 1, start + len(sequences) + 1))
        assert CaseNumberSequence.objects.get(county=county, year=year).last == max(sequences)


def test_milestones_agree_with_each_state(seeded):
    _county, cases, _last = seeded
    states = Counter()
    for case in cases:
        states[case.state] += 1
        set_ = tuple(m for m in MILESTONES if getattr(case, m) is not None)
        paths = CLOSED_PATHS[case.outcome] if case.state == "closed" else PATHS[case.state]
        assert any(set(set_) == set(path) for path in paths), (case.number, case.state, set_)
        path = next(p for p in paths if set(set_) == set(p))
        times = [case.registered_at, *(getattr(case, m) for m in path), case.state_changed_at]
        assert times == sorted(times), case.number
        assert (case.closed_at is not None) == (case.state == "closed")
        assert (case.outcome != "") == (case.state == "closed")
    # Old cases are mostly closed, recent ones still open: several states occur.
    assert states["closed"] > COUNT / 2 and len(states) >= 6


def test_mediated_cases_have_their_mediation_clock(seeded):
    """Running while in mediation, stopped when the mediation ended, overdue if late;
    most mediations end in time, some do not."""
    _county, cases, _last = seeded
    clocks = {c.subject_id: c for c in Clock.objects.filter(subject="bulk", subject_id__in=cases)}
    mediated = cases.filter(mediation_started_at__isnull=False)
    assert set(clocks) == set(mediated.values_list("pk", flat=True))
    mediating = cases.filter(state="mediating")
    assert mediating.exists()
    for case in mediated:
        clock = clocks[case.pk]
        assert clock.case_number == case.number
        assert clock.started_on == timezone.localdate(case.mediation_started_at)
        assert clock.due_on > clock.started_on
        if case.state == "mediating":
            assert clock.stopped_at is None
            continue
        ended = case.agreed_at or case.mediation_failed_at or case.state_changed_at
        assert clock.stopped_at == ended
        late = timezone.localdate(ended) > clock.due_on
        assert (clock.overdue_since is not None) == late
    stopped = [c for c in clocks.values() if c.stopped_at is not None]
    late = sum(c.overdue_since is not None for c in stopped)
    assert 0 < late < len(stopped) / 4


def test_parties_are_encrypted_indexed_and_masked(seeded):
    _county, cases, _last = seeded
    keyring = get_keyring()
    parties = Party.objects.filter(case_parties__case__in=cases).distinct()
    assert parties.count() > COUNT / 2  # most applicants come once
    for party in parties[:200]:
        id_number = keyring.decrypt(party.id_number_enc)
        phone = keyring.decrypt(party.phone_enc)
        assert normalize_id_number("resident_id", id_number) == id_number
        assert party.id_number_masked == mask_id_number(id_number) != id_number
        assert re.fullmatch(r"330523\*{8}\d{3}[\dX]", party.id_number_masked)
        assert party.phone_masked == mask_phone(phone) != phone
        assert party.id_number_index == keyring.blind_index(id_number, purpose="id_number")
        assert party.phone_index == keyring.blind_index(phone, purpose="phone")


def test_each_case_has_an_applicant_and_repeat_visitors_are_flagged(seeded):
    county, cases, _last = seeded
    links = CaseParty.objects.filter(case__in=cases)
    assert set(links.filter(role="applicant").values_list("case", flat=True)) == set(
        cases.values_list("pk", flat=True)
    )
    applications = Counter(
        CaseParty.objects.filter(case__county=county, role="applicant").values_list(
            "party", flat=True
        )
    )
    flagged = set(cases.filter(risk_repeat=True).values_list("pk", flat=True))
    repeat = {
        case
        for case, party in links.filter(role="applicant").values_list("case", "party")
        if applications[party] > 1
    }
    assert flagged == repeat
    assert COUNT / 20 < len(flagged) < COUNT / 2  # some applicants come back, most do not


def test_a_second_run_on_the_same_database_adds_other_people(seeded):
    county, _cases, _last = seeded
    parties_before = Party.objects.count()
    written = _generate(county)
    assert written == COUNT
    assert Case.objects.filter(county=county).count() >= 2 * COUNT
    assert Party.objects.count() > parties_before


def test_a_city_of_counties_shares_the_cases_by_population(settings):
    """``--counties 3``: the demo county and two others of the city, the cases split by
    population, every ID number once, and a city leader who reads all three."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    hand_made = Case.objects.count()
    last_party = Party.objects.order_by("pk").last().pk
    call_command("seed_demo", cases=3_040, counties=3, stdout=StringIO())
    counts = dict(
        Case.objects.values_list("county__code").annotate(n=models.Count("pk")).order_by()
    )
    counts["330523"] -= hand_made
    # 安吉 59, 吴兴 68, 南浔 54 of 181.
    assert counts == {"330523": 992, "330502": 1_142, "330503": 906}
    for code in counts:
        numbers = Case.objects.filter(county__code=code).values_list("number", flat=True)
        assert all(number.startswith(f"{code}-") for number in numbers)
    indexes = list(
        Party.objects.filter(pk__gt=last_party).values_list("id_number_index", flat=True)
    )
    assert len(indexes) == len(set(indexes))
    assert not Case.objects.exclude(county=models.F("region__county")).exists()
    leader = get_user_model().objects.get(username="city_leader")
    assert leader.staff.scope == "city" and leader.staff.scope_prefix == "3305"
