"""The pages: the grid worker's phone page, the board, one incident and its steps, the
county's towns side by side."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents.models import Incident
from incidents.tests.factories import fire, incident_in, jpeg, report, report_data

pytestmark = pytest.mark.django_db


def test_the_grid_worker_lands_on_the_report_page_with_their_grid_chosen(client, place):
    client.force_login(place.users["grid_worker"])
    home = client.get("/", follow=True)
    assert home.redirect_chain[-1][0] == "/incidents/report/"
    page = home.content.decode()
    assert f'<option value="{place.grid.code}" selected>' in page
    assert place.far_grid.code not in page  # another town's grid is not offered
    assert 'capture="environment"' in page and "incident_report.js" in page


def test_a_report_without_script_shows_errors_next_to_the_fields(client, place):
    client.force_login(place.users["grid_worker"])
    bad = client.post(
        "/incidents/report/",
        {
            **report_data(place, category=""),
            "photos": [SimpleUploadedFile("a.pdf", b"%PDF-1.4 ...")],
        },
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert 'data-errors-for="category"><div>' in page
    assert "只接受JPG、PNG" in page
    assert Incident.objects.count() == 0
    ok = client.post("/incidents/report/", {**report_data(place), "photos": [jpeg()]})
    assert ok.status_code == 302
    mine = client.get("/incidents/report/", HTTP_HX_REQUEST="true").content.decode()
    assert Incident.objects.get().number in mine and "<html" not in mine


def test_the_board_puts_overdue_first_and_counts_states(client, place):
    late = incident_in(place, "assigned", urgency="normal")
    Incident.objects.filter(pk=late.pk).update(due_on="2020-01-01")
    fresh = report(place, urgency="urgent")
    client.force_login(place.users["town_dispatcher"])
    page = client.get("/incidents/").content.decode()
    assert page.index(late.number) < page.index(fresh.number)
    assert "已超期" in page and 'data-state-count="assigned">已交办 1' in page
    only = client.get("/incidents/?state=reported").content.decode()
    assert fresh.number in only and late.number not in only


def test_the_dispatcher_takes_steps_on_the_page_and_sees_a_conflict(client, place):
    incident = report(place)
    client.force_login(place.users["town_dispatcher"])
    page = client.get(f"/incidents/{incident.number}/").content.decode()
    assert 'data-transition="accept"' in page and "上报" in page
    url = f"/incidents/{incident.number}/steps/"
    done = client.post(url + "accept/", {"version": incident.version}, follow=True)
    assert "已完成「签收」" in done.content.decode()
    stale = client.post(url + "assign/", {"version": incident.version, "department": 1})
    assert stale.status_code == 409 and "已被他人处理" in stale.content.decode()
    incident.refresh_from_db()
    bad = client.post(url + "assign/", {"version": incident.version})
    assert bad.status_code == 400 and 'data-errors-for="department"><div>' in bad.content.decode()
    client.post(url + "assign/", {"version": incident.version, "department": place.labour.pk})
    assert Incident.objects.get(pk=incident.pk).state == "assigned"


def test_the_department_feeds_back_with_a_photo(client, place):
    incident = incident_in(place, "assigned")
    client.force_login(place.users["department_handler"])
    board = client.get("/incidents/").content.decode()
    assert "本部门事件" in board and incident.number in board
    page = client.get(f"/incidents/{incident.number}/").content.decode()
    assert 'data-transition="feedback"' in page and 'name="photos"' in page
    client.post(
        f"/incidents/{incident.number}/steps/feedback/",
        {"version": incident.version, "note": "工资已发放", "photos": jpeg((400, 300))},
    )
    incident.refresh_from_db()
    assert incident.state == "handled" and incident.photos.get().stage == "handling"
    photo = client.get(f"/incidents/{incident.number}/photos/{incident.photos.get().pk}/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    client.force_login(place.users["police_handler"])
    assert client.get(f"/incidents/{incident.number}/").status_code == 404


def test_the_county_view_puts_the_towns_side_by_side(client, place):
    incident_in(place, "accepted")
    escalated = fire(place, "town_dispatcher", report(place), "escalate", note="群体性")
    assert escalated.state == "escalated"
    client.force_login(place.users["supervisor"])
    page = client.get("/incidents/county/").content.decode()
    assert 'data-town="330523001"' in page and "<td data-escalations>1</td>" in page
    client.force_login(place.users["town_dispatcher"])
    assert client.get("/incidents/county/").status_code == 403


def test_the_leaders_dashboard_counts_incidents_and_those_fed_back_on_time(client, place):
    from datetime import timedelta

    from django.utils import timezone

    on_time = incident_in(place, "handled")
    late = incident_in(place, "handled", category="fire_safety")
    running = incident_in(place, "assigned")
    yesterday = timezone.localdate() - timedelta(days=1)
    Incident.objects.filter(pk=late.pk).update(due_on=yesterday - timedelta(days=3))
    assert running.due_on >= timezone.localdate()  # not judged while its clock runs
    client.force_login(place.users["leader"])
    page = client.get("/risk/").content.decode()
    assert 'data-figure="reported">3<' in page
    assert 'data-figure="on_time">1 / 2<' in page and "50.0%" in page
    assert "消防安全" in page and "递铺街道" in page and on_time.state == "handled"


def test_the_board_costs_the_same_few_queries_for_any_number_of_rows(
    client, place, django_assert_max_num_queries
):
    for _ in range(8):
        incident_in(place, "assigned")
    client.force_login(place.users["town_dispatcher"])
    client.get("/incidents/")
    with django_assert_max_num_queries(12):
        page = client.get("/incidents/", HTTP_HX_REQUEST="true")
    assert page.content.decode().count("data-incident=") == 8
