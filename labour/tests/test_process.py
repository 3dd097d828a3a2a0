"""The labour window's process: from mediation to arbitration with one number (failed, or
lapsed past 第14条's 15 日), the hearing notified five days ahead (第35条), the award's
finality (第47条), the tribunal (第31条), and what one employer owes across its open
complaints."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from centre.models import Clock, Notification
from intake import workflow
from intake.models import Case, CaseDocument, CaseParty
from intake.tests.factories import applicant, credit_code, phone
from labour.models import Arbitration, Arbitrator, MinimumWage
from labour.tests.conftest import (
    AWARD,
    CLAIMS,
    at_labour,
    employer,
    fire,
    post,
    reach,
    step_input,
)
from mediation.models import Mediation
from mediation.tests.factories import mediator, organisation, start

pytestmark = pytest.mark.django_db


# --- mediation, then arbitration, one number ---------------------------------------------
@pytest.fixture
def mediated(clerk, supervisor, county, ref, make_user, time_machine):
    """A labour dispute at the window sent by the supervisor to the labour mediation
    committee on 2026-09-16 (its 15 日 run to 10-8, past 国庆)."""
    time_machine.move_to("2026-09-16 10:00 +08:00")
    case = at_labour(clerk, ref, nature=Case.Nature.DISPUTE, summary="解除劳动合同经济补偿争议")
    org = organisation(county, "安吉县劳动人事争议调解委员会", mediation_kind="labour")
    user = make_user("mediator", "mediator")
    chen = mediator(county, "陈建国", orgs=[org], user=user)
    case = start(case, supervisor, org, [chen])
    assert case.state == Case.State.MEDIATING
    return case, user


def test_mediation_failed_then_arbitration_with_the_same_number(
    mediated, clerk, arbitrator_user, time_machine
):
    case, mediator_user = mediated
    number = case.number
    time_machine.move_to("2026-09-22 10:00 +08:00")
    case = fire(
        mediator_user,
        case,
        "fail_mediation",
        reason="被申请人不同意支付经济补偿",
        party_refused=True,
    )
    assert case.state == Case.State.MEDIATION_FAILED
    assert "labour_arbitration_apply" in {s.name for s in workflow.available(case, clerk)}
    case = fire(clerk, case, "labour_arbitration_apply", **step_input("labour_arbitration_apply"))
    assert case.number == number and case.state == Case.State.HANDLING
    assert Case.objects.filter(number=number).count() == 1
    arbitration = Arbitration.objects.get(case=case)
    assert arbitration.state == "applied" and arbitration.claims == CLAIMS
    mediation = Mediation.objects.get(case=case)
    assert mediation.failed_reason == "被申请人不同意支付经济补偿"  # kept as the mediator wrote
    # The arbitrator takes it up on the same case.
    assert {s.name for s in workflow.available(case, arbitrator_user)} >= {
        "labour_arbitration_accept",
        "labour_arbitration_refuse",
    }


def test_before_the_15_days_lapse_arbitration_is_not_yet_open(api, mediated, clerk, time_machine):
    case, _user = mediated
    time_machine.move_to("2026-10-08 16:00 +08:00")  # the last day of the mediation
    response = post(
        api, clerk, case, "labour_arbitration_apply", step_input("labour_arbitration_apply")
    )
    assert response.status_code == 409, response.json()
    assert not Arbitration.objects.filter(case=case).exists()
    assert Mediation.objects.get(case=case).ended_at is None
    assert Case.objects.get(pk=case.pk).state == Case.State.MEDIATING


def test_a_lapsed_mediation_ends_when_arbitration_is_applied_for(
    api, mediated, clerk, time_machine
):
    case, _user = mediated
    time_machine.move_to("2026-10-09 09:00 +08:00")  # past the 15 日 (第14条)
    assert Case.objects.get(pk=case.pk).state == Case.State.MEDIATING
    response = post(
        api, clerk, case, "labour_arbitration_apply", step_input("labour_arbitration_apply")
    )
    assert response.status_code == 200, response.json()
    case.refresh_from_db()
    assert case.state == Case.State.HANDLING
    mediation = Mediation.objects.get(case=case)
    assert mediation.ended_at is not None and "第14条" in mediation.failed_reason
    clock = Clock.objects.get(subject="mediation", subject_id=mediation.pk)
    assert clock.stopped_at is not None
    assert Arbitration.objects.get(case=case).state == "applied"


# --- the hearing (第35条) ----------------------------------------------------------------
@pytest.fixture
def accepted(clerk, arbitrator_user, arbitrators, ref, time_machine):
    time_machine.move_to("2026-11-02 10:00 +08:00")
    case = at_labour(
        clerk,
        ref,
        nature=Case.Nature.DISPUTE,
        parties=[applicant(name="王秀英"), employer(phone=phone())],
    )
    return reach("accepted", case, clerk=clerk, arbitrator=arbitrator_user, arbitrators=arbitrators)


@pytest.mark.parametrize("at", ["2026-11-02T15:00", "2026-11-06T09:30", "2026-10-30T09:30"])
def test_a_hearing_less_than_five_days_ahead_is_refused(api, arbitrator_user, accepted, at):
    response = post(
        api,
        arbitrator_user,
        accepted,
        "labour_arbitration_hearing",
        {"at": at, "place": "第一仲裁庭"},
    )
    assert response.status_code == 400
    message = response.json()["errors"]["at"][0]
    assert "第35条" in message and "2026年11月7日" in message
    assert Arbitration.objects.get(case=accepted).hearing_at is None
    assert not Notification.objects.filter(case_number=accepted.number, channel="sms").exists()


def test_a_hearing_after_the_award_is_due_is_refused(api, arbitrator_user, accepted):
    due = Arbitration.objects.get(case=accepted).award_due
    response = post(
        api,
        arbitrator_user,
        accepted,
        "labour_arbitration_hearing",
        {"at": f"{due + timedelta(days=1)}T09:30", "place": "第一仲裁庭"},
    )
    assert response.status_code == 400 and "裁决期限" in response.json()["errors"]["at"][0]


def test_a_hearing_five_days_ahead_notifies_both_parties_and_issues_the_notice(
    arbitrator_user, accepted, django_capture_on_commit_callbacks
):
    before = Notification.objects.filter(case_number=accepted.number, channel="sms").count()
    with django_capture_on_commit_callbacks(execute=True):
        case = fire(
            arbitrator_user,
            accepted,
            "labour_arbitration_hearing",
            at="2026-11-07T09:30",
            place="县矛调中心第一仲裁庭",
        )
    arbitration = Arbitration.objects.get(case=case)
    assert arbitration.state == "accepted" and arbitration.hearing_notified_at is not None
    sms = Notification.objects.filter(case_number=case.number, channel="sms").order_by("id")
    new = list(sms[before:])
    assert {n.recipient_name for n in new} == {"王秀英", "安吉某建筑劳务有限公司"}
    for n in new:
        assert "2026年11月7日 09:30" in n.body and "第一仲裁庭" in n.body
    assert CaseDocument.objects.filter(case=case, kind="arbitration_hearing").exists()


# --- the award's finality (第47条) -------------------------------------------------------
def _to_award(clerk, arbitrator_user, arbitrators, ref, *, kind, amount):
    case = at_labour(clerk, ref, nature=Case.Nature.DISPUTE)
    case = fire(clerk, case, "labour_arbitration_apply", claims=CLAIMS, kind=kind, amount=amount)
    return fire(
        arbitrator_user,
        case,
        "labour_arbitration_accept",
        **step_input("labour_arbitration_accept", arbitrators),
    )


@pytest.mark.parametrize(
    ("kind", "amount", "final"),
    [
        ("standards", "", True),
        ("standards", "900000", True),
        ("pay", "27480", True),  # exactly 12 × 2290
        ("pay", "20000", True),
        ("pay", "27480.01", False),
        ("other", "1000", False),
    ],
)
def test_which_awards_are_final(
    clerk, arbitrator_user, arbitrators, minimum_wage, ref, kind, amount, final
):
    case = _to_award(clerk, arbitrator_user, arbitrators, ref, kind=kind, amount=amount)
    case = fire(arbitrator_user, case, "labour_arbitration_award", **AWARD, amount=amount)
    arbitration = Arbitration.objects.get(case=case)
    assert arbitration.state == "awarded" and arbitration.final is final
    assert ("第47条" in arbitration.final_ground) is final
    if kind == "pay" and final:
        assert "27480" in arbitration.final_ground
    assert case.state == Case.State.HANDLING  # the award is not yet the end


def test_the_newest_minimum_wage_in_force_decides(
    clerk, arbitrator_user, arbitrators, minimum_wage, county, ref, time_machine
):
    time_machine.move_to("2026-11-02 10:00 +08:00")
    MinimumWage.objects.create(
        county=county, monthly=Decimal("2500"), effective_from=date(2026, 10, 1), source="新标准"
    )
    MinimumWage.objects.create(
        county=county, monthly=Decimal("9000"), effective_from=date(2027, 1, 1), source="未生效"
    )
    case = _to_award(clerk, arbitrator_user, arbitrators, ref, kind="pay", amount="29000")
    case = fire(arbitrator_user, case, "labour_arbitration_award", **AWARD, amount="29000")
    arbitration = Arbitration.objects.get(case=case)
    assert arbitration.final and "30000" in arbitration.final_ground  # 12 × 2500


def test_without_a_minimum_wage_a_pay_award_is_a_field_error(
    api, clerk, arbitrator_user, arbitrators, ref
):
    case = _to_award(clerk, arbitrator_user, arbitrators, ref, kind="pay", amount="20000")
    version = Case.objects.get(pk=case.pk).version
    response = post(
        api, arbitrator_user, case, "labour_arbitration_award", {**AWARD, "amount": "20000"}
    )
    assert response.status_code == 400
    assert "最低工资" in response.json()["errors"]["amount"][0]
    assert Arbitration.objects.get(case=case).state == "accepted"
    assert Case.objects.get(pk=case.pk).version == version
    assert not CaseDocument.objects.filter(case=case, kind="arbitration_award").exists()


def test_the_conclusion_closes_the_case_with_its_outcome(
    clerk, arbitrator_user, arbitrators, minimum_wage, ref
):
    case = _to_award(clerk, arbitrator_user, arbitrators, ref, kind="pay", amount="20000")
    case = fire(arbitrator_user, case, "labour_arbitration_award", **AWARD, amount="20000")
    case = fire(
        arbitrator_user, case, "labour_arbitration_conclude", ending="sued", result="用人单位起诉"
    )
    assert (case.state, case.outcome) == (Case.State.CLOSED, Case.Outcome.LITIGATED)
    assert Arbitration.objects.get(case=case).state == "concluded"


# --- the tribunal (第31条) ---------------------------------------------------------------
def test_a_tribunal_of_two_is_refused(api, clerk, arbitrator_user, arbitrators, ref):
    case = reach("applied", at_labour(clerk, ref, nature=Case.Nature.DISPUTE), clerk=clerk)
    data = {"arbitrators": [a.pk for a in arbitrators[:2]], "presiding": arbitrators[0].pk}
    response = post(api, arbitrator_user, case, "labour_arbitration_accept", data)
    assert response.status_code == 400
    assert "第31条" in response.json()["errors"]["arbitrators"][0]
    assert Arbitration.objects.get(case=case).state == "applied"


def test_the_presiding_arbitrator_sits_on_the_tribunal(
    api, clerk, arbitrator_user, arbitrators, ref
):
    case = reach("applied", at_labour(clerk, ref, nature=Case.Nature.DISPUTE), clerk=clerk)
    data = {"arbitrators": [arbitrators[1].pk], "presiding": arbitrators[0].pk}
    response = post(api, arbitrator_user, case, "labour_arbitration_accept", data)
    assert response.status_code == 400 and "presiding" in response.json()["errors"]
    data = {"arbitrators": [arbitrators[1].pk], "presiding": arbitrators[1].pk}  # 独任
    response = post(api, arbitrator_user, case, "labour_arbitration_accept", data)
    assert response.status_code == 200, response.json()
    arbitration = Arbitration.objects.get(case=case)
    assert list(arbitration.arbitrators.all()) == [arbitrators[1]]


def test_the_accept_form_lists_the_least_busy_arbitrators_first(
    api, clerk, arbitrator_user, arbitrators, county, ref
):
    zhao, sun, qian = arbitrators
    # 赵 sits on two open cases, 孙 on one; 钱 on none; an inactive one is not offered.
    Arbitrator.objects.create(county=county, name="周退休", active=False)
    for tribunal in ([zhao], [zhao], [sun]):
        case = reach("applied", at_labour(clerk, ref, nature=Case.Nature.DISPUTE), clerk=clerk)
        fire(
            arbitrator_user,
            case,
            "labour_arbitration_accept",
            arbitrators=[a.pk for a in tribunal],
            presiding=tribunal[0].pk,
        )
    done = reach("applied", at_labour(clerk, ref, nature=Case.Nature.DISPUTE), clerk=clerk)
    fire(
        arbitrator_user, done, "labour_arbitration_accept", arbitrators=[qian.pk], presiding=qian.pk
    )
    fire(arbitrator_user, done, "labour_arbitration_settle", terms="和解")  # no longer open
    case = reach("applied", at_labour(clerk, ref, nature=Case.Nature.DISPUTE), clerk=clerk)
    api.force_authenticate(arbitrator_user)
    listed = {t["name"]: t for t in api.get(f"/api/v1/cases/{case.number}/transitions/").json()}
    fields = {f["name"]: f for f in listed["labour_arbitration_accept"]["fields"]}
    for name in ("arbitrators", "presiding"):
        labels = [c["label"] for c in fields[name]["choices"]]
        assert labels == ["钱国栋（在办0件）", "孙丽萍（在办1件）", "赵启明（在办2件）"], labels


# --- the employer's open complaints -----------------------------------------------------
def test_two_open_complaints_against_one_employer_are_summed_on_the_panel(
    client, clerk, labour_inspector, ref
):
    code = credit_code("91330523MA2D7K8L3")
    first = at_labour(clerk, ref, parties=[applicant(name="王秀英"), employer(code=code)])
    second = at_labour(clerk, ref, parties=[applicant(name="刘小军"), employer(code=code)])
    other = at_labour(
        clerk,
        ref,
        parties=[
            applicant(name="陈芳"),
            employer(name="另一家公司", code=credit_code("91330523MA2B3C4D5")),
        ],
    )
    fire(labour_inspector, first, "labour_inspection_accept", workers=12, owed_amount="186000")
    fire(labour_inspector, second, "labour_inspection_accept", workers=3, owed_amount="24000.50")
    fire(labour_inspector, other, "labour_inspection_accept", workers=5, owed_amount="50000")
    parties = CaseParty.objects.filter(role=CaseParty.Role.RESPONDENT, case__in=[first, second])
    assert len({cp.party_id for cp in parties}) == 1  # one employer, by its credit code
    client.force_login(labour_inspector)
    page = "".join(client.get(f"/intake/cases/{first.number}/").content.decode().split())
    assert "同一用人单位在办投诉2件，涉及劳动者15人，拖欠合计210000.50元" in page
    alone = "".join(client.get(f"/intake/cases/{other.number}/").content.decode().split())
    assert "同一用人单位在办投诉" not in alone
    # A concluded complaint is no longer open.
    fire(
        labour_inspector,
        second,
        "labour_inspection_conclude",
        conclusion="penalised",
        result="已处罚",
    )
    page = "".join(client.get(f"/intake/cases/{first.number}/").content.decode().split())
    assert "同一用人单位在办投诉" not in page


def test_the_panels_show_the_processes(
    client, clerk, labour_inspector, arbitrator_user, arbitrators, minimum_wage, ref
):
    case = reach("ordered", at_labour(clerk, ref), inspector=labour_inspector)
    client.force_login(labour_inspector)
    page = client.get(f"/intake/cases/{case.number}/").content.decode()
    assert 'id="inspection-panel"' in page and 'id="labour-order"' in page
    assert "责令限期支付" in page
    dispute = reach(
        "awarded",
        at_labour(clerk, ref, nature=Case.Nature.DISPUTE),
        clerk=clerk,
        arbitrator=arbitrator_user,
        arbitrators=arbitrators,
    )
    client.force_login(arbitrator_user)
    page = client.get(f"/intake/cases/{dispute.number}/").content.decode()
    assert 'id="arbitration-panel"' in page and 'id="final-award"' in page
    assert "赵启明（首席）" in page


def test_finality_follows_the_amount_the_award_determines(
    clerk, arbitrator_user, arbitrators, minimum_wage, ref
):
    # Claimed 30000 (above 12 × 2290 = 27480) but awarded 20000: final (解释（一）第19条).
    case = _to_award(clerk, arbitrator_user, arbitrators, ref, kind="pay", amount="30000")
    case = fire(arbitrator_user, case, "labour_arbitration_award", **AWARD, amount="20000")
    arbitration = Arbitration.objects.get(case=case)
    assert arbitration.final and "20000" in arbitration.final_ground


def test_the_arbitration_clock_is_the_commission_s_to_extend_not_a_supervisor_s(
    client, accepted, supervisor
):
    """Each clock's rule says who approves: the arbitration award's extension is the
    commission's own step (劳动争议调解仲裁法 第43条); the case page refuses a supervisor."""
    clock = Clock.objects.get(case_number=accepted.number, stopped_at__isnull=True)
    due = clock.due_on
    client.force_login(supervisor)
    url = f"/intake/cases/{accepted.number}/clocks/{clock.pk}/extend/"
    assert client.post(url, {"reason": "案情复杂"}).status_code == 403
    clock.refresh_from_db()
    assert clock.due_on == due and not clock.extended_days
