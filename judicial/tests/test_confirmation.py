"""Judicial confirmation: the 30-day window (with holidays), the court's limits and its
single extension, both rulings and where the case goes, and the judges' scope."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from centre.models import Notification
from intake import tasks, workflow
from intake.models import Case, CaseDocument
from intake.tests.factories import register
from judicial import services
from judicial.models import Confirmation, Court
from mediation.tests.factories import agreement_data, start
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _apply(api, user, case, **data):
    api.force_authenticate(user)
    return api.post(
        f"/api/v1/cases/{case.number}/transitions/apply_confirmation/", data, format="json"
    )


def _agreed_on(day: str, clerk, supervisor, ref, chen, time_machine):
    time_machine.move_to(f"{day} 10:00 +08:00")
    case = start(register(clerk, ref), supervisor, chen.organisations.first(), [chen])
    return workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )


def test_the_last_day_in_the_national_day_holiday_moves_to_the_first_working_day(
    api, clerk, supervisor, ref, chen, court, time_machine
):
    # Agreement on 2026-09-01: day 30 is 10-01, inside the National Day holiday (10-01..07),
    # so the window ends on 10-08 (民事诉讼法 第85条).
    case = _agreed_on("2026-09-01", clerk, supervisor, ref, chen, time_machine)
    time_machine.move_to("2026-10-08 16:00 +08:00")
    response = _apply(api, clerk, case, statements="双方自愿申请")
    assert response.status_code == 200, response.json()
    confirmation = Confirmation.objects.get(case=case)
    assert confirmation.apply_due.isoformat() == "2026-10-08"
    assert confirmation.court == court  # the county's basic people's court by default


def test_a_late_application_is_refused_saying_by_how_many_days(
    api, clerk, supervisor, ref, chen, court, time_machine
):
    case = _agreed_on("2026-09-01", clerk, supervisor, ref, chen, time_machine)
    time_machine.move_to("2026-10-10 09:00 +08:00")
    response = _apply(api, clerk, case)
    assert response.status_code == 400
    assert "已超过申请司法确认的期限2日" in response.json()["detail"]
    assert Case.objects.get(pk=case.pk).state == "agreed"


def test_application_pdf_and_the_courts_rights(
    api, clerk, agreed, court, judge, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert _apply(api, clerk, agreed).json()["state"] == "confirming"
    doc = CaseDocument.objects.get(case=agreed, kind="confirmation_application")
    text = pdf_text(doc)
    assert "司法确认申请书" in text and "安吉县人民法院" in text
    assert judge.has_perm("intake.view_case", agreed)
    assert Notification.objects.filter(recipient_user=judge, channel="inapp").exists()


def test_accept_within_three_days_then_decide_within_fifteen(clerk, agreed, judge, time_machine):
    time_machine.move_to("2026-11-27 10:00 +08:00")  # a Friday
    workflow.fire(actor=clerk, number=agreed.number, name="apply_confirmation", data={})
    confirmation = Confirmation.objects.get(case=agreed)
    assert confirmation.accept_due.isoformat() == "2026-11-30"  # 11-30 is a Monday
    services.confirmation_accept(actor=judge, confirmation=confirmation)
    confirmation.refresh_from_db()
    # 15 days from 11-27 is 12-12, a Saturday: the period ends on Monday 12-14.
    assert confirmation.decide_due.isoformat() == "2026-12-14"


def test_one_extension_by_ten_days_approved_by_the_president(
    clerk, agreed, judge, court, make_user, time_machine
):
    time_machine.move_to("2026-11-27 10:00 +08:00")
    workflow.fire(actor=clerk, number=agreed.number, name="apply_confirmation", data={})
    confirmation = Confirmation.objects.get(case=agreed)
    services.confirmation_accept(actor=judge, confirmation=confirmation)
    other_judge = make_user("judge", "judge2")
    court.judges.add(other_judge)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="院长批准"):
        services.confirmation_extend(actor=other_judge, confirmation=confirmation, reason="x")
    services.confirmation_extend(actor=judge, confirmation=confirmation, reason="需调查核实")
    confirmation.refresh_from_db()
    assert confirmation.decide_due.isoformat() == "2026-12-22"  # 25 days from 11-27
    assert confirmation.extension_approved_by == judge
    with pytest.raises(ValidationError, match="只能延长一次"):
        services.confirmation_extend(actor=judge, confirmation=confirmation, reason="再延")


def test_the_extension_never_passes_thirty_days(clerk, agreed, judge, time_machine):
    # Accepted 2026-09-10: 25 days is 10-05 (holiday) → 10-08 would be 28 days; still
    # within the 30-day cap. Accepted 2026-09-15: 25 days = 10-10 (a make-up working day).
    time_machine.move_to("2026-09-20 10:00 +08:00")
    workflow.fire(actor=clerk, number=agreed.number, name="apply_confirmation", data={})
    confirmation = Confirmation.objects.get(case=agreed)
    services.confirmation_accept(actor=judge, confirmation=confirmation)
    services.confirmation_extend(actor=judge, confirmation=confirmation, reason="需鉴定")
    confirmation.refresh_from_db()
    accepted = confirmation.accepted_at.date()
    assert (confirmation.decide_due - accepted).days <= 30


def test_confirm_needs_acceptance_first(api, client, clerk, agreed, judge):
    """确认 and 驳回 are rulings on an accepted application: before 受理 the judge is
    offered neither, and the server refuses both (409, saying why); what is offered then
    is 不予受理 (民诉法解释 第355条), which is gone once the court has accepted."""
    workflow.fire(actor=clerk, number=agreed.number, name="apply_confirmation", data={})
    api.force_authenticate(judge)
    for name, data in (("confirm", {}), ("refuse_confirmation", {"reason": "不明确"})):
        response = api.post(
            f"/api/v1/cases/{agreed.number}/transitions/{name}/", data, format="json"
        )
        assert response.status_code == 409 and "尚未受理" in response.json()["detail"], name
    offered = api.get(f"/api/v1/cases/{agreed.number}/transitions/").json()
    assert [t["name"] for t in offered] == ["not_accept_confirmation"]
    client.force_login(judge)
    page = client.get(f"/intake/cases/{agreed.number}/").content.decode()
    assert "受理申请" in page
    assert 'data-transition="confirm"' not in page
    assert 'data-transition="refuse_confirmation"' not in page

    services.confirmation_accept(actor=judge, confirmation=Confirmation.objects.get(case=agreed))
    offered = api.get(f"/api/v1/cases/{agreed.number}/transitions/").json()
    assert [t["name"] for t in offered] == ["confirm", "refuse_confirmation"]
    page = client.get(f"/intake/cases/{agreed.number}/").content.decode()
    assert 'data-transition="confirm"' in page and 'data-transition="refuse_confirmation"' in page
    assert "受理申请" not in page
    assert 'data-transition="not_accept_confirmation"' not in page
    response = api.post(
        f"/api/v1/cases/{agreed.number}/transitions/not_accept_confirmation/",
        {"ground": "jurisdiction", "reason": "x"},
        format="json",
    )
    assert response.status_code == 409 and "裁定驳回" in response.json()["detail"]


def test_confirmed_ruling_with_the_courts_number(
    api, clerk, agreed, judge, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-11-27 10:00 +08:00")
    workflow.fire(actor=clerk, number=agreed.number, name="apply_confirmation", data={})
    services.confirmation_accept(actor=judge, confirmation=Confirmation.objects.get(case=agreed))
    api.force_authenticate(judge)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/cases/{agreed.number}/transitions/confirm/",
            {"note": "符合确认条件"},
            format="json",
        )
    assert response.json()["state"] == "confirmed"
    confirmation = Confirmation.objects.get(case=agreed)
    assert confirmation.ruling_number == "（2026）浙0523民特1号"
    ruling = CaseDocument.objects.get(case=agreed, kind="ruling")
    text = pdf_text(ruling)
    for part in (
        "民事裁定书",
        "（2026）浙0523民特1号",
        "主持调解达成的调解协议有效",
        "申请执行",
        "第二百零六条",
        "张建华",
    ):
        assert part in text, part
    assert Notification.objects.filter(
        channel="sms", case_number=agreed.number, subject="司法确认结果"
    ).exists()
    kinds = {d["kind"] for d in api.get(f"/api/v1/cases/{agreed.number}/documents/").json()}
    assert {"confirmation_application", "ruling"} <= kinds


def test_refused_ruling_sends_the_case_back_to_mediation_failed(
    api, clerk, agreed, judge, django_capture_on_commit_callbacks
):
    workflow.fire(actor=clerk, number=agreed.number, name="apply_confirmation", data={})
    services.confirmation_accept(actor=judge, confirmation=Confirmation.objects.get(case=agreed))
    api.force_authenticate(judge)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/cases/{agreed.number}/transitions/refuse_confirmation/",
            {"reason": "协议约定的拆除范围不明确", "ground": "unclear"},
            format="json",
        )
    assert response.json()["state"] == "mediation_failed"
    confirmation = Confirmation.objects.get(case=agreed)
    assert (confirmation.decision, confirmation.ground) == ("refused", "unclear")
    ruling = CaseDocument.objects.get(case=agreed, kind="ruling")
    tasks.render_case_document(ruling.pk)
    ruling.refresh_from_db()
    text = pdf_text(ruling)
    assert (
        "驳回申请人张建华、李国强的司法确认申请" in text
        and "内容不明确" in text
        and "提起诉讼" in text
    )


def test_judges_see_only_their_courts_applications(api, clerk, agreed, county, make_user):
    other_judge = make_user("judge", "judge_other")
    other = Court.objects.create(
        county=county, name="安吉县人民法院天荒坪法庭", code="浙0523", is_default=False
    )
    other.judges.add(other_judge)
    workflow.fire(actor=clerk, number=agreed.number, name="apply_confirmation", data={})
    api.force_authenticate(other_judge)
    assert api.get(f"/api/v1/cases/{agreed.number}/").status_code == 404
    assert (
        api.post(
            f"/api/v1/cases/{agreed.number}/transitions/confirm/", {}, format="json"
        ).status_code
        == 404
    )


def test_clerks_and_mediators_cannot_rule(api, clerk, agreed, chen, supervisor):
    workflow.fire(actor=clerk, number=agreed.number, name="apply_confirmation", data={})
    for user in (clerk, chen.user, supervisor):
        api.force_authenticate(user)
        for name in ("confirm", "refuse_confirmation"):
            response = api.post(
                f"/api/v1/cases/{agreed.number}/transitions/{name}/", {"reason": "x"}, format="json"
            )
            assert response.status_code == 403, (user, name)


def test_the_queue_puts_the_overdue_first(
    client, clerk, supervisor, ref, chen, court, judge, time_machine
):
    from mediation.tests.factories import agreement_data as data

    numbers = []
    for day in ("2026-11-02", "2026-11-20"):
        time_machine.move_to(f"{day} 10:00 +08:00")
        case = start(register(clerk, ref), supervisor, chen.organisations.first(), [chen])
        workflow.fire(actor=chen.user, number=case.number, name="record_agreement", data=data(case))
        workflow.fire(actor=clerk, number=case.number, name="apply_confirmation", data={})
        numbers.append(case.number)
    time_machine.move_to("2026-11-27 10:00 +08:00")
    client.force_login(judge)
    page = client.get("/judicial/").content.decode()
    queue = page[page.index('id="queue"') :]
    assert queue.index(numbers[0]) < queue.index(numbers[1])
    assert "已超期" in queue
    # Case numbers and dates are never broken across lines.
    assert f'<td class="text-nowrap"><a href="/intake/cases/{numbers[0]}/">' in queue
    assert '<td class="text-nowrap">2026年11月' in queue


def test_the_queue_keeps_its_queries_fixed(client, clerk, supervisor, ref, chen, court, judge):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def applied():
        case = start(register(clerk, ref), supervisor, chen.organisations.first(), [chen])
        workflow.fire(
            actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
        )
        workflow.fire(actor=clerk, number=case.number, name="apply_confirmation", data={})

    applied()
    client.force_login(judge)
    client.get("/judicial/")
    with CaptureQueriesContext(connection) as one:
        client.get("/judicial/")
    for _ in range(5):
        applied()
    with CaptureQueriesContext(connection) as six:
        client.get("/judicial/")
    assert len(six) == len(one)


@pytest.mark.parametrize("action", ["extend", "pause"])
def test_a_window_supervisor_cannot_pause_or_extend_the_court_s_clock(
    client, clerk, agreed, judge, supervisor, time_machine, action
):
    """The court's review clock is the court's: its president approves an extension
    (法释〔2011〕5号 第5条) through the court's own step. On the case page the supervisor
    sees who approves it and no controls; a forged request is refused and changes nothing."""
    from centre.models import Clock

    time_machine.move_to("2026-11-27 10:00 +08:00")
    workflow.fire(actor=clerk, number=agreed.number, name="apply_confirmation", data={})
    confirmation = Confirmation.objects.get(case=agreed)
    services.confirmation_accept(actor=judge, confirmation=confirmation)
    clock = Clock.objects.get(subject="confirmation", rule__code="confirmation_decide")
    before = (clock.due_on, clock.extended_days, clock.paused_at)
    client.force_login(supervisor)
    page = client.get(f"/intake/cases/{agreed.number}/").content.decode()
    box = page[page.index('data-clock="confirmation_decide"') :]
    box = box[: box.index("</li>")]
    assert "须经本院院长批准" in box and "/clocks/" not in box
    response = client.post(
        f"/intake/cases/{agreed.number}/clocks/{clock.pk}/{action}/", {"reason": "需补充材料"}
    )
    assert response.status_code == 403
    clock.refresh_from_db()
    confirmation.refresh_from_db()
    assert (clock.due_on, clock.extended_days, clock.paused_at) == before
    assert confirmation.decide_due == clock.due_on


def test_a_refused_agreement_can_be_mediated_again(clerk, supervisor, agreed, judge, chen):
    """The ruling tells the parties they may change the agreement or reach a new one
    (民事诉讼法 第206条): the case goes back to its mediators, and the new agreement is
    the next version."""
    workflow.fire(actor=clerk, number=agreed.number, name="apply_confirmation", data={})
    services.confirmation_accept(actor=judge, confirmation=Confirmation.objects.get(case=agreed))
    workflow.fire(
        actor=judge,
        number=agreed.number,
        name="refuse_confirmation",
        data={"reason": "协议约定的拆除范围不明确", "ground": "unclear"},
    )
    case = workflow.fire(
        actor=supervisor,
        number=agreed.number,
        name="resume_mediation",
        data={"reason": "双方同意明确拆除范围后重新达成协议"},
    )
    assert case.state == Case.State.MEDIATING
    case = workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )
    assert case.state == Case.State.AGREED
    assert list(case.mediation.agreements.values_list("version", flat=True)) == [1, 2]


def test_a_provisional_last_day_turns_no_application_away(
    api, clerk, supervisor, ref, chen, court, time_machine
):
    """Agreed 2026-12-10: day 30 is Saturday 2027-01-09, so the window ends Monday 01-11 —
    provisionally, 2027's calendar not being published. An application on the 12th is
    not refused on that date alone (a make-up rest day may yet move it)."""
    case = _agreed_on("2026-12-10", clerk, supervisor, ref, chen, time_machine)
    time_machine.move_to("2027-01-12 09:00 +08:00")
    response = _apply(api, clerk, case)
    assert response.status_code == 200, response.json()
    confirmation = Confirmation.objects.get(case=case)
    assert confirmation.apply_due.isoformat() == "2027-01-11"
