"""The review window's process: who may take each step, the ways it ends (decided,
mediated, withdrawn, refused), the acceptance's checks (the respondent organ, the 60 日 of
第20条), the one extension of the ordinary procedure, the clocks over the 2026 holidays,
and the application the law accepts when the organ stays silent (第30条)."""

from __future__ import annotations

import pytest

from centre.models import Clock, Notification
from intake import workflow
from intake.models import Case, CaseDocument, CaseEvent
from intake.tests.factories import applicant, credit_code, respondent
from review.models import AdministrativeReview
from review.tasks import accept_by_law
from review.tests.conftest import (
    ACT,
    ANSWER,
    REASONS,
    STEP_INPUT,
    TERMS,
    accept_data,
    apply_at_desk,
    at_review,
    fire,
    reach,
)

pytestmark = pytest.mark.django_db

# Who may take each step (centre.roles): the window's officer; the review body's head
# (the supervisor) approves the extension (第62条).
ALLOWED = {
    "review_accept": {"review_officer"},
    "review_refuse": {"review_officer"},
    "review_answer": {"review_officer"},
    "review_extend": {"supervisor"},
    "review_mediate": {"review_officer"},
    "review_decide": {"review_officer"},
    "review_withdraw": {"review_officer"},
}


def _clock(case, code):
    return Clock.objects.get(case_number=case.number, rule__code=code)


def _review(case):
    return AdministrativeReview.objects.get(case=case)


def _running(case):
    return set(
        Clock.objects.filter(case_number=case.number, stopped_at__isnull=True).values_list(
            "rule__code", flat=True
        )
    )


@pytest.mark.parametrize("name", list(ALLOWED))
def test_each_step_for_each_role(role_users, application, name):
    for code, user in role_users.items():
        assert workflow.may_fire(user, application, name) is (code in ALLOWED[name]), (name, code)


def test_the_steps_offered_follow_the_state(review_officer, supervisor, application):
    def offered(user, case):
        return {spec.name for spec in workflow.available(case, user) if spec.process}

    assert offered(review_officer, application) == {
        "review_accept",
        "review_refuse",
        "review_withdraw",
    }
    case = fire(review_officer, application, "review_accept", **accept_data(application))
    assert offered(review_officer, case) == {
        "review_answer",
        "review_mediate",
        "review_decide",
        "review_withdraw",
    }
    assert offered(supervisor, case) == {"review_extend"}
    case = fire(review_officer, case, "review_answer", text=ANSWER, received_on=_today())
    assert offered(review_officer, case) == {"review_mediate", "review_decide", "review_withdraw"}
    assert offered(supervisor, case) == {"review_extend"}


def _today():
    from django.utils import timezone

    return timezone.localdate().isoformat()


@pytest.mark.parametrize(
    ("state", "name"),
    [
        ("applied", "review_answer"),
        ("applied", "review_extend"),
        ("applied", "review_mediate"),
        ("applied", "review_decide"),
        ("accepted", "review_accept"),
        ("accepted", "review_refuse"),
        ("answered", "review_answer"),
        ("refused", "review_accept"),
        ("refused", "review_withdraw"),
        ("decided", "review_decide"),
        ("decided", "review_extend"),
        ("decided", "review_withdraw"),
        ("mediated", "review_decide"),
        ("withdrawn", "review_accept"),
    ],
)
def test_a_step_from_the_wrong_state_is_409_and_changes_nothing(
    review_officer, supervisor, application, state, name
):
    case = reach(state, application, officer=review_officer)
    actor = supervisor if name == "review_extend" else review_officer
    data = accept_data(case) if name == "review_accept" else dict(STEP_INPUT.get(name, {}))
    if name == "review_answer":
        data["received_on"] = _today()
    with pytest.raises(workflow.NotAllowed) as refused:
        fire(actor, case, name, **data)
    assert refused.value.status == 409
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.state, fresh.version) == (case.state, case.version)
    if state != "applied":
        assert _review(case).state == state


def test_no_step_before_the_case_is_triaged(clerk, review_officer, ref):
    case = apply_at_desk(clerk, ref)
    assert case.state == Case.State.REGISTERED
    with pytest.raises(workflow.NotAllowed):
        fire(review_officer, case, "review_accept", **accept_data(case))
    assert not AdministrativeReview.objects.exists()


# --- the ways it ends ------------------------------------------------------------------
def test_accept_answer_decide_revoke_is_resolved(review_officer, application):
    case = fire(review_officer, application, "review_accept", **accept_data(application))
    assert case.state == Case.State.HANDLING
    review = _review(case)
    assert (review.state, review.procedure, review.act) == ("accepted", "ordinary", ACT)
    assert review.organ.name == "安吉县市场监督管理局" and review.organ.credit_code
    assert review.accepted_by == review_officer and not review.accepted_by_law
    case = fire(review_officer, case, "review_answer", text=ANSWER, received_on=_today())
    assert _review(case).state == "answered" and _review(case).answer_text == ANSWER
    case = fire(
        review_officer, case, "review_decide", kind="revoke", reasons=REASONS, within_days="30"
    )
    assert (case.state, case.outcome) == (Case.State.CLOSED, Case.Outcome.RESOLVED)
    review = _review(case)
    assert (review.state, review.decision_kind, review.decision_within_days) == (
        "decided",
        "revoke",
        30,
    )
    assert review.concluded_at and not _running(case)
    steps = list(
        case.events.filter(transition__startswith="review").values_list(
            "transition", "from_state", "to_state"
        )
    )
    assert steps == [
        ("review_accept", "triaged", "handling"),
        ("review_answer", "handling", "handling"),
        ("review_decide", "handling", "closed"),
    ]
    assert case.events.get(transition="review_decide").data["window_state"] == "decided"


@pytest.mark.parametrize(
    ("kind", "outcome"),
    [
        ("uphold", Case.Outcome.HANDLED),
        ("reject", Case.Outcome.HANDLED),
        ("vary", Case.Outcome.RESOLVED),
        ("unlawful", Case.Outcome.RESOLVED),
        ("order", Case.Outcome.RESOLVED),
    ],
)
def test_each_decision_closes_the_case_with_its_outcome(review_officer, application, kind, outcome):
    case = reach("accepted", application, officer=review_officer)
    case = fire(review_officer, case, "review_decide", kind=kind, reasons=REASONS, within_days=15)
    assert (case.state, case.outcome) == (Case.State.CLOSED, outcome)
    # Only revocation (重新作出, 第64条) and an order (履行, 第66条) carry a period.
    assert _review(case).decision_within_days == (15 if kind == "order" else None)


def test_mediation_closes_resolved_and_stops_the_decision_clock(review_officer, application):
    case = reach("accepted", application, officer=review_officer)
    assert {"review_decide", "review_answer"} <= _running(case)
    case = fire(review_officer, case, "review_mediate", terms=TERMS)
    assert (case.state, case.outcome) == (Case.State.CLOSED, Case.Outcome.RESOLVED)
    assert _review(case).mediation_terms == TERMS
    assert _clock(case, "review_decide").stopped_at is not None
    assert not _running(case)


@pytest.mark.parametrize("state", ["applied", "accepted", "answered"])
def test_the_applicant_withdraws_before_the_decision(review_officer, application, state):
    case = reach(state, application, officer=review_officer)
    case = fire(review_officer, case, "review_withdraw", reason="已与被申请人和解")
    assert (case.state, case.outcome) == (Case.State.CLOSED, Case.Outcome.WITHDRAWN)
    review = _review(case)
    assert review.state == "withdrawn" and review.withdrawn_reason == "已与被申请人和解"
    assert not _running(case)


def test_a_refusal_closes_the_case_declined(review_officer, application):
    case = fire(review_officer, application, "review_refuse", reason="超过法定申请期限")
    assert (case.state, case.outcome) == (Case.State.CLOSED, Case.Outcome.DECLINED)
    assert _review(case).state == "refused" and _review(case).refused_reason
    assert _clock(case, "review_accept").stopped_at is not None
    assert not Clock.objects.filter(case_number=case.number, rule__code="review_decide")


# --- the acceptance's checks ------------------------------------------------------------
def test_an_application_past_the_60_days_is_not_accepted(clerk, review_officer, ref, time_machine):
    time_machine.move_to("2026-11-20 10:00 +08:00")
    case = at_review(clerk, ref)
    # Known 09-21: 60 日 end on 11-20, the day received: in time.
    fire(review_officer, case, "review_accept", **accept_data(case, act_known_on="2026-09-21"))
    assert _review(case).act_known_on.isoformat() == "2026-09-21"

    late = at_review(clerk, ref, summary="请求撤销县自然资源局的责令拆除决定")
    before = (late.version, Clock.objects.count(), CaseDocument.objects.count())
    with pytest.raises(workflow.Invalid) as invalid:
        fire(review_officer, late, "review_accept", **accept_data(late, act_known_on="2026-09-20"))
    message = invalid.value.errors["act_known_on"][0]["message"]
    assert "第20条" in message and "60日" in message and "2026年11月19日" in message
    assert "不予受理" in message
    fresh = Case.objects.get(pk=late.pk)
    assert fresh.state == Case.State.TRIAGED
    assert (fresh.version, Clock.objects.count(), CaseDocument.objects.count()) == before
    assert not AdministrativeReview.objects.filter(case=late).exists()
    # The way it points to: the refusal.
    late = fire(review_officer, late, "review_refuse", reason="申请超过法定申请期限")
    assert late.outcome == Case.Outcome.DECLINED


def test_an_application_without_an_organ_as_respondent_is_not_accepted(clerk, review_officer, ref):
    case = at_review(clerk, ref, parties=[applicant(name="陈立新"), respondent(name="李国强")])
    with pytest.raises(workflow.Invalid) as invalid:
        fire(review_officer, case, "review_accept", **accept_data(case))
    assert "行政机关" in invalid.value.errors["act"][0]["message"]
    assert Case.objects.get(pk=case.pk).state == Case.State.TRIAGED
    assert not AdministrativeReview.objects.exists()


def test_the_act_cannot_be_known_after_the_application(review_officer, application):
    with pytest.raises(workflow.Invalid) as invalid:
        fire(
            review_officer,
            application,
            "review_accept",
            **accept_data(application, act_known_on="2099-01-01"),
        )
    assert "act_known_on" in invalid.value.errors


# --- the clocks over the holidays of 2026 ----------------------------------------------
def test_the_examination_runs_5_working_days_over_mid_autumn_and_national_day(
    clerk, review_officer, ref, time_machine
):
    # Received Thu 09-24: 09-25..27 (中秋) and 10-01..07 (国庆) are not counted:
    # 09-28, 09-29, 09-30, 10-08, 10-09.
    time_machine.move_to("2026-09-24 10:00 +08:00")
    case = at_review(clerk, ref)
    accept = _clock(case, "review_accept")
    assert accept.due_on.isoformat() == "2026-10-09" and accept.rule.unit == "working"
    time_machine.move_to("2026-10-09 16:00 +08:00")
    case = fire(review_officer, case, "review_accept", **accept_data(case))
    assert _clock(case, "review_accept").stopped_at is not None
    # 60 日 from 10-09 (natural days): 12-08.
    decide = _clock(case, "review_decide")
    assert decide.due_on.isoformat() == "2026-12-08" and decide.stopped_at is None
    assert _review(case).decide_due.isoformat() == "2026-12-08"
    assert decide.assignee == review_officer


def test_the_make_up_saturday_counts_as_a_working_day(clerk, ref, time_machine):
    # From Wed 09-30: 10-08, 10-09, the 调休 Saturday 10-10, 10-12, 10-13.
    time_machine.move_to("2026-09-30 10:00 +08:00")
    case = at_review(clerk, ref)
    assert _clock(case, "review_accept").due_on.isoformat() == "2026-10-13"


def test_the_simplified_procedure_has_30_days_and_the_answer_clock_runs(
    review_officer, application, time_machine
):
    time_machine.move_to("2026-09-21 10:00 +08:00")
    case = fire(
        review_officer,
        application,
        "review_accept",
        **accept_data(application, procedure="simple"),
    )
    # 30 日 from 09-21 end 10-21 (the holiday is inside the period, not at its end).
    simple = _clock(case, "review_decide_simple")
    assert simple.due_on.isoformat() == "2026-10-21"
    assert not Clock.objects.filter(case_number=case.number, rule__code="review_decide")
    # 第54条, 第88条: the organ answers in 5 工作日 under the simplified procedure: 09-22,
    # 23, 24, (25–27 the Mid-autumn holiday), 28, 29.
    answer = _clock(case, "review_answer_simple")
    assert answer.started_on.isoformat() == "2026-09-21"
    assert answer.due_on.isoformat() == "2026-09-29"
    assert not Clock.objects.filter(case_number=case.number, rule__code="review_answer")
    time_machine.move_to("2026-09-28 10:00 +08:00")
    case = fire(review_officer, case, "review_answer", text=ANSWER, received_on="2026-09-28")
    assert _clock(case, "review_answer_simple").stopped_at is not None
    assert _clock(case, "review_decide_simple").stopped_at is None


def test_the_answer_cannot_be_received_before_acceptance(review_officer, application, time_machine):
    time_machine.move_to("2026-11-10 10:00 +08:00")
    case = reach("accepted", application, officer=review_officer)
    with pytest.raises(workflow.Invalid) as invalid:
        fire(review_officer, case, "review_answer", text=ANSWER, received_on="2026-11-09")
    assert "received_on" in invalid.value.errors


# --- the one extension (第62条) -------------------------------------------------------
def test_the_decision_period_is_extended_once_by_up_to_30_days(
    review_officer, supervisor, application, time_machine
):
    time_machine.move_to("2026-10-22 10:00 +08:00")
    case = reach("accepted", application, officer=review_officer)
    assert _review(case).decide_due.isoformat() == "2026-12-21"
    with pytest.raises(workflow.Invalid) as too_long:
        fire(supervisor, case, "review_extend", days=31, reason="案情复杂")
    assert "30" in too_long.value.errors["days"][0]["message"]
    case = fire(supervisor, case, "review_extend", days=30, reason="案情复杂，需要现场勘验")
    review = _review(case)
    assert review.extended_by == supervisor and review.extended_days == 30
    assert review.decide_due.isoformat() == "2027-01-20"
    assert _clock(case, "review_decide").due_on.isoformat() == "2027-01-20"
    sms = Notification.objects.filter(case_number=case.number, channel="sms").last()
    assert sms is not None and "延长30日" in sms.body and "现场勘验" in sms.body
    version = Case.objects.get(pk=case.pk).version
    with pytest.raises(workflow.Invalid) as again:
        fire(supervisor, case, "review_extend", days=5, reason="仍需调查")
    assert "第62条" in again.value.errors["days"][0]["message"]
    assert Case.objects.get(pk=case.pk).version == version
    assert _review(case).extended_days == 30


def test_the_simplified_procedure_is_not_extended(review_officer, supervisor, application):
    case = reach("accepted", application, officer=review_officer, procedure="simple")
    before = (Case.objects.get(pk=case.pk).version, _clock(case, "review_decide_simple").due_on)
    with pytest.raises(workflow.Invalid) as invalid:
        fire(supervisor, case, "review_extend", days=10, reason="案情复杂")
    message = invalid.value.errors["days"][0]["message"]
    assert "简易程序" in message and "第62条" in message
    after = (Case.objects.get(pk=case.pk).version, _clock(case, "review_decide_simple").due_on)
    assert after == before and _review(case).extended_at is None


# --- silence: accepted by law (第30条第3款) ---------------------------------------------
def test_an_application_left_unexamined_counts_as_accepted(clerk, ref, time_machine):
    time_machine.move_to("2026-09-30 10:00 +08:00")
    case = at_review(clerk, ref)
    # The examination period ends 10-13 (working days); on that day nothing happens yet.
    time_machine.move_to("2026-10-13 23:00 +08:00")
    assert accept_by_law() == 0
    assert not AdministrativeReview.objects.exists()
    time_machine.move_to("2026-10-14 00:30 +08:00")
    assert accept_by_law() == 1
    case.refresh_from_db()
    assert case.state == Case.State.HANDLING
    review = _review(case)
    assert review.state == "accepted" and review.accepted_by_law
    assert review.accepted_by is None and review.procedure == "ordinary"
    # Accepted from the day the period ended; 60 日 from 10-13: 12-12 (a Saturday) → 12-14.
    assert review.accepted_on.isoformat() == "2026-10-13"
    assert _clock(case, "review_accept").stopped_at is not None
    decide = _clock(case, "review_decide")
    assert decide.started_on.isoformat() == "2026-10-13"
    assert decide.due_on == review.decide_due and decide.due_on.isoformat() == "2026-12-14"
    # 第48条, 第88条: the organ's 10 工作日 to answer, from the copy sent on 10-14.
    answer = _clock(case, "review_answer")
    assert answer.stopped_at is None and answer.due_on.isoformat() == "2026-10-28"
    assert CaseDocument.objects.filter(case=case, kind="review_acceptance").count() == 1
    event = CaseEvent.objects.get(case=case, transition="review_accept")
    assert event.actor is None and event.data["by_law"] is True
    sms = Notification.objects.filter(case_number=case.number, channel="sms").last()
    assert sms is not None and "视为受理" in sms.body and "第30条" in sms.body

    # Run again (beat, a redelivered message): nothing changes.
    version = Case.objects.get(pk=case.pk).version
    counts = (Clock.objects.count(), CaseDocument.objects.count(), CaseEvent.objects.count())
    assert accept_by_law() == 0
    assert Case.objects.get(pk=case.pk).version == version
    assert (Clock.objects.count(), CaseDocument.objects.count(), CaseEvent.objects.count()) == (
        counts
    )


def test_silence_passes_over_cases_decided_or_elsewhere(clerk, review_officer, ref, time_machine):
    time_machine.move_to("2026-11-02 10:00 +08:00")
    refused = at_review(clerk, ref)
    fire(review_officer, refused, "review_refuse", reason="不属于本机关管辖")
    accepted = at_review(clerk, ref)
    fire(review_officer, accepted, "review_accept", **accept_data(accepted))
    # Registered as administrative but sent to mediation: not the review window's.
    elsewhere = apply_at_desk(clerk, ref)
    fire(clerk, elsewhere, "triage", window="mediation", note="实为相邻关系纠纷")
    waiting = at_review(clerk, ref)
    time_machine.move_to("2026-11-20 10:00 +08:00")
    assert accept_by_law() == 1
    assert _review(waiting).accepted_by_law
    assert not _review(accepted).accepted_by_law
    assert _review(refused).state == "refused"
    assert not AdministrativeReview.objects.filter(case=elsewhere).exists()


def test_no_one_takes_it_as_accepted_by_law_before_the_period_ends(
    review_officer, application, time_machine
):
    with pytest.raises(workflow.Invalid) as invalid:
        fire(review_officer, application, "review_accept", procedure="ordinary", by_law="1")
    assert "第30条" in invalid.value.errors["by_law"][0]["message"]
    assert not AdministrativeReview.objects.exists()


def test_a_matter_triaged_here_from_another_nature_gets_the_examination_clock(
    clerk, review_officer, ref, time_machine
):
    from intake.tests.factories import register

    time_machine.move_to("2026-12-01 10:00 +08:00")
    case = register(
        clerk,
        ref,
        summary="对镇政府责令拆除决定不服",
        parties=[
            applicant(name="陈立新"),
            respondent(
                kind="organisation",
                name="天荒坪镇人民政府",
                id_type="",
                credit_code=credit_code("11330523002581234"),
            ),
        ],
    )
    assert not Clock.objects.filter(case_number=case.number, rule__code="review_accept")
    time_machine.move_to("2026-12-03 10:00 +08:00")
    case = fire(clerk, case, "triage", window="review", note="实为对行政行为不服")
    accept = _clock(case, "review_accept")
    # From receipt (Tue 12-01), not from triage: 12-02, 03, 04, 07, 08.
    assert accept.started_on.isoformat() == "2026-12-01"
    assert accept.due_on.isoformat() == "2026-12-08"
