"""The legal-aid window's process: who may take each step, the three ways it ends (aid
given and concluded, refused and the refusal standing, a consultation answered), the
objection to a refusal (第49条), and the clocks of 第43、44、49条 over the National Day."""

from __future__ import annotations

import pytest

from centre.models import Clock
from intake import workflow
from intake.models import Case, CaseDocument
from legal_aid.models import LegalAid
from legal_aid.tests.conftest import GRANT, HARDSHIP, OBJECTION, REFUSAL, apply_at_desk, fire, reach

pytestmark = pytest.mark.django_db

# Who may take each step (centre.roles): the window's officer; a consultation is answered
# at the desk by a clerk too (the supervisor holds the clerk's rights); the justice bureau
# (the supervisor) decides an objection (第49条).
ALLOWED = {
    "legal_aid_answer": {"legal_aid_officer", "clerk", "supervisor"},
    "legal_aid_grant": {"legal_aid_officer"},
    "legal_aid_refuse": {"legal_aid_officer"},
    "legal_aid_assign": {"legal_aid_officer"},
    "legal_aid_object": {"legal_aid_officer"},
    "legal_aid_objection_decide": {"supervisor"},
    "legal_aid_conclude": {"legal_aid_officer"},
}


def _clock(case, code):
    return Clock.objects.get(case_number=case.number, rule__code=code)


def _aid(case):
    return LegalAid.objects.get(case=case)


@pytest.mark.parametrize("name", list(ALLOWED))
def test_each_step_for_each_role(role_users, triaged, name):
    for code, user in role_users.items():
        assert workflow.may_fire(user, triaged, name) is (code in ALLOWED[name]), (name, code)


def test_the_steps_offered_follow_the_state(legal_aid_officer, supervisor, triaged, provider):
    def offered(user, case):
        return {spec.name for spec in workflow.available(case, user) if spec.process}

    assert offered(legal_aid_officer, triaged) == {
        "legal_aid_answer",
        "legal_aid_grant",
        "legal_aid_refuse",
    }
    refused = fire(legal_aid_officer, triaged, "legal_aid_refuse", reason=REFUSAL)
    assert offered(legal_aid_officer, refused) == {"legal_aid_object", "legal_aid_conclude"}
    assert offered(supervisor, refused) == set()
    objected = fire(legal_aid_officer, refused, "legal_aid_object", reason=OBJECTION)
    assert offered(supervisor, objected) == {"legal_aid_objection_decide"}
    assert offered(legal_aid_officer, objected) == set()


@pytest.mark.parametrize(
    ("state", "name", "data"),
    [
        ("applied", "legal_aid_assign", {}),
        ("applied", "legal_aid_object", {"reason": OBJECTION}),
        ("applied", "legal_aid_conclude", {"result": "结案"}),
        ("granted", "legal_aid_grant", GRANT),
        ("granted", "legal_aid_refuse", {"reason": REFUSAL}),
        ("granted", "legal_aid_answer", {"answer": "解答"}),
        ("granted", "legal_aid_conclude", {"aid_result": "won", "result": "结案"}),
        ("assigned", "legal_aid_assign", {}),
        ("refused", "legal_aid_objection_decide", {"decision": "upheld", "reason": "维持"}),
        ("objected", "legal_aid_conclude", {"result": "结案"}),
        ("upheld", "legal_aid_object", {"reason": OBJECTION}),
    ],
)
def test_a_step_from_the_wrong_state_is_409_and_changes_nothing(
    legal_aid_officer, supervisor, triaged, provider, state, name, data
):
    case = reach(
        state, triaged, officer=legal_aid_officer, supervisor=supervisor, provider=provider
    )
    actor = supervisor if name == "legal_aid_objection_decide" else legal_aid_officer
    with pytest.raises(workflow.NotAllowed) as refused:
        fire(actor, case, name, **data)
    assert refused.value.status == 409
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.state, fresh.version) == (case.state, case.version)
    if state != "applied":
        assert _aid(case).state == state


def test_no_decision_before_the_case_is_triaged(legal_aid_officer, application):
    with pytest.raises(workflow.NotAllowed):
        fire(legal_aid_officer, application, "legal_aid_grant", **GRANT)
    assert not LegalAid.objects.exists()


def test_grant_assign_conclude_a_won_matter_is_resolved(legal_aid_officer, triaged, provider):
    case = fire(
        legal_aid_officer,
        triaged,
        "legal_aid_grant",
        matter="追索劳动报酬",
        ground="hardship",
        hardship_finding=HARDSHIP,
    )
    assert case.state == Case.State.HANDLING
    aid = _aid(case)
    assert (aid.state, aid.ground, aid.hardship_finding) == ("granted", "hardship", HARDSHIP)
    assert aid.accepted_by == legal_aid_officer and aid.aided_matter == "追索劳动报酬"
    case = fire(legal_aid_officer, case, "legal_aid_assign", provider=provider.pk)
    assert case.state == Case.State.HANDLING
    aid = _aid(case)
    assert aid.state == "assigned" and aid.provider == provider and aid.assigned_at
    case = fire(
        legal_aid_officer,
        case,
        "legal_aid_conclude",
        aid_result="won",
        result="经仲裁裁决，用人单位支付拖欠工资3万元",
    )
    assert (case.state, case.outcome) == (Case.State.CLOSED, Case.Outcome.RESOLVED)
    aid = _aid(case)
    assert (aid.state, aid.aid_result) == ("concluded", "won") and aid.concluded_at
    assert not Clock.objects.filter(case_number=case.number, stopped_at__isnull=True).exists()
    steps = list(
        case.events.filter(transition__startswith="legal_aid").values_list(
            "transition", "from_state", "to_state"
        )
    )
    assert steps == [
        ("legal_aid_grant", "triaged", "handling"),
        ("legal_aid_assign", "handling", "handling"),
        ("legal_aid_conclude", "handling", "closed"),
    ]


def test_a_lost_matter_concludes_unresolved(legal_aid_officer, supervisor, triaged, provider):
    case = reach(
        "assigned", triaged, officer=legal_aid_officer, supervisor=supervisor, provider=provider
    )
    case = fire(legal_aid_officer, case, "legal_aid_conclude", aid_result="lost", result="败诉")
    assert case.outcome == Case.Outcome.UNRESOLVED


def test_refused_objected_upheld_concludes_refused(legal_aid_officer, supervisor, triaged):
    case = fire(legal_aid_officer, triaged, "legal_aid_refuse", reason=REFUSAL)
    assert case.state == Case.State.HANDLING and _aid(case).state == "refused"
    case = fire(legal_aid_officer, case, "legal_aid_object", reason=OBJECTION)
    aid = _aid(case)
    assert aid.state == "objected" and aid.objection_reason == OBJECTION and aid.objected_at
    case = fire(
        supervisor,
        case,
        "legal_aid_objection_decide",
        decision="upheld",
        reason="经核查，申请人家庭收入高于经济困难标准",
    )
    aid = _aid(case)
    assert aid.state == "upheld" and aid.objection_decided_by == supervisor
    assert case.state == Case.State.HANDLING
    # The aid_result given is ignored: nothing was aided.
    case = fire(
        legal_aid_officer, case, "legal_aid_conclude", aid_result="won", result="不予援助决定维持"
    )
    assert (case.state, case.outcome) == (Case.State.CLOSED, Case.Outcome.REFUSED)
    assert _aid(case).state == "concluded" and _aid(case).aid_result == ""


def test_a_corrected_refusal_is_granted_and_assigned(
    legal_aid_officer, supervisor, triaged, provider, time_machine
):
    time_machine.move_to("2026-11-23 10:00 +08:00")
    case = fire(legal_aid_officer, triaged, "legal_aid_refuse", reason=REFUSAL)
    case = fire(legal_aid_officer, case, "legal_aid_object", reason=OBJECTION)
    time_machine.move_to("2026-11-25 10:00 +08:00")
    case = fire(
        supervisor,
        case,
        "legal_aid_objection_decide",
        decision="corrected",
        reason="申请人已失业，应认定经济困难",
    )
    assert case.state == Case.State.HANDLING
    aid = _aid(case)
    assert aid.state == "granted" and aid.objection_decision == "corrected"
    # 第44条: three days to assign from the corrected decision (11-28 is a Saturday, but
    # the period counts natural days and ends on the next working day: 11-30).
    assign = _clock(case, "legal_aid_assign")
    assert assign.stopped_at is None and assign.due_on.isoformat() == "2026-11-30"
    # The officer who must assign is reminded, not the bureau that ordered it.
    assert assign.assignee == legal_aid_officer
    assert _clock(case, "legal_aid_objection").stopped_at is not None
    # The refusal stood first; the corrected decision is a second one, to grant.
    kinds = CaseDocument.objects.filter(case=case, kind__startswith="legal_aid")
    assert sorted(kinds.values_list("kind", flat=True)) == [
        "legal_aid_decision",
        "legal_aid_refusal",
    ]
    assert CaseDocument.objects.get(case=case, kind="legal_aid_decision").ref_id == aid.pk
    case = fire(legal_aid_officer, case, "legal_aid_assign", provider=provider.pk)
    assert _aid(case).state == "assigned"
    assert _clock(case, "legal_aid_assign").stopped_at is not None


@pytest.mark.parametrize("who", ["clerk", "legal_aid_officer"])
def test_a_consultation_is_answered_at_the_desk_before_triage(clerk, ref, make_user, who):
    case = apply_at_desk(clerk, ref, nature=Case.Nature.CONSULTATION, summary="咨询离婚财产分割")
    assert case.state == Case.State.REGISTERED and case.suggested_window.code == "legal_aid"
    actor = make_user(who)
    case = fire(
        actor, case, "legal_aid_answer", answer="夫妻共同财产原则上均等分割（民法典第1087条）"
    )
    case.refresh_from_db()
    assert (case.state, case.outcome) == (Case.State.CLOSED, Case.Outcome.ANSWERED)
    # Counted at the window that answered it.
    assert case.window.code == "legal_aid"
    aid = _aid(case)
    assert aid.state == "answered" and aid.accepted_by == actor and aid.concluded_at
    assert "民法典第1087条" in aid.answer


def test_a_case_suggested_elsewhere_is_not_answered_here(clerk, ref):
    case = apply_at_desk(clerk, ref, nature=Case.Nature.DISPUTE, summary="邻居加建围墙")
    assert case.suggested_window.code != "legal_aid"
    with pytest.raises(workflow.NotAllowed):
        fire(clerk, case, "legal_aid_answer", answer="解答")
    assert not LegalAid.objects.exists()


def test_an_application_answered_after_triage_stops_the_decision_clock(clerk, triaged):
    assert _clock(triaged, "legal_aid_decide").stopped_at is None
    case = fire(clerk, triaged, "legal_aid_answer", answer="已告知申请人可先行申请劳动仲裁")
    assert (case.state, case.outcome) == (Case.State.CLOSED, Case.Outcome.ANSWERED)
    assert _aid(case).state == "answered"
    assert _clock(case, "legal_aid_decide").stopped_at is not None


# --- the clocks over the National Day holiday (2026-10-01..07) ----------------------------
def test_the_decision_clock_runs_from_registration_and_stops_at_the_decision(
    clerk, legal_aid_officer, ref, time_machine
):
    # Registered 09-24: day 7 is 10-01, a holiday, so the decision is due 10-08 (第43条).
    time_machine.move_to("2026-09-24 10:00 +08:00")
    case = apply_at_desk(clerk, ref)
    decide = _clock(case, "legal_aid_decide")
    assert decide.due_on.isoformat() == "2026-10-08" and decide.stopped_at is None
    case = fire(clerk, case, "triage", window="legal_aid")
    time_machine.move_to("2026-09-29 10:00 +08:00")
    fire(legal_aid_officer, case, "legal_aid_refuse", reason=REFUSAL)
    assert _clock(case, "legal_aid_decide").stopped_at is not None


def test_the_assignment_clock_starts_at_the_grant_and_stops_at_the_assignment(
    legal_aid_officer, triaged, provider, time_machine
):
    time_machine.move_to("2026-09-29 10:00 +08:00")
    case = fire(legal_aid_officer, triaged, "legal_aid_grant", **GRANT)
    assert _clock(case, "legal_aid_decide").stopped_at is not None
    # 3 days from 09-29 is 10-02, inside the holiday: due 10-08 (第44条).
    assign = _clock(case, "legal_aid_assign")
    assert assign.due_on.isoformat() == "2026-10-08" and assign.stopped_at is None
    assert assign.assignee == legal_aid_officer
    time_machine.move_to("2026-10-08 09:00 +08:00")
    fire(legal_aid_officer, case, "legal_aid_assign", provider=provider.pk)
    assert _clock(case, "legal_aid_assign").stopped_at is not None


def test_the_objection_clock_starts_on_objection_and_stops_on_the_decision(
    legal_aid_officer, supervisor, triaged, time_machine
):
    time_machine.move_to("2026-09-25 10:00 +08:00")
    case = fire(legal_aid_officer, triaged, "legal_aid_refuse", reason=REFUSAL)
    assert not Clock.objects.filter(case_number=case.number, rule__code="legal_aid_objection")
    time_machine.move_to("2026-09-28 10:00 +08:00")
    case = fire(legal_aid_officer, case, "legal_aid_object", reason=OBJECTION)
    # 5 days from 09-28 is 10-03, inside the holiday: due 10-08 (第49条).
    objection = _clock(case, "legal_aid_objection")
    assert objection.due_on.isoformat() == "2026-10-08" and objection.stopped_at is None
    time_machine.move_to("2026-10-08 10:00 +08:00")
    fire(supervisor, case, "legal_aid_objection_decide", decision="upheld", reason="核查属实")
    assert _clock(case, "legal_aid_objection").stopped_at is not None
    assert not Clock.objects.filter(case_number=case.number, rule__code="legal_aid_assign")
