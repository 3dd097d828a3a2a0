"""Cases sent by partner platforms (12345, the grid platform, the court's platform): their
service account registers them in its county under its source code on the channel 平台转入;
the same (source, external_id) twice gives the first case back — also when the two requests
arrive at the same moment — and a partner follows its own cases, and only those."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from centre import tokens
from centre.models import ServiceAccount
from intake.models import Case
from intake.tests.test_api import _body

ADDRESS = "10.1.2.9"


def _partner(username: str, source: str, county: str = "330523") -> str:
    service = tokens.service_account_save(
        username=username,
        platform=f"{source}平台",
        networks="10.1.2.0/24",
        source=source,
        county=county,
    )
    return tokens.service_token_issue(service=service, name="", days=30).key


def _api(token: str) -> APIClient:
    api = APIClient(REMOTE_ADDR=ADDRESS)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


@pytest.fixture
def api_clerk(clerk) -> APIClient:
    api = APIClient()
    api.force_authenticate(clerk)
    return api


def _sent(ref, external_id: str = "12345-20261206-0001", **over):
    return _body(ref, channel="platform", external_id=external_id, **over)


@pytest.mark.django_db
def test_a_partner_registers_once_and_gets_the_first_case_back(county, ref):
    api = _api(_partner("platform-12345", "12345-anji"))
    first = api.post("/api/v1/cases/", _sent(ref), format="json")
    assert first.status_code == 201, first.json()
    case = Case.objects.get(number=first.json()["number"])
    assert (case.source, case.external_id, case.channel) == (
        "12345-anji",
        "12345-20261206-0001",
        "platform",
    )
    assert case.county == county

    again = api.post("/api/v1/cases/", _sent(ref, summary="重发"), format="json")
    assert again.status_code == 200
    assert again.json()["number"] == case.number
    assert Case.objects.count() == 1

    other = api.post("/api/v1/cases/", _sent(ref, "12345-20261206-0002"), format="json")
    assert other.status_code == 201 and other.json()["number"] != case.number


@pytest.mark.django_db
def test_the_partners_own_source_only_its_id_required_on_the_platform_channel(ref):
    api = _api(_partner("platform-12345", "12345-anji"))
    _partner("platform-grid", "grid-anji")
    cases = [
        ({"source": "grid-anji"}, "source", "应为本平台的来源代码12345-anji"),
        ({"external_id": ""}, "external_id", "必须提供来源平台编号"),
        ({"channel": "walk_in"}, "channel", "来源渠道应为“平台转入”（platform）"),
        ({"external_id": "a\u202eb"}, "external_id", "U+202E"),
    ]
    for over, field, text in cases:
        response = api.post("/api/v1/cases/", {**_sent(ref), **over}, format="json")
        assert response.status_code == 400, over
        assert text in " ".join(response.json()["errors"][field]), response.json()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_clerk_may_record_a_known_partners_case_with_both_fields(api_clerk, ref):
    _partner("platform-12345", "12345-anji")
    refused = api_clerk.post("/api/v1/cases/", _body(ref, source="12345-anji"), format="json")
    assert refused.status_code == 400
    assert "同时填写" in refused.json()["errors"]["external_id"][0]
    unknown = _body(ref, source="nobody", external_id="1")
    assert (
        "没有使用此来源代码"
        in api_clerk.post("/api/v1/cases/", unknown, format="json").json()["errors"]["source"][0]
    )
    ok = api_clerk.post(
        "/api/v1/cases/", _body(ref, source="12345-anji", external_id="9"), format="json"
    )
    assert ok.status_code == 201
    # The partner then sends the same case: it is the clerk's.
    service = ServiceAccount.objects.get(source="12345-anji")
    api = _api(tokens.service_token_issue(service=service, name="", days=30).key)
    again = api.post("/api/v1/cases/", _sent(ref, "9"), format="json")
    assert again.status_code == 200 and again.json()["number"] == ok.json()["number"]


@pytest.mark.django_db
def test_a_partner_follows_its_cases_and_sees_no_other(api_clerk, ref):
    hotline = _api(_partner("platform-12345", "12345-anji"))
    grid = _api(_partner("platform-grid", "grid-anji"))
    mine = hotline.post("/api/v1/cases/", _sent(ref, "A-1"), format="json").json()["number"]
    theirs = grid.post("/api/v1/cases/", _sent(ref, "A-1"), format="json").json()["number"]
    assert mine != theirs  # the same id from two sources: two cases
    api_clerk.post("/api/v1/cases/", _body(ref), format="json")

    found = hotline.get("/api/v1/cases/", {"source": "12345-anji", "external_id": "A-1"})
    assert [row["number"] for row in found.json()["results"]] == [mine]
    assert [row["number"] for row in hotline.get("/api/v1/cases/").json()["results"]] == [mine]
    assert hotline.get(f"/api/v1/cases/{theirs}/").status_code == 404
    assert hotline.get(f"/api/v1/cases/{mine}/").status_code == 200
    # Staff find a partner's case by its id too.
    by_id = api_clerk.get("/api/v1/cases/", {"source": "grid-anji", "external_id": "A-1"})
    assert [row["number"] for row in by_id.json()["results"]] == [theirs]


@pytest.mark.django_db
def test_an_account_without_source_and_county_only_reads(ref):
    service = tokens.service_account_save(
        username="court-system", platform="法院系统", networks="10.1.2.0/24"
    )
    api = _api(tokens.service_token_issue(service=service, name="", days=30).key)
    assert api.post("/api/v1/cases/", _sent(ref), format="json").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_same_case_sent_twice_at_the_same_moment_is_registered_once(county, ref):
    token = _partner("platform-12345", "12345-anji")
    body = _sent(ref)
    barrier = threading.Barrier(2)
    answers: list[tuple[int, str]] = []

    def send() -> None:
        try:
            api = _api(token)
            barrier.wait()
            response = api.post("/api/v1/cases/", body, format="json")
            answers.append((response.status_code, response.json()["number"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(code for code, _ in answers) == [200, 201]
    assert len({number for _, number in answers}) == 1
    assert Case.objects.filter(external_id=body["external_id"]).count() == 1


@pytest.mark.django_db
def test_the_command_sets_the_source_and_county_and_names_a_wrong_county(county):
    from io import StringIO

    from django.core.management import CommandError, call_command

    options = {"platform": "网格平台", "networks": "10.1.2.0/24", "source": "grid-anji"}
    with pytest.raises(CommandError, match="--county：没有编码为999999的县"):
        call_command("issue_service_token", "platform-grid", county="999999", **options)
    out = StringIO()
    call_command(
        "issue_service_token",
        "platform-grid",
        county="330523",
        stdout=out,
        stderr=StringIO(),
        **options,
    )
    service = ServiceAccount.objects.get(source="grid-anji")
    assert service.county == county
    assert service.user.has_perm("intake.register_case")
    assert _api(out.getvalue().strip()).get("/api/v1/cases/").status_code == 200
