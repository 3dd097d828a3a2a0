"""The public rating page (verified like the progress page) and the supervisors' ticket
pages: who sees them, what they show, their queries."""

from __future__ import annotations

import pytest
from django.utils import timezone

from feedback.models import Rating, ReworkTicket

pytestmark = pytest.mark.django_db

RATE = "/progress/rate/"


def rate(client, case, digits="2345", value="dissatisfied", **extra):
    return client.post(
        RATE,
        {"number": case.number, "phone_last4": digits, "value": value, **extra},
    )


def test_the_progress_page_of_a_closed_case_links_to_the_rating(client, closed_case, open_case):
    page = client.get("/progress/", {"number": closed_case.number, "phone_last4": "2345"})
    assert f"{RATE}?number={closed_case.number}" in page.content.decode()


def test_an_open_case_has_no_rating_link(client, open_case):
    page = client.get("/progress/", {"number": open_case.number, "phone_last4": "2345"})
    assert "评价办理结果" not in page.content.decode()


def test_the_rating_page_is_filled_with_the_number(client, closed_case):
    page = client.get(RATE, {"number": closed_case.number, "via": "sms"})
    text = page.content.decode()
    assert page.status_code == 200 and closed_case.number in text
    for label in ("满意", "基本满意", "不满意"):
        assert label in text


def test_a_resident_rates_once_from_the_page(client, closed_case):
    done = rate(client, closed_case, comment="处理太慢", via="sms")
    assert done.status_code == 200 and "感谢您的评价" in done.content.decode()
    rating = Rating.objects.get()
    assert (rating.value, rating.comment, rating.channel) == ("dissatisfied", "处理太慢", "sms")
    again = rate(client, closed_case, value="satisfied")
    assert again.status_code == 400 and "只能评价一次" in again.content.decode()
    assert Rating.objects.count() == 1


def test_wrong_digits_are_told_as_on_the_progress_page(client, closed_case):
    for digits in ("0000", "8765"):  # no one's, and the respondent's
        page = rate(client, closed_case, digits=digits)
        assert "未找到该案件，或手机号后四位不符" in page.content.decode()
    assert not Rating.objects.exists()


def test_the_rating_page_is_throttled_with_the_progress_page(client, closed_case):
    for _ in range(5):
        rate(client, closed_case, digits="0000")
    page = rate(client, closed_case)
    assert "查询次数过多" in page.content.decode()
    assert not Rating.objects.exists()


def test_an_open_case_is_refused_naming_the_rule(client, open_case):
    page = rate(client, open_case)
    assert "案件尚未办结" in page.content.decode()


def test_a_missing_rating_value_names_the_field(client, closed_case):
    page = client.post(RATE, {"number": closed_case.number, "phone_last4": "2345"})
    assert page.status_code == 400 and "请选择满意、基本满意或不满意" in page.content.decode()


@pytest.fixture
def tickets(clerk, ref, supervisor):
    from feedback.tests.conftest import close
    from intake import workflow
    from intake.tests.factories import applicant, register

    made = []
    for n in range(3):
        case = register(clerk, ref, parties=[applicant(phone=f"1395721{n:04d}")])
        workflow.fire(
            actor=clerk, number=case.number, name="refer", data={"window": "petition", "note": "x"}
        )
        close(clerk, case)
        party = case.case_parties.get().party
        from feedback import services

        made.append(
            services.rating_submit(
                case=case, party=party, value="dissatisfied", channel=Rating.Channel.PROGRESS
            ).rework
        )
    return made


def test_who_sees_the_ticket_list(client, role_users, tickets):
    for code, user in role_users.items():
        client.force_login(user)
        status = client.get("/feedback/tickets/").status_code
        assert status == (200 if code == "supervisor" else 403), code
        detail = client.get(f"/feedback/tickets/{tickets[0].pk}/").status_code
        assert detail == (200 if code == "supervisor" else 403), code


def test_the_list_shows_each_ticket_in_a_fixed_number_of_queries(
    client, supervisor, tickets, django_assert_max_num_queries
):
    client.force_login(supervisor)
    with django_assert_max_num_queries(12):
        page = client.get("/feedback/tickets/")
    text = page.content.decode()
    for ticket in tickets:
        assert ticket.case.number in text
    assert "待回访" in text


def test_another_countys_supervisor_gets_404(client, tickets, make_user):
    from centre.tests.factories import CountyFactory, UserFactory

    other = UserFactory(
        username="far_supervisor",
        roles=["supervisor"],
        roles__county=CountyFactory(code="330522", name="长兴县"),
    )
    client.force_login(other)
    assert client.get(f"/feedback/tickets/{tickets[0].pk}/").status_code == 404
    assert tickets[0].case.number not in client.get("/feedback/tickets/").content.decode()


def test_the_supervisor_calls_back_then_reopens_from_the_page(client, supervisor, tickets):
    ticket = tickets[0]
    client.force_login(supervisor)
    url = f"/feedback/tickets/{ticket.pk}/"
    refused = client.post(
        f"{url}call_back/", {"on": timezone.localdate().isoformat(), "summary": ""}
    )
    assert refused.status_code == 400 and "请填写回访情况" in refused.content.decode()
    client.post(f"{url}call_back/", {"on": timezone.localdate().isoformat(), "summary": "已回访"})
    done = client.post(f"{url}reopen/", {"to_state": "triaged", "reason": "重新办理"}, follow=True)
    assert "案件已重新办理" in done.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == ReworkTicket.State.REOPENED
    assert ticket.case.state == "triaged"


def test_the_case_page_shows_the_ratings_and_leads_to_the_ticket(client, supervisor, tickets):
    ticket = tickets[0]
    client.force_login(supervisor)
    page = client.get(f"/intake/cases/{ticket.case.number}/").content.decode()
    assert 'id="panel-reopen"' in page and "不满意" in page
    assert f"/feedback/tickets/{ticket.pk}/" in page


def test_the_supervisor_records_a_rating_given_at_the_window(
    client, supervisor, clerk, closed_case, applicant_party
):
    client.force_login(clerk)
    url = f"/feedback/cases/{closed_case.number}/rate/"
    body = {"party": applicant_party.pk, "value": "basically_satisfied", "comment": "电话回访"}
    assert client.post(url, body).status_code == 403
    client.force_login(supervisor)
    page = client.get(f"/intake/cases/{closed_case.number}/").content.decode()
    assert 'id="staff-rate"' in page
    done = client.post(url, body, follow=True).content.decode()
    assert "已代录评价" in done
    rating = Rating.objects.get()
    assert (rating.channel, rating.recorded_by, rating.value) == (
        "staff",
        supervisor,
        "basically_satisfied",
    )
    # Rated: the form is gone, the rating shows.
    page = client.get(f"/intake/cases/{closed_case.number}/").content.decode()
    assert 'id="staff-rate"' not in page and "基本满意" in page and "工作人员代录" in page
