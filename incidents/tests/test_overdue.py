"""Overdue incidents: 催办 the day after the deadline, 督办 at 5 工作日 overdue, escalation to
the county past it — each once, however often the scan runs; and the one extension the
command room may approve (15 工作日 at most)."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from centre import clocks
from centre.models import Clock, Notification
from incidents import overdue, tasks
from incidents.tests.factories import fire, incident_in

pytestmark = pytest.mark.django_db

MONDAY = "2026-03-02 09:00:00+08:00"  # an important incident assigned now is due Thursday 5th


def _messages(incident, kind):
    return Notification.objects.filter(case_number=incident.number, subject__startswith=kind)


def _on(time_machine, day):
    time_machine.move_to(f"{day} 09:00:00+08:00")
    return date.fromisoformat(day)


def test_an_overdue_incident_is_urged_supervised_and_escalated_each_once(place, time_machine):
    time_machine.move_to(MONDAY)
    incident = incident_in(place, "assigned")
    assert incident.due_on == date(2026, 3, 5)
    users = place.users

    _on(time_machine, "2026-03-05")  # the deadline itself: nothing yet
    assert overdue.incidents_overdue_scan() == {"urged": 0, "supervised": 0, "escalated": 0}

    _on(time_machine, "2026-03-06")  # the day after: the department and the dispatcher
    assert overdue.incidents_overdue_scan()["urged"] == 2
    assert overdue.incidents_overdue_scan()["urged"] == 0
    urged = _messages(incident, "事件催办")
    assert {n.recipient_user for n in urged} == {
        users["department_handler"],
        users["town_dispatcher"],
    }
    assert "2026年3月5日到期未反馈" in urged.first().body
    # The general scan's next-day "超期督办" to the supervisors is not sent for incidents.
    clocks.clocks_scan()
    assert not _messages(incident, "超期督办").exists()

    _on(time_machine, "2026-03-11")  # 4 working days overdue
    assert overdue.incidents_overdue_scan()["supervised"] == 0

    _on(time_machine, "2026-03-12")  # 5 working days overdue: 督办
    assert overdue.incidents_overdue_scan()["supervised"] == 1
    assert overdue.incidents_overdue_scan()["supervised"] == 0
    supervised = _messages(incident, "事件督办").get()
    assert supervised.recipient_user == users["supervisor"]
    assert "超期5个工作日" in supervised.body
    incident.refresh_from_db()
    assert incident.state == "assigned"
    assert Clock.objects.get(subject="incident", subject_id=incident.pk).escalated_at

    _on(time_machine, "2026-03-13")  # more than 5: to the county centre
    assert tasks.scan_overdue() == {"urged": 0, "supervised": 0, "escalated": 1}
    assert tasks.scan_overdue()["escalated"] == 0
    incident.refresh_from_db()
    assert incident.state == "escalated" and incident.holder is None
    assert "超期6个工作日未反馈" in incident.escalation_reason
    event = incident.events.last()
    assert (event.transition, event.actor, event.data["automatic"]) == ("escalate", None, True)
    assert not Clock.objects.filter(subject_id=incident.pk, stopped_at__isnull=True).exists()
    # The county commands it now.
    incident = fire(place, "supervisor", incident, "assign", department=place.police.pk)
    assert incident.state == "assigned" and incident.department == place.police
    assert _messages(incident, "事件催办").count() == 2
    assert _messages(incident, "事件督办").count() == 1


def test_a_holiday_does_not_count_towards_the_five_working_days(place, time_machine):
    time_machine.move_to("2026-09-28 09:00:00+08:00")  # Monday; 国庆 1–7 October
    incident = incident_in(place, "assigned")
    assert incident.due_on == date(2026, 10, 8)  # 29, 30 September, 8 October
    # 9, 10 (调休上班), 12, 13, 14 October
    assert overdue.supervise_on(incident.due_on) == date(2026, 10, 14)
    _on(time_machine, "2026-10-13")
    assert overdue.incidents_overdue_scan() == {"urged": 2, "supervised": 0, "escalated": 0}
    _on(time_machine, "2026-10-14")
    assert overdue.incidents_overdue_scan() == {"urged": 0, "supervised": 1, "escalated": 0}


def test_an_incident_fed_back_in_time_is_neither_urged_nor_escalated(place, time_machine):
    time_machine.move_to(MONDAY)
    incident = incident_in(place, "assigned")
    _on(time_machine, "2026-03-13")
    fire(place, "department_handler", incident, "feedback", note="已督促企业支付全部工资")
    assert overdue.incidents_overdue_scan() == {"urged": 0, "supervised": 0, "escalated": 0}


def test_a_scan_that_read_the_incident_before_the_feedback_leaves_it_alone(place, time_machine):
    """The escalation checks the state again under the incident's lock."""
    time_machine.move_to(MONDAY)
    incident = incident_in(place, "assigned")
    today = _on(time_machine, "2026-03-13")
    fire(place, "department_handler", incident, "feedback", note="已处置")
    assert overdue._escalate(incident.pk, date(2026, 3, 5), today) == 0
    incident.refresh_from_db()
    assert incident.state == "handled"


def _extend(user, incident, data):
    api = APIClient()
    api.force_authenticate(user)
    url = f"/api/v1/incidents/{incident.number}/transitions/extend/"
    return api.post(url, data, format="json")


def test_one_extension_approved_by_the_command_room_at_most_15_working_days(place, time_machine):
    time_machine.move_to(MONDAY)
    incident = incident_in(place, "assigned")
    dispatcher = place.users["town_dispatcher"]

    too_long = _extend(dispatcher, incident, {"days": 16, "note": "需联合执法"})
    assert too_long.status_code == 400 and "15" in too_long.json()["errors"]["days"][0]
    no_reason = _extend(dispatcher, incident, {"days": 5})
    assert no_reason.status_code == 400 and set(no_reason.json()["errors"]) == {"note"}
    assert (
        _extend(place.users["department_handler"], incident, {"days": 5, "note": "x"}).status_code
        == 403
    )

    ok = _extend(dispatcher, incident, {"days": 5, "note": "需协调劳动监察大队联合处置"})
    assert ok.status_code == 200 and ok.json()["state"] == "assigned"
    incident.refresh_from_db()
    assert incident.due_on == date(2026, 3, 12)
    clock = Clock.objects.get(subject="incident", subject_id=incident.pk, stopped_at__isnull=True)
    assert clock.due_on == incident.due_on and clock.extended_days == incident.extension_days == 5
    assert clock.extension_approved_by == dispatcher
    assert clock.extension_reason == "需协调劳动监察大队联合处置"
    event = incident.events.last()
    assert (event.transition, event.data["days"], event.data["due_on"]) == (
        "extend",
        5,
        "2026-03-12",
    )

    again = _extend(dispatcher, incident, {"days": 1, "note": "再延"})
    assert again.status_code == 409 and "已延期过一次" in again.json()["detail"]
    incident.refresh_from_db()
    assert incident.due_on == date(2026, 3, 12)

    # The old deadline passed: nothing is urged until the new one has.
    _on(time_machine, "2026-03-06")
    assert overdue.incidents_overdue_scan()["urged"] == 0
    _on(time_machine, "2026-03-13")
    assert overdue.incidents_overdue_scan()["urged"] == 2


def test_the_messages_open_the_incident_page(client, place, time_machine):
    time_machine.move_to(MONDAY)
    incident = incident_in(place, "assigned")
    _on(time_machine, "2026-03-06")
    overdue.incidents_overdue_scan()
    client.force_login(place.users["department_handler"])
    page = client.get("/inbox/").content.decode()
    assert f'href="/incidents/{incident.number}/"' in page


def test_beat_runs_the_overdue_scan():
    tasks_run = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks.scan_overdue.name in tasks_run


def test_the_command_room_extends_on_the_incident_page(client, place, time_machine):
    time_machine.move_to(MONDAY)
    incident = incident_in(place, "assigned")
    client.force_login(place.users["town_dispatcher"])
    url = f"/incidents/{incident.number}/"
    assert 'data-transition="extend"' in client.get(url).content.decode()
    response = client.post(
        f"{url}steps/extend/", {"days": "3", "note": "企业负责人外出，需延期约谈"}, follow=True
    )
    page = response.content.decode()
    assert "反馈期限 2026年3月10日" in page
    assert 'data-transition="extend"' not in page  # once only
    client.force_login(place.users["department_handler"])
    assert 'data-transition="extend"' not in client.get(url).content.decode()
