"""The warnings page, its acknowledge/handle forms, the dashboard card and the API: who may
see and do what, the filters, and a fixed number of queries per page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from centre.tests.factories import CountyFactory, RegionFactory, UserFactory
from intake.models import Party
from risk.models.warning import RiskWarning
from risk.tests.test_warnings import at, make_cases

# Fixtures shared with the rules' tests (re-exported under their own names: pytest finds them).
from risk.tests.test_warnings import ref as ref
from risk.tests.test_warnings import registrar as registrar
from risk.warnings.selectors import latest_open_warnings
from risk.warnings.services import scan_risks

URL = "/risk/warnings/"
API = "/api/v1/risk/warnings/"


def clusters(ref, registrar, n: int, county=None, village=None) -> list[RiskWarning]:
    """``n`` respondent-cluster warnings (5 open cases each) in ``county``."""
    county = county or ref["county"]
    for i in range(n):
        company = Party.objects.create(county=county, kind="organisation", name=f"公司{i}")
        make_cases(
            ref,
            registrar,
            5,
            at(timezone.localdate() - timedelta(days=1)),
            respondent=company,
            county=county,
            region=village,
        )
    scan_risks(county=county)
    return list(RiskWarning.objects.filter(county=county))


@pytest.fixture
def warning(ref, registrar):
    (w,) = clusters(ref, registrar, 1)
    return w


def login(client, user):
    client.force_login(user)
    return client


# --- The page ------------------------------------------------------------------------------


def test_leader_sees_warnings_with_evidence_links(client, warning, leader):
    page = login(client, leader).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert warning.title in html
    for number in warning.case_numbers:
        assert f'href="/intake/cases/{number}/"' in html
    assert "签收" in html and "处置" in html


@pytest.mark.parametrize("role", ["clerk", "mediator", "grid_worker", None])
def test_others_are_refused(client, warning, role_users, role):
    assert login(client, role_users[role]).get(URL).status_code == 403
    post = client.post(f"{URL}{warning.pk}/acknowledge/", {"note": ""})
    assert post.status_code == 403
    warning.refresh_from_db()
    assert warning.status == "new"


def test_anonymous_goes_to_login(client, warning):
    assert client.get(URL).status_code == 302


def test_leader_acknowledges_then_handles(client, warning, leader):
    login(client, leader)
    reply = client.post(f"{URL}{warning.pk}/acknowledge/", {"note": "已交办", "next": URL})
    assert reply.status_code == 302 and reply["Location"] == URL
    warning.refresh_from_db()
    assert warning.status == "acknowledged" and warning.acknowledge_note == "已交办"
    client.post(f"{URL}{warning.pk}/handle/", {"note": ""})
    warning.refresh_from_db()
    assert warning.status == "acknowledged"  # refused without a note
    page = client.get(URL)
    client.post(f"{URL}{warning.pk}/handle/", {"note": "已约谈企业负责人"})
    warning.refresh_from_db()
    assert warning.status == "handled" and warning.handled_by == leader
    assert "请填写处置情况" in page.content.decode()
    anchor = f'id="warning-{warning.pk}"'
    assert anchor not in client.get(URL).content.decode()  # open ones by default
    assert anchor in client.get(URL + "?status=handled").content.decode()


def test_next_must_stay_on_the_site(client, warning, supervisor):
    reply = login(client, supervisor).post(
        f"{URL}{warning.pk}/acknowledge/", {"next": "https://evil.example/"}
    )
    assert reply["Location"] == URL


def test_another_countys_supervisor_gets_404(client, warning):
    other = CountyFactory(code="330522", name="长兴县")
    user = UserFactory(username="sup2", roles=["supervisor"], roles__county=other)
    assert login(client, user).post(f"{URL}{warning.pk}/acknowledge/").status_code == 404
    assert warning.title not in client.get(URL).content.decode()


def test_filters(client, ref, registrar, leader):
    clusters(ref, registrar, 2)
    first = RiskWarning.objects.first()
    first.level = "high"
    first.save()
    login(client, leader)
    html = client.get(URL + "?level=high").content.decode()
    assert first.title in html and html.count('data-kind="respondent_cluster"') == 1
    assert 'data-kind="' not in client.get(URL + "?kind=surge").content.decode()


def test_page_queries_do_not_grow_with_warnings(
    client, ref, registrar, leader, django_assert_max_num_queries
):
    clusters(ref, registrar, 12)
    login(client, leader)
    client.get(URL)  # the session's first save, caches warm
    # Session (and its save, in a savepoint), user, its permissions (2), staff profile (2),
    # count, the page: the same for 1 warning or 30.
    with django_assert_max_num_queries(12):
        page = client.get(URL)
    assert page.content.decode().count('data-kind="respondent_cluster"') == 12


def test_city_leader_sees_two_counties(client, ref, registrar):
    other = CountyFactory(code="330522", name="长兴县")
    town = RegionFactory(code="330522100", name="雉城街道", county=other)
    clusters(ref, registrar, 1)
    clusters(ref, registrar, 1, county=other, village=town)
    elsewhere = CountyFactory(code="330102", name="上城区")  # another city
    hz = RegionFactory(code="330102001", name="湖滨街道", county=elsewhere)
    clusters(ref, registrar, 1, county=elsewhere, village=hz)
    city = UserFactory(username="city", roles=["leader"], roles__county=ref["county"])
    city.staff.scope = "city"
    city.staff.save()
    body = login(client, city).get(API).json()
    assert {w["county"] for w in body["results"]} == {"330523", "330522"}
    assert "长兴县" in client.get(URL).content.decode()
    # Reading is not handling: the other county's warning is theirs to deal with.
    theirs = RiskWarning.objects.get(county=other)
    assert client.post(f"{URL}{theirs.pk}/acknowledge/").status_code == 403


# --- The dashboard card --------------------------------------------------------------------


def test_card_lists_the_most_severe_open_warnings_first(ref, registrar, leader):
    warnings = clusters(ref, registrar, 3)
    warnings[2].level = "high"
    warnings[2].save()
    warnings[0].status = "handled"
    warnings[0].save()
    latest = latest_open_warnings(leader, limit=8)
    assert [w.pk for w in latest] == [warnings[2].pk, warnings[1].pk]
    html = render_to_string("risk/_warnings_card.html", {"warnings": latest})
    assert warnings[2].title in html and warnings[0].title not in html
    assert "暂无风险预警" in render_to_string("risk/_warnings_card.html", {"warnings": []})


def test_card_is_empty_for_others(warning, clerk):
    assert latest_open_warnings(clerk) == []


# --- The API -------------------------------------------------------------------------------


def test_api_lists_warnings_with_their_case_numbers(client, warning, supervisor):
    body = login(client, supervisor).get(API).json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert row["id"] == warning.pk and row["kind"] == "respondent_cluster"
    assert row["level"] == "medium" and row["status"] == "new"
    assert sorted(row["cases"]) == sorted(warning.case_numbers) and row["case_count"] == 5
    assert row["acknowledged_by"] is None and row["handle_note"] == ""


def test_api_filters_and_rejects_unknown_values(client, ref, registrar, leader):
    warnings = clusters(ref, registrar, 3)
    warnings[0].level = "high"
    warnings[0].save()
    warnings[1].status = "handled"
    warnings[1].save()
    login(client, leader)
    assert [w["id"] for w in client.get(API + "?level=high").json()["results"]] == [warnings[0].pk]
    assert client.get(API + "?status=handled").json()["count"] == 1
    assert client.get(API + "?status=open").json()["count"] == 2
    assert client.get(API + "?kind=surge").json()["count"] == 0
    bad = client.get(API + "?status=done")
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


@pytest.mark.parametrize("role", ["clerk", "mediator", "judge", "sysadmin", None])
def test_api_refuses_other_roles(client, warning, role_users, role):
    login(client, role_users[role])
    assert client.get(API).status_code == 403
    assert client.post(f"{API}{warning.pk}/acknowledge/", {}).status_code == 403


def test_api_query_count_is_fixed(client, ref, registrar, leader, django_assert_max_num_queries):
    clusters(ref, registrar, 10)
    RiskWarning.objects.update(status="acknowledged", acknowledged_by=leader)
    login(client, leader)
    client.get(API)  # the session's first save
    # Session (and its save, in a savepoint), user, its permissions (2), staff profile,
    # count, the page: the same for 1 warning or 50.
    with django_assert_max_num_queries(10):
        body = client.get(API).json()
    assert body["count"] == 10 and all(len(w["cases"]) == 5 for w in body["results"])


def test_api_acknowledge_and_handle(client, warning, leader):
    login(client, leader)
    ack = client.post(
        f"{API}{warning.pk}/acknowledge/", {"note": "收到"}, content_type="application/json"
    )
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    assert ack.json()["acknowledged_by"] == (leader.get_full_name() or leader.username)
    no_note = client.post(f"{API}{warning.pk}/handle/", {}, content_type="application/json")
    assert no_note.status_code == 400 and "note" in no_note.json()["errors"]
    done = client.post(
        f"{API}{warning.pk}/handle/", {"note": "已化解"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["handle_note"] == "已化解"
    again = client.post(f"{API}{warning.pk}/acknowledge/", {}, content_type="application/json")
    assert again.status_code == 409 and "已处置" in again.json()["detail"]


def test_api_unknown_warning_is_404(client, leader, db):
    assert login(client, leader).post(f"{API}999999/acknowledge/").status_code == 404
