"""Running clocks: pause, extension, and the scan's reminders and escalations — each sent
exactly once however often, and however many at once, the scan runs."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from centre import clocks
from centre.models import Clock, Notification

D = date.fromisoformat


def _clock(county, assignee, *, rule="mediation_people", start="2026-11-02", subject_id=1):
    return clocks.clock_start(
        rule_code=rule,
        county=county,
        case_number=f"330523-2026-{subject_id:06d}",
        subject="test",
        subject_id=subject_id,
        start=D(start),
        assignee=assignee,
    )


@pytest.mark.django_db
def test_pause_does_not_count_the_days_in_between(county, mediator):
    clock = _clock(county, mediator)  # 11-02 + 30 = 12-02 (Wed)
    assert clock.due_on == D("2026-12-02")
    clocks.clock_pause(clock=clock, reason="委托鉴定", on=D("2026-11-10"))
    clock.refresh_from_db()
    assert clock.days_left == (D("2026-12-02") - D("2026-11-10")).days  # frozen while paused
    clock = clocks.clock_resume(clock=clock, on=D("2026-11-17"))
    assert clock.paused_days == 7 and clock.due_on == D("2026-12-09")
    with pytest.raises(ValidationError):
        clocks.clock_resume(clock=clock)


@pytest.mark.django_db
def test_one_extension_within_the_rule(county, judge):
    clock = _clock(county, judge, rule="confirmation_decide", start="2026-11-27")
    assert clock.due_on == D("2026-12-14")
    clock = clocks.clock_extend(clock=clock, approver=judge, reason="需要调查核实")
    assert clock.due_on == D("2026-12-22") and clock.extension_approved_by == judge
    with pytest.raises(ValidationError, match="延长过一次"):
        clocks.clock_extend(clock=clock, approver=judge, reason="再延")
    no_extension = _clock(county, judge, rule="confirmation_accept", subject_id=2)
    with pytest.raises(ValidationError, match="不能延长"):
        clocks.clock_extend(clock=no_extension, approver=judge, reason="x")


@pytest.mark.django_db
def test_the_extension_respects_the_cap(county, judge):
    # Accepted 09-10: 25 days is 10-05, inside National Day, which would move the end to
    # 10-08 — 28 days, within the special procedure's cap of 30 (民事诉讼法 第187条).
    clock = _clock(county, judge, rule="confirmation_decide", start="2026-09-10")
    clock = clocks.clock_extend(clock=clock, approver=judge, reason="x")
    assert (clock.due_on - D("2026-09-10")).days <= 30


@pytest.mark.django_db
def test_reminders_go_to_the_assignee_once_at_each_offset(county, mediator):
    clock = _clock(county, mediator)  # due 12-02
    assert clocks.clocks_scan(today=D("2026-11-27")) == {"reminded": 0, "escalated": 0}
    assert clocks.clocks_scan(today=D("2026-11-29"))["reminded"] == 1  # 3 days before
    assert clocks.clocks_scan(today=D("2026-11-29"))["reminded"] == 0  # the same scan again
    assert clocks.clocks_scan(today=D("2026-11-30"))["reminded"] == 0  # 2 days: nothing new
    assert clocks.clocks_scan(today=D("2026-12-01"))["reminded"] == 1  # 1 day before
    reminders = Notification.objects.filter(recipient_user=mediator, case_number=clock.case_number)
    assert reminders.count() == 2
    assert "第33条" in reminders.first().body


@pytest.mark.django_db
def test_a_scan_that_was_down_sends_only_the_tightest_reminder(county, mediator):
    _clock(county, mediator)
    clocks.clocks_scan(today=D("2026-12-01"))
    assert Notification.objects.filter(recipient_user=mediator).count() == 1


@pytest.mark.django_db
def test_overdue_clocks_escalate_to_the_supervisors_once(county, mediator, make_user):
    supervisors = [make_user("supervisor", "sup1"), make_user("supervisor", "sup2")]
    clock = _clock(county, mediator)
    assert clocks.clocks_scan(today=D("2026-12-03"))["escalated"] == 2
    assert clocks.clocks_scan(today=D("2026-12-04"))["escalated"] == 0
    clock.refresh_from_db()
    assert clock.overdue_since == D("2026-12-03") and clock.escalated_at is not None
    for supervisor in supervisors:
        assert (
            Notification.objects.filter(
                recipient_user=supervisor, subject__startswith="超期督办"
            ).count()
            == 1
        )


@pytest.mark.django_db
def test_paused_stopped_and_unlimited_clocks_are_left_alone(county, mediator, supervisor):
    paused = _clock(county, mediator, subject_id=1)
    clocks.clock_pause(clock=paused, reason="公告", on=D("2026-11-20"))
    stopped = _clock(county, mediator, subject_id=2)
    clocks.clock_stop(subject="test", subject_id=stopped.subject_id)
    clocks.clock_start(
        rule_code="mediation_court_delegated",
        county=county,
        case_number="330523-2026-000003",
        subject="test",
        subject_id=3,
        start=D("2026-10-01"),
        assignee=mediator,
        unlimited=True,
    )
    assert clocks.clocks_scan(today=D("2026-12-10")) == {"reminded": 0, "escalated": 0}


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_the_same_moment_send_each_message_once(county, make_user):
    mediator = make_user("mediator")
    make_user("supervisor")
    for i in range(40):
        _clock(
            county, mediator, subject_id=i + 1, start="2026-11-02" if i % 2 else "2026-10-25"
        )  # half due soon, half overdue
    barrier = threading.Barrier(2)

    def scan(_):
        try:
            barrier.wait(timeout=10)
            return clocks.clocks_scan(today=D("2026-11-30"))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(scan, range(2)))
    assert sum(r["reminded"] for r in results) == 20
    assert sum(r["escalated"] for r in results) == 20
    assert Notification.objects.count() == 40
    assert Clock.objects.filter(escalated_at__isnull=False).count() == 20


@pytest.mark.django_db
def test_the_case_page_shows_the_clock_coloured(client, supervisor, county, mediator, time_machine):
    from intake.tests.factories import reference_data, register
    from mediation.tests.factories import mediator as make_mediator
    from mediation.tests.factories import organisation, start

    time_machine.move_to("2026-11-02 10:00 +08:00")
    ref = reference_data(county)
    lead = make_mediator(county, "陈建国", orgs=[organisation(county)], user=mediator)
    case = start(register(supervisor, ref), supervisor, lead.organisations.first(), [lead])
    time_machine.move_to("2026-12-04 10:00 +08:00")
    client.force_login(supervisor)
    page = client.get(f"/intake/cases/{case.number}/").content.decode()
    box = page[page.index('id="clocks"') :]
    assert "人民调解期限" in box and "超期2日" in box and "text-bg-danger" in box
    response = client.post(
        f"/intake/cases/{case.number}/clocks/"
        f"{Clock.objects.get(case_number=case.number).pk}/pause/",
        {"reason": "当事人住院"},
        follow=True,
    )
    assert "期限已更新" in response.content.decode()


@pytest.mark.django_db
def test_inbox_counts_unread_and_marks_read(client, county, mediator):
    _clock(county, mediator)
    clocks.clocks_scan(today=D("2026-12-01"))
    client.force_login(mediator)
    page = client.get("/mediation/").content.decode()
    assert 'id="unread-count">1<' in page
    inbox = client.get("/inbox/").content.decode()
    assert "期限提醒" in inbox
    client.post("/inbox/")
    assert 'id="unread-count"' not in client.get("/mediation/").content.decode()


@pytest.mark.django_db
def test_administrators_are_warned_of_a_missing_year(client, sysadmin, time_machine):
    time_machine.move_to("2026-11-02 09:00 +08:00")
    client.force_login(sysadmin)
    assert "尚未录入2027年" in client.get("/admin/").content.decode()
    clocks.clocks_scan(today=D("2026-11-02"))
    clocks.clocks_scan(today=D("2026-11-03"))
    assert (
        Notification.objects.filter(recipient_user=sysadmin, subject__contains="2027").count() == 1
    )
    time_machine.move_to("2026-10-20 09:00 +08:00")
    client.force_login(sysadmin)
    assert "尚未录入" not in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_scan_queries_do_not_grow_with_the_number_of_quiet_clocks(
    county, mediator, django_assert_max_num_queries
):
    for i in range(200):
        _clock(county, mediator, subject_id=i + 1, start="2026-11-25")  # due 12-25: quiet
    with django_assert_max_num_queries(6):
        result = clocks.clocks_scan(today=D("2026-11-27"))
    assert result == {"reminded": 0, "escalated": 0}


@pytest.mark.django_db
def test_an_extended_clock_earns_new_reminders_and_a_new_escalation(county, judge, supervisor):
    """The due date is part of each message's key: the reminders sent for the first due
    date do not silence those for the extended one (nor does the escalation)."""
    clock = _clock(county, judge, rule="confirmation_decide", start="2026-11-27")  # 12-14
    assert clocks.clocks_scan(today=D("2026-12-11"))["reminded"] == 1
    assert clocks.clocks_scan(today=D("2026-12-15"))["escalated"] >= 1
    clock = clocks.clock_extend(clock=clock, approver=judge, reason="需要调查核实")
    assert clock.due_on == D("2026-12-22")
    assert clocks.clocks_scan(today=D("2026-12-19"))["reminded"] == 1
    assert clocks.clocks_scan(today=D("2026-12-19"))["reminded"] == 0  # still once
    assert clocks.clocks_scan(today=D("2026-12-23"))["escalated"] >= 1
    keys = set(
        Notification.objects.filter(case_number=clock.case_number).values_list(
            "dedupe_key", flat=True
        )
    )
    assert any(k.endswith(":20261214") for k in keys) and any(k.endswith(":20261222") for k in keys)
