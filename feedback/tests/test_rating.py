"""A party's rating: once per case per party, within 30 days of closing, applicants only;
不满意 opens a rework ticket; closing invites the applicants by SMS."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from centre.models import Notification
from feedback import services
from feedback.models import Rating, ReworkTicket

pytestmark = pytest.mark.django_db


def submit(case, party, value="satisfied", **kw):
    return services.rating_submit(
        case=case, party=party, value=value, channel=Rating.Channel.PROGRESS, **kw
    )


def test_closing_invites_each_applicant_with_a_phone_once(clerk, closed_case):
    sms = Notification.objects.filter(case_number=closed_case.number, subject="办理结果评价")
    assert sms.count() == 1  # the applicant; the respondent is not invited
    invitation = sms.get()
    assert invitation.channel == Notification.Channel.SMS
    assert (invitation.statutory, invitation.kind) == (False, "satisfaction_invite")
    assert invitation.template_params["number"] == closed_case.number
    assert closed_case.number in invitation.body
    assert "/progress/rate/?number=" in invitation.body
    assert invitation.destination_masked.endswith("2345") and "13957212345" not in invitation.body


def test_an_open_case_invites_no_one(open_case):
    assert not Notification.objects.filter(subject="办理结果评价").exists()


def test_rating_once(closed_case, applicant_party):
    submit(closed_case, applicant_party, comment="调解员很耐心")
    with pytest.raises(services.AlreadyRated) as again:
        submit(closed_case, applicant_party, value="dissatisfied")
    assert "只能评价一次" in str(again.value)
    assert Rating.objects.get().value == "satisfied"
    assert not ReworkTicket.objects.exists()  # the refused second rating opened nothing


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_make_one_rating(clerk, ref):
    from intake import workflow
    from intake.tests.factories import applicant, register

    case = register(clerk, ref, parties=[applicant(phone="13957212345")])
    workflow.fire(
        actor=clerk, number=case.number, name="refer", data={"window": "petition", "note": "x"}
    )
    workflow.fire(actor=clerk, number=case.number, name="close", data={"outcome": "handled"})
    case.refresh_from_db()
    party = case.case_parties.get().party
    barrier = threading.Barrier(2)
    outcomes = []

    def rate():
        try:
            barrier.wait()
            submit(case, party, value="dissatisfied")
            outcomes.append("rated")
        except services.AlreadyRated:
            outcomes.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=rate) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already", "rated"]
    assert Rating.objects.filter(case=case).count() == 1
    assert ReworkTicket.objects.filter(case=case).count() == 1


def test_the_thirtieth_day_is_in_the_window_the_thirty_first_is_not(closed_case, applicant_party):
    closed_on = timezone.localdate(closed_case.closed_at)
    day30 = timezone.make_aware(
        timezone.datetime.combine(closed_on + timedelta(days=30), timezone.datetime.min.time())
    ) + timedelta(hours=23)
    with (
        time_machine.travel(day30 + timedelta(days=1), tick=False),
        pytest.raises(services.ValidationError) as late,
    ):
        submit(closed_case, applicant_party)
    assert "评价期已过" in str(late.value)
    with time_machine.travel(day30, tick=False):
        assert submit(closed_case, applicant_party).pk


def test_an_open_case_cannot_be_rated(open_case):
    party = open_case.case_parties.get(role="applicant").party
    with pytest.raises(services.ValidationError, match="尚未办结"):
        submit(open_case, party)


def test_a_respondent_cannot_rate(closed_case):
    respondent = closed_case.case_parties.get(role="respondent").party
    with pytest.raises(services.ValidationError, match="只有该案件的申请人"):
        submit(closed_case, respondent)
    assert not Rating.objects.exists()


def test_the_comment_is_limited(closed_case, applicant_party):
    with pytest.raises(services.ValidationError) as error:
        submit(closed_case, applicant_party, comment="很" * 301)
    assert "意见最多300个字" in str(error.value)
    assert not Rating.objects.exists()


def test_dissatisfied_opens_a_ticket_for_the_windows_supervisor(
    closed_case, applicant_party, make_user
):

    make_user("supervisor", "other_supervisor")
    petition_supervisor = make_user("supervisor", "petition_supervisor", window="petition")
    rating = submit(closed_case, applicant_party, value="dissatisfied", comment="没有解决问题")
    ticket = rating.rework
    assert ticket.state == ReworkTicket.State.OPEN
    assert ticket.assignee == petition_supervisor
    assert ticket.window.code == "petition"
    inbox = Notification.objects.get(recipient_user=petition_supervisor)
    assert "不满意评价待回访" in inbox.subject
    timeline = closed_case.events.filter(note__contains="当事人评价").get()
    assert "不满意" in timeline.note
