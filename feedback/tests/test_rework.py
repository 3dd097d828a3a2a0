"""The rework ticket (回访/重办): its clock in working days, the overdue escalation, the
call-back, and either keeping the result or reopening the case (the one-visit rate)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from centre import clocks
from centre.models import Clock, DeadlineRule, Notification
from feedback import services
from feedback.models import Rating, ReworkTicket
from feedback.tests.conftest import close
from intake.models import Case

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def dissatisfied(case) -> ReworkTicket:
    party = case.case_parties.get(role="applicant").party
    rating = services.rating_submit(
        case=case,
        party=party,
        value=Rating.Value.DISSATISFIED,
        comment="问题没有解决",
        channel=Rating.Channel.PROGRESS,
    )
    return rating.rework


@pytest.fixture
def ticket(closed_case, supervisor):
    return dissatisfied(closed_case)


def test_the_clock_counts_five_working_days_over_the_national_day(clerk, open_case, supervisor):
    # Rated on Thursday 24 September 2026: 25–27 September and 1–7 October are holidays,
    # so the five working days are 28, 29, 30 September and 8, 9 October.
    with time_machine.travel(at(date(2026, 9, 20)), tick=False):
        close(clerk, open_case)
    with time_machine.travel(at(date(2026, 9, 24)), tick=False):
        ticket = dissatisfied(open_case)
    assert ticket.due_on == date(2026, 10, 9)
    clock = Clock.objects.get(subject="rework", subject_id=ticket.pk)
    assert (clock.rule.code, clock.due_on, clock.assignee) == (
        "feedback_rework",
        date(2026, 10, 9),
        supervisor,
    )


def test_the_limit_is_the_administrators(clerk, open_case, supervisor):
    DeadlineRule.objects.filter(code="feedback_rework").update(length=3)
    with time_machine.travel(at(date(2026, 9, 20)), tick=False):
        close(clerk, open_case)
    with time_machine.travel(at(date(2026, 9, 24)), tick=False):
        ticket = dissatisfied(open_case)
    assert ticket.due_on == date(2026, 9, 30)


def test_an_overdue_ticket_is_escalated_once(ticket, supervisor):
    clocks.clocks_scan(today=ticket.due_on)
    assert not Notification.objects.filter(subject__startswith="超期督办").exists()
    day_after = date.fromordinal(ticket.due_on.toordinal() + 1)
    clocks.clocks_scan(today=day_after)
    clocks.clocks_scan(today=day_after)
    escalation = Notification.objects.get(subject__startswith="超期督办")
    assert escalation.recipient_user == supervisor
    assert ticket.case.number in escalation.subject and "不满意评价回访重办" in escalation.subject


def test_a_ticket_done_in_time_is_not_escalated(ticket, supervisor):
    services.ticket_call_back(
        actor=supervisor, ticket_id=ticket.pk, on=timezone.localdate(), summary="已电话联系"
    )
    services.ticket_keep(actor=supervisor, ticket_id=ticket.pk, explanation="依法办理，维持")
    clocks.clocks_scan(today=date.fromordinal(ticket.due_on.toordinal() + 3))
    assert not Notification.objects.filter(subject__startswith="超期督办").exists()


def test_keep_after_call_back(ticket, supervisor, closed_case):
    with pytest.raises(services.ValidationError, match="不能执行该操作"):
        services.ticket_keep(actor=supervisor, ticket_id=ticket.pk, explanation="维持")
    services.ticket_call_back(
        actor=supervisor, ticket_id=ticket.pk, on=timezone.localdate(), summary="当事人仍有异议"
    )
    with pytest.raises(services.ValidationError, match="请填写解释说明"):
        services.ticket_keep(actor=supervisor, ticket_id=ticket.pk, explanation="  ")
    kept = services.ticket_keep(
        actor=supervisor, ticket_id=ticket.pk, explanation="答复符合政策，已向当事人解释"
    )
    assert kept.state == ReworkTicket.State.KEPT and kept.closed_by == supervisor
    closed_case.refresh_from_db()
    assert closed_case.state == Case.State.CLOSED and closed_case.reopened_at is None
    notes = list(closed_case.events.values_list("note", flat=True))
    assert any("已回访" in n for n in notes) and any("维持原办理结果" in n for n in notes)
    assert Clock.objects.get(subject="rework", subject_id=ticket.pk).stopped_at is not None


def test_reopen_sends_the_case_back_with_the_reason(ticket, supervisor, closed_case):
    services.ticket_call_back(
        actor=supervisor, ticket_id=ticket.pk, on=timezone.localdate(), summary="确有遗漏"
    )
    with pytest.raises(services.ValidationError) as no_reason:
        services.ticket_reopen(actor=supervisor, ticket_id=ticket.pk, to_state="triaged", reason="")
    assert "请填写重新办理原因" in str(no_reason.value)
    with pytest.raises(services.ValidationError) as never_mediated:
        services.ticket_reopen(
            actor=supervisor, ticket_id=ticket.pk, to_state="mediating", reason="重新调解"
        )
    assert "未经调解" in str(never_mediated.value)
    ticket.refresh_from_db()
    assert ticket.state == ReworkTicket.State.CALLED_BACK  # nothing half-saved
    services.ticket_reopen(
        actor=supervisor, ticket_id=ticket.pk, to_state="triaged", reason="答复遗漏诉求"
    )
    closed_case.refresh_from_db()
    assert closed_case.state == Case.State.TRIAGED
    assert closed_case.reopened_at is not None and closed_case.closed_at is None
    assert closed_case.outcome == ""
    event = closed_case.events.get(transition="reopen")
    assert (event.from_state, event.to_state, event.note) == ("closed", "triaged", "答复遗漏诉求")
    assert event.actor == supervisor
    ticket.refresh_from_db()
    assert (ticket.state, ticket.reopen_to) == (ReworkTicket.State.REOPENED, "triaged")


def test_only_the_supervisor_handles_tickets_and_reopens(ticket, clerk, leader, mediator):
    for user in (clerk, leader, mediator):
        with pytest.raises(PermissionDenied):
            services.ticket_call_back(
                actor=user, ticket_id=ticket.pk, on=timezone.localdate(), summary="x"
            )
    from intake import workflow

    assert not workflow.may_fire(clerk, ticket.case, "reopen")


def test_a_reopened_case_is_not_settled_at_one_visit(clerk, leader, supervisor, ref):
    from intake import workflow
    from intake.tests.factories import applicant, register
    from risk.dashboard import kpis, rollups

    def one_visit():
        rollups.refresh()
        rate = kpis.overview(kpis.parse_filters(leader, {})).as_json()["rates"]["one_visit"]
        return rate["numerator"], rate["denominator"]

    case = register(clerk, ref, parties=[applicant(phone="13957212345")])
    workflow.fire(actor=clerk, number=case.number, name="triage", data={"window": "mediation"})
    case = workflow.fire(
        actor=clerk, number=case.number, name="withdraw", data={"reason": "已自行和解"}
    )
    assert one_visit() == (1, 1)
    ticket = dissatisfied(case)
    services.ticket_call_back(
        actor=supervisor, ticket_id=ticket.pk, on=timezone.localdate(), summary="和解未履行"
    )
    services.ticket_reopen(
        actor=supervisor, ticket_id=ticket.pk, to_state="triaged", reason="和解未履行，重新分流"
    )
    assert one_visit() == (0, 0)
    workflow.fire(actor=clerk, number=case.number, name="withdraw", data={"reason": "再次和解"})
    assert one_visit() == (0, 1)
