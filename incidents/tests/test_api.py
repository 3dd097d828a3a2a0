"""The API as a phone and the command room use it: multipart reports with photos sent
again after the network dropped, lists by who may see what, the departments to assign to."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from incidents.models import Incident, IncidentPhoto
from incidents.tests.factories import fire, incident_in, jpeg, report, report_data

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_phone_sends_a_report_with_photos_twice_and_makes_one_incident(place):
    api = _api(place.users["grid_worker"])
    body = {**report_data(place), "photos": [jpeg(), jpeg((500, 500), name="b.jpg")]}
    first = api.post("/api/v1/incidents/", body, format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.json()
    body = {**report_data(place), "photos": [jpeg(), jpeg((500, 500), name="b.jpg")]}
    again = api.post("/api/v1/incidents/", body, format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]
    assert Incident.objects.count() == 1 and IncidentPhoto.objects.count() == 2
    detail = api.get(f"/api/v1/incidents/{first.json()['number']}/").json()
    assert [p["width"] for p in detail["photos"]] == [1600, 500]
    photo = api.get(detail["photos"][0]["url"])
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert detail["timeline"][0]["transition"] == "report"
    assert detail["grade_colour"] == "blue" and detail["town_name"] == "递铺街道"


def test_json_reports_and_field_errors(place):
    api = _api(place.users["grid_worker"])
    ok = api.post("/api/v1/incidents/", report_data(place), format="json")
    assert ok.status_code == 201 and ok.json()["state"] == "reported"
    bad = api.post("/api/v1/incidents/", report_data(place, category=""), format="json")
    assert bad.status_code == 400 and "category" in bad.json()["errors"]
    pdf = api.post(
        "/api/v1/incidents/",
        {**report_data(place), "photos": [SimpleUploadedFile("a.pdf", b"%PDF-1.4 ...")]},
        format="multipart",
    )
    assert pdf.status_code == 400 and "photos" in pdf.json()["errors"]
    assert Incident.objects.count() == 1
    refused = _api(place.users["town_dispatcher"]).post(
        "/api/v1/incidents/", report_data(place), format="json"
    )
    assert refused.status_code == 403


def test_the_department_feeds_back_with_photos(place):
    incident = incident_in(place, "assigned")
    response = _api(place.users["department_handler"]).post(
        f"/api/v1/incidents/{incident.number}/transitions/feedback/",
        {"note": "工资已发放", "photos": [jpeg((2000, 4000))], "version": incident.version},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    photo = incident.photos.get()
    assert (photo.stage, photo.width, photo.height) == ("handling", 800, 1600)


def test_each_sees_their_own_incidents(place):
    mine = report(place)
    far = incident_in(place, "reported")
    far = Incident.objects.get(pk=far.pk)
    from incidents import services

    other_town = services.incident_report(
        actor=place.users["grid_worker_far"],
        data=report_data(place, grid=place.far_grid.code, urgency="urgent"),
    )
    assigned = incident_in(place, "assigned")

    def numbers(role, **params):
        response = _api(place.users[role]).get("/api/v1/incidents/", params)
        assert response.status_code == 200
        return {row["number"] for row in response.json()["results"]}

    ours = {mine.number, far.number, assigned.number}
    assert numbers("grid_worker") == ours
    assert numbers("grid_worker_far") == {other_town.number}
    assert numbers("town_dispatcher") == ours
    assert numbers("town_dispatcher_far") == {other_town.number}
    assert numbers("department_handler") == {assigned.number}
    assert numbers("police_handler") == set()
    assert numbers("supervisor") == ours | {other_town.number}
    assert numbers("leader") == ours | {other_town.number}
    assert numbers("clerk") == numbers("outsider") == set()
    assert numbers("supervisor", town="330523107") == {other_town.number}
    assert numbers("supervisor", urgency="urgent") == {other_town.number}
    assert numbers("supervisor", state="assigned") == {assigned.number}
    assert numbers("supervisor", category="labour") == ours | {other_town.number}
    assert numbers("supervisor", category="fire_safety") == set()
    hidden = _api(place.users["town_dispatcher_far"]).get(f"/api/v1/incidents/{mine.number}/")
    assert hidden.status_code == 404


def test_the_list_costs_the_same_few_queries_for_any_number_of_rows(
    place, django_assert_max_num_queries
):
    for _ in range(12):
        incident_in(place, "assigned")
    api = _api(place.users["supervisor"])
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/incidents/")
    assert response.json()["count"] == 12


def test_transitions_list_the_steps_and_their_fields(place):
    incident = incident_in(place, "accepted")
    steps = _api(place.users["town_dispatcher"]).get(
        f"/api/v1/incidents/{incident.number}/transitions/"
    )
    names = [s["name"] for s in steps.json()]
    assert names == ["assign", "escalate", "to_case"]
    assign = steps.json()[0]
    department = next(f for f in assign["fields"] if f["name"] == "department")
    assert {c["label"] for c in department["choices"]} == {"县人力资源和社会保障局", "县公安局"}
    assert (
        _api(place.users["leader"]).get(f"/api/v1/incidents/{incident.number}/transitions/").json()
        == []
    )


def test_departments_are_listed_for_assigning(place):
    response = _api(place.users["town_dispatcher"]).get("/api/v1/departments/")
    assert {"id": place.labour.pk, "name": "县人力资源和社会保障局"} in response.json()


def test_an_incident_shows_who_holds_it(place):
    incident = fire(place, "town_dispatcher", report(place), "accept")
    row = _api(place.users["supervisor"]).get(f"/api/v1/incidents/{incident.number}/").json()
    assert row["holder"] == place.users["town_dispatcher"].get_full_name()


def test_the_board_page_lists_the_town_s_incidents(client, place):
    incident = report(place)
    client.force_login(place.users["town_dispatcher"])
    page = client.get("/incidents/")
    assert page.status_code == 200 and incident.number in page.content.decode()
    rows = client.get("/incidents/", HTTP_HX_REQUEST="true")
    assert incident.number in rows.content.decode() and "<html" not in rows.content.decode()
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == "/incidents/"
    client.force_login(place.users["clerk"])
    assert client.get("/incidents/").status_code == 403
