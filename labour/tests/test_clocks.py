"""The labour window's statutory clocks over the 2026 holidays and their 调休 (the State
Council's notice: 中秋 9月25–27日 with 9月20日 Sunday worked, 国庆 10月1–7日 with 10月10日
Saturday worked): the inspection's 5 and 60 工作日 and its one 30-day extension, the
arbitration's 5 and 45 日 and its one 15-day extension, and labour mediation's 15 日."""

from __future__ import annotations

from datetime import date

import pytest

from centre.models import Clock, Notification
from intake import workflow
from intake.models import Case
from intake.tests.factories import applicant, phone, register
from labour.models import Arbitration, LabourInspection
from labour.tests.conftest import at_labour, employer, fire, step_input
from mediation.models import Mediation
from mediation.tests.factories import mediator, organisation, start

pytestmark = pytest.mark.django_db


def _clock(case, code):
    return Clock.objects.get(case_number=case.number, rule__code=code)


def _errors(excinfo, field):
    return [e["message"] for e in excinfo.value.errors[field]]


# --- 劳动保障监察 ------------------------------------------------------------------------
def test_the_5_working_day_clock_runs_from_registration_over_the_national_day(
    clerk, labour_inspector, ref, time_machine
):
    time_machine.move_to("2026-09-28 10:00 +08:00")  # Monday
    case = register(clerk, ref, nature=Case.Nature.LABOUR)
    assert not Clock.objects.filter(
        case_number=case.number, rule__code="labour_inspection_accept"
    ).exists()
    time_machine.move_to("2026-09-29 09:00 +08:00")
    case = fire(clerk, case, "triage", window="labour")
    clock = _clock(case, "labour_inspection_accept")
    # 9-29, 9-30, (10-1…7 国庆), 10-8, 10-9 and 10-10, the Saturday worked: the fifth.
    assert clock.started_on == date(2026, 9, 28)
    assert clock.due_on == date(2026, 10, 10) and not clock.provisional
    assert clock.stopped_at is None
    time_machine.move_to("2026-10-09 15:00 +08:00")
    case = fire(labour_inspector, case, "labour_inspection_accept", workers=3)
    assert _clock(case, "labour_inspection_accept").stopped_at is not None


def test_the_accept_clock_stops_when_the_complaint_is_refused(
    clerk, labour_inspector, ref, time_machine
):
    time_machine.move_to("2026-09-24 10:00 +08:00")  # Thursday, before 中秋
    case = at_labour(clerk, ref)
    # 9-25…27 中秋 rest; 9-28, 9-29, 9-30, (国庆), 10-8, 10-9.
    assert _clock(case, "labour_inspection_accept").due_on == date(2026, 10, 9)
    case = fire(
        labour_inspector,
        case,
        "labour_inspection_refuse",
        channel="litigation",
        reason="双方系承揽关系，不属于劳动保障监察范围",
    )
    assert case.state == Case.State.CLOSED and case.outcome == Case.Outcome.DECLINED
    assert _clock(case, "labour_inspection_accept").stopped_at is not None
    assert not Clock.objects.filter(case_number=case.number, stopped_at__isnull=True).exists()
    inspection = LabourInspection.objects.get(case=case)
    assert inspection.state == "refused" and inspection.refused_channel == "litigation"


def test_a_consultation_at_the_window_gets_no_inspection_clock(clerk, ref):
    case = at_labour(clerk, ref, nature=Case.Nature.DISPUTE)
    assert not Clock.objects.filter(
        case_number=case.number, rule__code="labour_inspection_accept"
    ).exists()


def test_60_working_days_from_acceptance_and_one_extension_of_30(
    clerk, labour_inspector, supervisor, ref, time_machine
):
    time_machine.move_to("2026-08-20 10:00 +08:00")  # Thursday
    case = at_labour(clerk, ref, parties=[applicant(), employer(phone=phone())])
    case = fire(labour_inspector, case, "labour_inspection_accept", workers=12)
    close = _clock(case, "labour_inspection_close")
    # Sixty working days, skipping 9-25 and 10-1…7 and counting 9-20 and 10-10: 11-18
    # (weekends alone would give 11-12).
    assert close.started_on == date(2026, 8, 20)
    assert close.due_on == date(2026, 11, 18) and not close.provisional
    inspection = LabourInspection.objects.get(case=case)
    assert inspection.close_due == close.due_on and inspection.accepted_by == labour_inspector

    time_machine.move_to("2026-11-02 10:00 +08:00")
    with pytest.raises(workflow.Invalid) as too_long:
        fire(supervisor, case, "labour_inspection_extend", days=31, reason="人数众多")
    assert any("30个工作日" in m or "30工作日" in m for m in _errors(too_long, "days")), (
        too_long.value.errors
    )
    assert any("第17条" in m for m in _errors(too_long, "days"))
    sms_before = Notification.objects.filter(channel="sms", case_number=case.number).count()
    case = fire(supervisor, case, "labour_inspection_extend", days=30, reason="需调取银行流水")
    close = _clock(case, "labour_inspection_close")
    assert close.due_on == date(2026, 12, 30)  # ninety working days from 8-20
    assert close.extended_days == 30 and close.extension_approved_by == supervisor
    inspection.refresh_from_db()
    assert inspection.close_due == close.due_on and inspection.extended_by == supervisor
    assert inspection.extended_days == 30 and inspection.state == "opened"
    # The complainant is told (the applicant only, not the employer).
    sms = Notification.objects.filter(channel="sms", case_number=case.number)
    assert sms.count() == sms_before + 1
    assert "延长30" in sms.latest("id").body and "银行流水" in sms.latest("id").body

    version = Case.objects.get(pk=case.pk).version
    with pytest.raises(workflow.Invalid) as second:
        fire(supervisor, case, "labour_inspection_extend", days=5, reason="再延")
    assert any("延长过一次" in m for m in _errors(second, "days"))
    assert Case.objects.get(pk=case.pk).version == version
    assert _clock(case, "labour_inspection_close").due_on == date(2026, 12, 30)


def test_the_close_clock_stops_at_the_conclusion(clerk, labour_inspector, ref):
    case = at_labour(clerk, ref)
    case = fire(labour_inspector, case, "labour_inspection_accept", workers=12)
    case = fire(
        labour_inspector, case, "labour_inspection_order", **step_input("labour_inspection_order")
    )
    assert _clock(case, "labour_inspection_close").stopped_at is None  # an order is no end
    case = fire(
        labour_inspector,
        case,
        "labour_inspection_conclude",
        **step_input("labour_inspection_conclude"),
    )
    assert _clock(case, "labour_inspection_close").stopped_at is not None


# --- 劳动争议仲裁 ------------------------------------------------------------------------
def test_the_5_day_acceptance_clock_and_the_45_day_award_clock(
    clerk, arbitrator_user, arbitrators, ref, time_machine
):
    time_machine.move_to("2026-09-28 10:00 +08:00")
    case = at_labour(clerk, ref, nature=Case.Nature.DISPUTE)
    case = fire(clerk, case, "labour_arbitration_apply", **step_input("labour_arbitration_apply"))
    accept = _clock(case, "labour_arbitration_accept")
    # Five natural days end on 10-3, a holiday: the period ends on the next working day.
    assert accept.started_on == date(2026, 9, 28) and accept.due_on == date(2026, 10, 8)
    # The commission decides on it: its chair is reminded, not the clerk who recorded it.
    assert accept.assignee == arbitrator_user
    # Nothing of the matter's own clocks is left running (a dispute: none was started).
    assert not Clock.objects.filter(
        case_number=case.number, subject="case", stopped_at__isnull=True
    ).exists()

    time_machine.move_to("2026-09-29 10:00 +08:00")
    case = fire(
        arbitrator_user,
        case,
        "labour_arbitration_accept",
        **step_input("labour_arbitration_accept", arbitrators),
    )
    assert _clock(case, "labour_arbitration_accept").stopped_at is not None
    award = _clock(case, "labour_arbitration_award")
    assert award.started_on == date(2026, 9, 29) and award.due_on == date(2026, 11, 13)
    arbitration = Arbitration.objects.get(case=case)
    assert arbitration.award_due == award.due_on
    assert arbitration.presiding == arbitrators[0]
    assert set(arbitration.arbitrators.all()) == set(arbitrators)


def test_the_refusal_stops_the_acceptance_clock_and_closes_the_case(clerk, arbitrator_user, ref):
    case = at_labour(clerk, ref, nature=Case.Nature.DISPUTE)
    case = fire(clerk, case, "labour_arbitration_apply", **step_input("labour_arbitration_apply"))
    case = fire(arbitrator_user, case, "labour_arbitration_refuse", reason="已超过仲裁时效")
    assert case.state == Case.State.CLOSED and case.outcome == Case.Outcome.DECLINED
    assert not Clock.objects.filter(case_number=case.number, stopped_at__isnull=True).exists()


def test_one_extension_of_the_award_by_at_most_15_days_both_parties_told(
    clerk, arbitrator_user, arbitrators, supervisor, ref, time_machine
):
    time_machine.move_to("2026-09-29 10:00 +08:00")
    case = at_labour(
        clerk, ref, nature=Case.Nature.DISPUTE, parties=[applicant(), employer(phone=phone())]
    )
    case = fire(clerk, case, "labour_arbitration_apply", **step_input("labour_arbitration_apply"))
    case = fire(
        arbitrator_user,
        case,
        "labour_arbitration_accept",
        **step_input("labour_arbitration_accept", arbitrators),
    )
    with pytest.raises(workflow.Invalid) as too_long:
        fire(supervisor, case, "labour_arbitration_extend", days=16, reason="需要鉴定")
    assert any("15日" in m and "第43条" in m for m in _errors(too_long, "days"))
    sms_before = Notification.objects.filter(channel="sms", case_number=case.number).count()
    case = fire(supervisor, case, "labour_arbitration_extend", days=15, reason="需要工伤鉴定")
    award = _clock(case, "labour_arbitration_award")
    # 45 + 15 = 60 days from 9-29 is Saturday 11-28: the period ends on Monday 11-30.
    assert award.due_on == date(2026, 11, 30)
    assert award.extended_days == 15 and award.extension_approved_by == supervisor
    arbitration = Arbitration.objects.get(case=case)
    assert arbitration.award_due == award.due_on and arbitration.state == "accepted"
    sms = Notification.objects.filter(channel="sms", case_number=case.number)
    assert sms.count() == sms_before + 2  # the worker and the employer
    with pytest.raises(workflow.Invalid) as second:
        fire(supervisor, case, "labour_arbitration_extend", days=1, reason="再延")
    assert any("延长过一次" in m for m in _errors(second, "days"))
    assert _clock(case, "labour_arbitration_award").due_on == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("labour_arbitration_settle", {"terms": "被申请人支付工资18000元"}),
        ("labour_arbitration_award", {"facts": "查明", "text": "支付20000元", "amount": "20000"}),
    ],
)
def test_settlement_or_award_stops_the_award_clock(
    clerk, arbitrator_user, arbitrators, minimum_wage, ref, name, data
):
    case = at_labour(clerk, ref, nature=Case.Nature.DISPUTE)
    case = fire(clerk, case, "labour_arbitration_apply", **step_input("labour_arbitration_apply"))
    case = fire(
        arbitrator_user,
        case,
        "labour_arbitration_accept",
        **step_input("labour_arbitration_accept", arbitrators),
    )
    case = fire(arbitrator_user, case, name, **data)
    assert _clock(case, "labour_arbitration_award").stopped_at is not None


# --- 劳动争议调解 ------------------------------------------------------------------------
def test_a_supervisor_sends_a_labour_case_to_mediation_on_its_15_day_clock(
    clerk, supervisor, county, ref, make_user, time_machine
):
    time_machine.move_to("2026-09-14 10:00 +08:00")
    case = at_labour(clerk, ref, nature=Case.Nature.DISPUTE)
    org = organisation(county, "安吉县劳动人事争议调解委员会", mediation_kind="labour")
    chen = mediator(county, "陈建国", orgs=[org], user=make_user("mediator", "mediator"))
    time_machine.move_to("2026-09-16 10:00 +08:00")
    case = start(case, supervisor, org, [chen])
    assert case.state == Case.State.MEDIATING
    mediation = Mediation.objects.get(case=case)
    # Fifteen days from 9-16 end on 10-1, 国庆: the period ends on 10-8.
    assert mediation.clock_rule == "labour_mediation"
    assert mediation.clock_due == date(2026, 10, 8) and not mediation.clock_unlimited
    clock = Clock.objects.get(subject="mediation", subject_id=mediation.pk)
    assert clock.rule.code == "labour_mediation" and clock.due_on == date(2026, 10, 8)
    assert clock.started_on == date(2026, 9, 16) and clock.stopped_at is None
    # Only the mediation's clock runs: none of the matter's own was started by triage.
    assert not Clock.objects.filter(
        case_number=case.number, subject="case", rule__code="labour_mediation"
    ).exists()


def test_a_case_mediated_elsewhere_keeps_the_peoples_mediation_clock(
    clerk, supervisor, county, ref, make_user
):
    case = register(clerk, ref)
    org = organisation(county)
    chen = mediator(county, "陈建国", orgs=[org], user=make_user("mediator", "mediator"))
    case = start(case, supervisor, org, [chen])
    assert Mediation.objects.get(case=case).clock_rule == "mediation_people"
