"""The review desk's queue (nearest statutory due date first) and the window's panel on
the case page."""

from __future__ import annotations

import re

import pytest

from intake.panels import render_panels
from review.tasks import accept_by_law
from review.tests.conftest import ACT, ORGAN, accept_data, apply_at_desk, at_review, fire

pytestmark = pytest.mark.django_db


def test_the_queue_lists_the_windows_cases_nearest_due_first(
    client, clerk, review_officer, ref, time_machine
):
    time_machine.move_to("2026-11-02 10:00 +08:00")
    # Accepted at once: the organ's answer is due first (10 日 from 11-02).
    accepted = at_review(clerk, ref, summary="请求撤销罚款决定")
    fire(review_officer, accepted, "review_accept", **accept_data(accepted))
    time_machine.move_to("2026-11-04 10:00 +08:00")
    # To be examined within 5 工作日: by 11-11.
    waiting = at_review(clerk, ref, summary="请求撤销责令停产决定")
    # Not at this window yet, and closed: not listed.
    registered = apply_at_desk(clerk, ref, summary="请求确认强制拆除违法")
    refused = at_review(clerk, ref, summary="请求撤销信访答复意见")
    fire(review_officer, refused, "review_refuse", reason="信访答复意见不属于行政复议范围")

    client.force_login(review_officer)
    response = client.get("/review/")
    assert response.status_code == 200
    html = response.content.decode()
    listed = re.findall(r'data-case="([^"]+)"', html)
    assert listed == [waiting.number, accepted.number]
    assert registered.number not in html and refused.number not in html
    assert "2026年11月11日" in html and "审理中" in html and "待受理" in html


def test_the_queue_reads_a_fixed_number_of_queries(
    client, clerk, review_officer, ref, django_assert_max_num_queries
):
    client.force_login(review_officer)
    at_review(clerk, ref)
    with django_assert_max_num_queries(30) as one:
        client.get("/review/")
    for _ in range(4):
        case = at_review(clerk, ref)
        fire(review_officer, case, "review_accept", **accept_data(case))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/review/")
    assert response.content.decode().count("data-case=") == 5


def test_the_queue_is_not_a_mediators_desk(client, mediator, outsider, supervisor):
    client.force_login(mediator)
    assert client.get("/review/").status_code == 403
    client.force_login(outsider)
    assert client.get("/review/").status_code == 403
    # The review body's head, who extends, sees the desk.
    client.force_login(supervisor)
    assert client.get("/review/").status_code == 200


def test_the_case_page_shows_the_review_panel(client, review_officer, application):
    client.force_login(review_officer)
    url = f"/intake/cases/{application.number}/"
    html = client.get(url).content.decode()
    assert 'id="review-panel"' in html and "5个工作日内审查" in html
    fire(review_officer, application, "review_accept", **accept_data(application))
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="review-panel"' in html and "审理中" in html
    assert ORGAN in html and ACT in html and "普通程序" in html
    assert "复议决定期限至" in html and "视为受理" not in html


def _accepted_by_law(clerk, ref, time_machine):
    time_machine.move_to("2026-09-30 10:00 +08:00")
    case = at_review(clerk, ref)
    time_machine.move_to("2026-10-14 09:00 +08:00")
    assert accept_by_law() == 1
    case.refresh_from_db()
    return case


def test_the_panel_shows_an_application_accepted_by_law(
    rf, clerk, review_officer, ref, time_machine
):
    case = _accepted_by_law(clerk, ref, time_machine)
    request = rf.get(f"/intake/cases/{case.number}/")
    request.user = review_officer
    html = "".join(render_panels(request, case))
    acceptance = re.search(r'id="review-acceptance">(.*?)</dd>', html, re.S).group(1)
    assert "视为受理（《行政复议法》第30条）" in acceptance
    assert "2026年10月13日" in acceptance


def test_the_case_page_of_an_application_accepted_by_law(
    client, clerk, review_officer, ref, time_machine
):
    case = _accepted_by_law(clerk, ref, time_machine)
    client.force_login(review_officer)
    html = client.get(f"/intake/cases/{case.number}/").content.decode()
    assert "视为受理（《行政复议法》第30条）" in html
    assert "依法" in html  # the timeline: the law took the step, no one did


def test_a_case_at_another_window_has_no_review_panel(client, clerk, ref):
    from intake.models import Case
    from intake.tests.factories import register

    case = register(clerk, ref, nature=Case.Nature.DISPUTE, summary="邻居加建围墙")
    client.force_login(clerk)
    response = client.get(f"/intake/cases/{case.number}/")
    assert response.status_code == 200 and 'id="review-panel"' not in response.content.decode()
