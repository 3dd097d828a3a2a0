"""The flow: every step × every role through the API (allowed 200, others 403/404, wrong
state 409), the timeline, the clocks, escalation of 较大 and above, conversion to a case."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from centre.models import Clock
from incidents import services
from incidents.models import Incident
from incidents.tests.factories import fire, incident_in, report

pytestmark = pytest.mark.django_db

ROLES = ["grid_worker", "town_dispatcher", "department_handler", "supervisor", "leader", "clerk"]
ROLES += ["outsider", "town_dispatcher_far", "police_handler"]

# step: (state it starts from, input, {role: status}); a role not named gets 404.
MATRIX = {
    "resolve_on_site": (
        "reported",
        {"note": "当场调解，双方握手言和"},
        {"grid_worker": 200, "town_dispatcher": 403, "supervisor": 403, "leader": 403},
    ),
    "accept": (
        "reported",
        {},
        {"grid_worker": 403, "town_dispatcher": 200, "supervisor": 200, "leader": 403},
    ),
    "assign": (
        "accepted",
        {"department": "labour"},
        {"grid_worker": 403, "town_dispatcher": 200, "supervisor": 200, "leader": 403},
    ),
    "reassign": (
        "assigned",
        {"department": "police", "note": "涉及治安，改派公安"},
        {
            "grid_worker": 403,
            "town_dispatcher": 200,
            "department_handler": 403,
            "supervisor": 200,
            "leader": 403,
        },
    ),
    "extend": (
        "assigned",
        {"days": 5, "note": "需协调劳动监察大队联合处置"},
        {
            "grid_worker": 403,
            "town_dispatcher": 200,
            "department_handler": 403,
            "supervisor": 200,
            "leader": 403,
        },
    ),
    "feedback": (
        "assigned",
        {"note": "已督促企业支付工资"},
        {
            "grid_worker": 403,
            "town_dispatcher": 403,
            "department_handler": 200,
            "supervisor": 403,
            "leader": 403,
        },
    ),
    "verify": (
        "handled",
        {"passed": True, "note": "工人确认已收到"},
        {
            "grid_worker": 403,
            "town_dispatcher": 200,
            "department_handler": 403,
            "supervisor": 200,
            "leader": 403,
        },
    ),
    "close": (
        "verified",
        {"rating": 5},
        {
            "grid_worker": 403,
            "town_dispatcher": 200,
            "department_handler": 403,
            "supervisor": 200,
            "leader": 403,
        },
    ),
    "escalate": (
        "accepted",
        {"note": "涉及人数多，需县里协调"},
        {"grid_worker": 403, "town_dispatcher": 200, "supervisor": 200, "leader": 403},
    ),
    "to_case": (
        "accepted",
        {"case_category": "0601", "applicant_name": "陈大军", "applicant_phone": "13857201234"},
        {"grid_worker": 403, "town_dispatcher": 200, "supervisor": 200, "leader": 403},
    ),
}
TARGET = {
    "resolve_on_site": "handled",
    "accept": "accepted",
    "assign": "assigned",
    "reassign": "assigned",
    "extend": "assigned",
    "feedback": "handled",
    "verify": "verified",
    "close": "closed",
    "escalate": "escalated",
    "to_case": "converted",
}


@pytest.fixture
def case_category(db):
    from centre.tests.factories import CategoryFactory

    parent = CategoryFactory(code="06", name="欠薪")
    return CategoryFactory(code="0601", name="农民工工资", parent=parent)


def _post(user, incident, name, data):
    api = APIClient()
    api.force_authenticate(user)
    return api.post(f"/api/v1/incidents/{incident.number}/transitions/{name}/", data, format="json")


def _data(place, data):
    departments = {"labour": place.labour.pk, "police": place.police.pk}
    return {k: departments.get(v, v) if k == "department" else v for k, v in data.items()}


@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_every_step_by_every_role(place, case_category, name, role):
    source, data, allowed = MATRIX[name]
    incident = incident_in(place, source)
    response = _post(place.users[role], incident, name, _data(place, data))
    expected = allowed.get(role, 404)
    assert response.status_code == expected, response.json()
    incident.refresh_from_db()
    if expected == 200:
        assert response.json()["state"] == incident.state == TARGET[name]
        event = incident.events.last()
        assert (event.transition, event.actor, event.from_state) == (
            name,
            place.users[role],
            source,
        )
        assert event.to_state == TARGET[name]
    else:
        assert "detail" in response.json()
        assert incident.state == source and incident.events.last().transition != name


@pytest.mark.parametrize("name", list(MATRIX))
def test_a_step_from_the_wrong_state_is_a_conflict(place, case_category, name):
    source, data, allowed = MATRIX[name]
    role = next(r for r, status in allowed.items() if status == 200)
    wrong = "verified" if source != "verified" else "reported"
    incident = incident_in(place, wrong)
    response = _post(place.users[role], incident, name, _data(place, data))
    assert response.status_code in (404, 409)  # a department does not see a verified one
    if response.status_code == 409:
        assert "不能执行" in response.json()["detail"]


def test_a_stale_version_is_a_conflict_and_bad_fields_are_named(place):
    incident = incident_in(place, "accepted")
    api = APIClient()
    api.force_authenticate(place.users["town_dispatcher"])
    url = f"/api/v1/incidents/{incident.number}/transitions/assign/"
    stale = api.post(url, {"department": place.labour.pk, "version": 1}, format="json")
    assert stale.status_code == 409 and "已被他人处理" in stale.json()["detail"]
    bad = api.post(url, {"department": 999999}, format="json")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"department"}
    unknown = api.post(f"/api/v1/incidents/{incident.number}/transitions/fly/", {}, format="json")
    assert unknown.status_code == 409
    incident.refresh_from_db()
    assert incident.state == "accepted" and incident.department is None


def test_the_whole_way_with_its_timeline_holders_and_clock(place):
    incident = report(place, urgency="important")
    dispatcher, handler = place.users["town_dispatcher"], place.users["department_handler"]
    incident = fire(place, "town_dispatcher", incident, "accept")
    assert incident.holder == dispatcher
    incident = fire(place, "town_dispatcher", incident, "assign", department=place.labour.pk)
    assert incident.holder == handler
    clock = Clock.objects.get(subject="incident", subject_id=incident.pk)
    assert clock.rule.code == "incident_important" and clock.assignee == handler
    assert clock.case_number == incident.number and clock.stopped_at is None
    assert incident.due_on == clock.due_on > clock.started_on
    incident = fire(place, "department_handler", incident, "feedback", note="已支付")
    clock.refresh_from_db()
    assert clock.stopped_at is not None and incident.holder == dispatcher
    incident = fire(place, "town_dispatcher", incident, "verify", passed=True)
    incident = fire(place, "town_dispatcher", incident, "close", rating=4)
    assert (incident.state, incident.rating, incident.holder) == ("closed", 4, None)
    assert [e.transition for e in incident.events.all()] == [
        "report",
        "accept",
        "assign",
        "feedback",
        "verify",
        "close",
    ]
    assert incident.version == 6


def test_a_failed_verification_goes_back_to_the_department_with_a_fresh_clock(place):
    incident = incident_in(place, "handled")
    with pytest.raises(services.Invalid) as caught:
        fire(place, "town_dispatcher", incident, "verify", passed=False)
    assert set(caught.value.errors) == {"note"}
    incident = fire(place, "town_dispatcher", incident, "verify", passed="false", note="仍欠一个月")
    assert incident.state == "assigned" and incident.department == place.labour
    assert incident.holder == place.users["department_handler"]
    assert incident.verify_failures == 1
    clock = Clock.objects.get(subject="incident", subject_id=incident.pk)
    assert clock.stopped_at is None
    assert incident.events.last().note == "仍欠一个月"


def test_reassigning_keeps_the_history_and_the_clock(place):
    incident = incident_in(place, "assigned")
    due = incident.due_on
    incident = fire(
        place, "town_dispatcher", incident, "reassign", department=place.police.pk, note="改派"
    )
    assert incident.department == place.police and incident.due_on == due
    assert incident.holder == place.users["police_handler"]
    clock = Clock.objects.get(subject="incident", subject_id=incident.pk)
    assert clock.assignee == place.users["police_handler"] and clock.stopped_at is None
    event = incident.events.last()
    assert event.data["from_department"]["id"] == place.labour.pk
    assert event.data["department"]["id"] == place.police.pk
    # The first department no longer sees it; the second does.
    response = _post(place.users["department_handler"], incident, "feedback", {"note": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("urgency", "rule", "unit"),
    [
        ("urgent", "incident_urgent", "natural"),
        ("important", "incident_important", "working"),
        ("normal", "incident_normal", "working"),
    ],
)
def test_the_clock_follows_the_urgency(place, urgency, rule, unit, time_machine):
    time_machine.move_to("2026-03-02 09:00:00+08:00")  # a Monday
    incident = incident_in(place, "assigned", urgency=urgency)
    clock = Clock.objects.get(subject="incident", subject_id=incident.pk)
    assert clock.rule.code == rule and clock.rule.unit == unit
    assert clock.rule.extension_length == 15 and clock.rule.extension_unit == "working"
    expected = {"urgent": date(2026, 3, 3), "important": date(2026, 3, 5)}
    expected["normal"] = date(2026, 3, 9)
    assert clock.due_on == expected[urgency]


def test_the_clock_scan_reminds_before_the_deadline_and_leaves_overdue_to_incidents(
    place, time_machine
):
    from centre import clocks
    from centre.models import Notification

    time_machine.move_to("2026-03-02 09:00:00+08:00")
    incident = incident_in(place, "assigned", urgency="urgent")
    time_machine.move_to("2026-03-03 09:00:00+08:00")
    clocks.clocks_scan()
    clocks.clocks_scan()
    reminders = Notification.objects.filter(
        case_number=incident.number, subject__startswith="期限提醒"
    )
    assert reminders.count() == 1
    assert reminders.get().recipient_user == place.users["department_handler"]
    # Overdue: 催办 and 督办 are incidents.overdue's (test_overdue.py), not the general
    # "超期督办" of the clocks scan the day after.
    time_machine.move_to("2026-03-05 09:00:00+08:00")
    clocks.clocks_scan()
    assert not Notification.objects.filter(
        case_number=incident.number, subject__startswith="超期督办"
    ).exists()


@pytest.mark.parametrize("grade", ["especially_major", "major", "large"])
def test_large_and_above_go_to_the_county_when_the_town_accepts(place, grade):
    incident = report(place, grade=grade)
    incident = fire(place, "town_dispatcher", incident, "accept")
    assert incident.state == "escalated" and incident.escalated_at
    assert "依规上报县中心" in incident.escalation_reason
    assert [e.transition for e in incident.events.all()] == ["report", "accept", "escalate"]
    assert incident.events.last().data == {"automatic": True}
    # The county commands it now: the town watches, the supervisor assigns.
    town = _post(
        place.users["town_dispatcher"], incident, "assign", {"department": place.labour.pk}
    )
    assert town.status_code == 403
    county = _post(place.users["supervisor"], incident, "assign", {"department": place.labour.pk})
    assert county.status_code == 200 and county.json()["state"] == "assigned"


def test_a_general_incident_stays_with_the_town(place):
    incident = fire(place, "town_dispatcher", report(place, grade="general"), "accept")
    assert incident.state == "accepted"


def test_to_case_registers_a_linked_case_at_intake(place, case_category):
    incident = incident_in(place, "accepted")
    response = _post(
        place.users["town_dispatcher"],
        incident,
        "to_case",
        {
            "case_category": "0601",
            "applicant_name": "陈大军",
            "applicant_phone": "13857201234",
            "respondent_name": "某建筑公司项目部",
            "note": "欠薪纠纷，转中心受理",
        },
    )
    assert response.status_code == 200, response.json()
    incident = Incident.objects.select_related("case").get(pk=incident.pk)
    case = incident.case
    assert incident.state == "converted" and case is not None
    assert case.incident == incident  # both ways
    assert case.channel == "grid" and case.nature == "labour"  # the category's nature
    assert case.region == place.grid and case.category == case_category
    assert case.involved_count == 12 and incident.number in case.description
    assert incident.events.last().data["case"] == case.number
    assert {cp.party.name for cp in case.case_parties.all()} == {"陈大军", "某建筑公司项目部"}


def test_to_case_with_a_bad_phone_names_the_field_and_registers_nothing(place, case_category):
    from intake.models import Case

    incident = incident_in(place, "accepted")
    response = _post(
        place.users["town_dispatcher"],
        incident,
        "to_case",
        {"case_category": "0601", "applicant_name": "陈大军", "applicant_phone": "123"},
    )
    assert response.status_code == 400
    assert "applicant_phone" in response.json()["errors"]
    assert not Case.objects.exists()
    incident.refresh_from_db()
    assert incident.state == "accepted" and incident.case is None
