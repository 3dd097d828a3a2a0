"""The rollups follow the cases: a refresh after changes equals a rebuild from scratch."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from intake import workflow
from intake.models import Case
from intake.tests.factories import reference_data, register
from risk.dashboard import kpis, rollups
from risk.models import CaseFact, Rollup, RollupDays, RollupState
from risk.tests.kpi_data import at, make_case, reference


def snapshot():
    cells = sorted(tuple(v for k, v in row.items() if k != "id") for row in Rollup.objects.values())
    days = sorted(
        tuple(v for k, v in row.items() if k != "id") for row in RollupDays.objects.values()
    )
    facts = sorted(CaseFact.objects.values_list())
    return cells, days, facts


def random_cases(ref, rng, n):
    outcomes = list(Case.Outcome.values)
    for _ in range(n):
        registered = date(2026, 1, 1) + timedelta(days=rng.randint(0, 320))
        kind = rng.random()
        fields = {
            "region": rng.choice([ref["village"], ref["town2"], ref["grid"], ref["town"]]),
            "category": rng.choice([ref["category"], ref["category2"]]),
            "channel": rng.choice(list(Case.Channel.values)),
            "risk_mass": rng.random() < 0.1,
        }
        if kind < 0.5:
            # closed at the latest on 2026-11-20, a week before "now"
            latest = (date(2026, 11, 20) - registered).days
            fields.update(outcome=rng.choice(outcomes), closed_after=rng.randint(0, latest))
            if rng.random() < 0.5:
                fields.update(mediation_started_at=at(registered), agreed_at=at(registered))
            if rng.random() < 0.3:
                fields["referred_at"] = at(registered)
        else:
            fields["state"] = rng.choice(Case.OPEN_STATES)
        make_case(ref, registered, **fields)


@pytest.fixture
def ref(county, clerk):
    return reference(reference_data(county), clerk)


def test_incremental_refresh_equals_rebuild(ref):
    rng = random.Random(7)
    random_cases(ref, rng, 120)
    first = rollups.refresh()  # the first refresh builds everything
    assert first.rebuilt and first.cases == 120
    # Change a third of the cases the way transitions do (state and change time), add some.
    now = timezone.now()
    for case in Case.objects.order_by("?")[:40]:
        Case.objects.filter(pk=case.pk).update(
            state=Case.State.CLOSED,
            outcome=rng.choice(["resolved", "withdrawn"]),
            closed_at=case.registered_at + timedelta(days=rng.randint(0, 30)),
            window=rng.choice(list(ref["windows"].values())),
            state_changed_at=now,
        )
    random_cases(ref, rng, 15)
    # (new rows carry their registration day as change time: as registered now)
    newest = list(Case.objects.order_by("-pk").values_list("pk", flat=True)[:15])
    Case.objects.filter(pk__in=newest).update(state_changed_at=now)
    second = rollups.refresh()
    assert not second.rebuilt and second.cases == 55
    incremental = snapshot()
    rollups.rebuild()
    assert snapshot() == incremental


def test_refresh_follows_the_workflow(ref, clerk, leader):
    """Registration and transitions through the real services show within one refresh."""
    case = register(clerk, ref)
    rollups.refresh()
    filters = kpis.parse_filters(leader, {})

    def figures():
        out = kpis.overview(filters).as_json()
        states = {row["code"]: row["count"] for row in out["by_state"] if row["count"]}
        windows = {row["code"]: row["count"] for row in out["by_window"]}
        return out["total"], states, windows, out["rates"]["one_visit"]

    assert figures()[:3] == (1, {"registered": 1}, {"": 1})
    workflow.fire(
        actor=clerk,
        number=case.number,
        name="refer",
        data={"window": "petition", "note": "属信访事项，转信访窗口"},
    )
    rollups.refresh()
    assert figures()[:3] == (1, {"referred": 1}, {"petition": 1})
    workflow.fire(
        actor=clerk,
        number=case.number,
        name="close",
        data={"outcome": "handled", "note": "信访部门已答复"},
    )
    rollups.refresh()
    total, states, _windows, one_visit = figures()
    assert (total, states) == (1, {"closed": 1})
    # referred on the way: closed, but not in one visit
    assert (one_visit["numerator"], one_visit["denominator"]) == (0, 1)


def test_a_second_refresh_changes_nothing(ref):
    random_cases(ref, random.Random(3), 30)
    rollups.refresh()
    before = snapshot()
    again = rollups.refresh()
    assert (again.cases, again.days) == (0, 0)
    assert snapshot() == before
    # A case changed just now is re-read by the next refreshes (the overlap), each time
    # comparing its facts and touching no cell when nothing changed.
    Case.objects.filter(pk=Case.objects.first().pk).update(state_changed_at=timezone.now())
    assert (rollups.refresh().cases, rollups.refresh().cases) == (1, 1)
    assert rollups.refresh().days == 0
    assert snapshot() == before
    assert RollupState.objects.get().last_cases == 1


def test_rebuild_command(ref, capsys):
    random_cases(ref, random.Random(5), 10)
    call_command("rebuild_rollups")
    assert "已计算10件案件" in capsys.readouterr().out
    assert CaseFact.objects.count() == 10


def test_handling_and_answered_through_the_windows(ref, clerk, leader, petition_officer):
    """A petition accepted by its window is handling; a consultation answered at the legal
    aid window is closed, answered and resolved; a refresh shows both."""
    rollups.refresh()
    petition = register(clerk, ref, nature=Case.Nature.PETITION, summary="反映村道硬化工程拖欠")
    workflow.fire(actor=clerk, number=petition.number, name="triage", data={"window": "petition"})
    workflow.fire(actor=petition_officer, number=petition.number, name="petition_accept", data={})
    question = register(clerk, ref, nature=Case.Nature.CONSULTATION, summary="咨询离婚财产分割")
    workflow.fire(actor=clerk, number=question.number, name="triage", data={"window": "legal_aid"})
    workflow.fire(
        actor=clerk,
        number=question.number,
        name="legal_aid_answer",
        data={"answer": "夫妻共同财产原则上均等分割（民法典第1087条）"},
    )
    assert rollups.refresh().cases == 2
    out = kpis.overview(kpis.parse_filters(leader, {})).as_json()
    states = {row["code"]: row["count"] for row in out["by_state"] if row["count"]}
    assert states == {"handling": 1, "closed": 1}
    assert out["answered_consultations"] == 1
    resolution = out["rates"]["resolution"]
    assert (resolution["numerator"], resolution["denominator"]) == (1, 1)
    assert {r["code"]: r["count"] for r in out["by_window"]} == {"petition": 1, "legal_aid": 1}
    incremental = snapshot()
    rollups.rebuild()
    assert snapshot() == incremental


def test_refresh_equals_rebuild_for_the_new_state_and_outcomes(ref):
    random_cases(ref, random.Random(11), 40)
    rollups.refresh()
    now = timezone.now()
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    Case.objects.filter(pk__in=ids[:5]).update(state=Case.State.HANDLING, state_changed_at=now)
    for pk, outcome in zip(ids[5:11], ["answered", "declined", "refused"] * 2, strict=True):
        Case.objects.filter(pk=pk).update(
            state=Case.State.CLOSED, outcome=outcome, closed_at=now, state_changed_at=now
        )
    rollups.refresh()
    facts = CaseFact.objects.filter(case_id__in=ids[:11])
    assert facts.filter(state="handling").count() == 5
    assert facts.filter(answered=True).count() == 2 == facts.filter(resolved=True).count()
    month = Rollup.objects.filter(grain="m")
    assert (
        sum(month.values_list("st_handling", flat=True))
        == Case.objects.filter(state=Case.State.HANDLING).count()
    )
    assert (
        sum(month.values_list("answered", flat=True))
        == Case.objects.filter(state=Case.State.CLOSED, outcome="answered").count()
    )
    incremental = snapshot()
    rollups.rebuild()
    assert snapshot() == incremental


def test_the_labour_and_review_windows_and_their_outcomes(ref, clerk, leader, make_user):
    """A wage complaint paid after an order (resolved) and an administrative review whose
    act was upheld (handled: settled through the one door, so in the resolution rate too):
    the dashboard counts both windows and outcomes, and the ledger lists them."""
    from intake.tests.factories import applicant, credit_code, respondent
    from risk.ledger import export as ledger

    inspector, reviewer = make_user("labour_inspector"), make_user("review_officer")
    rollups.refresh()
    wages = register(clerk, ref, nature=Case.Nature.LABOUR, summary="拖欠工资")
    workflow.fire(actor=clerk, number=wages.number, name="triage", data={"window": "labour"})
    workflow.fire(
        actor=inspector, number=wages.number, name="labour_inspection_accept", data={"workers": 3}
    )
    workflow.fire(
        actor=inspector,
        number=wages.number,
        name="labour_inspection_conclude",
        data={"conclusion": "paid", "recovered": "9000", "result": "已足额支付"},
    )
    organ = respondent(
        kind="organisation",
        name="某镇人民政府",
        id_type="",
        credit_code=credit_code("11330523MB0123456"),
    )
    review = register(clerk, ref, nature=Case.Nature.ADMINISTRATIVE, parties=[applicant(), organ])
    workflow.fire(actor=clerk, number=review.number, name="triage", data={"window": "review"})
    workflow.fire(
        actor=reviewer,
        number=review.number,
        name="review_accept",
        data={
            "procedure": "ordinary",
            "act": "罚款决定",
            "act_known_on": timezone.localdate().isoformat(),
        },
    )
    workflow.fire(
        actor=reviewer,
        number=review.number,
        name="review_decide",
        data={"kind": "uphold", "reasons": "事实清楚，证据确凿，适用依据正确，程序合法，内容适当"},
    )
    assert rollups.refresh().cases == 2
    out = kpis.overview(kpis.parse_filters(leader, {})).as_json()
    assert {r["code"]: r["count"] for r in out["by_window"]} == {"labour": 1, "review": 1}
    resolution = out["rates"]["resolution"]
    assert (resolution["numerator"], resolution["denominator"]) == (2, 2)
    # The ledger reads its rows through the case list's filters.
    from intake import selectors

    listed = selectors.case_list(leader, ledger.filters_from_params({"state": "closed"}))
    assert {c.number for c in listed} == {wages.number, review.number}
    resolved = selectors.case_list(leader, ledger.filters_from_params({"outcome": "resolved"}))
    assert [c.number for c in resolved] == [wages.number]
