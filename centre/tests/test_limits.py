"""Limits and errors of the API as a whole (issue 25): throttling per user and per token,
every error JSON (a locked account's 429, a body too large, a URL no route matches), the
deadline calculator's bounds, and the schema documenting each status."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from centre import tokens

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def rates(settings):
    """Low rates for this test only (the suite runs at the configured ones)."""

    def set_rates(**rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                **rates,
            },
        }

    return set_rates


def test_a_user_is_throttled_across_tokens_and_told_when_to_retry(api, clerk, rates):
    rates(user="3/minute", token="100/minute")
    first, second = (tokens.token_issue(user=clerk, name=n).key for n in ("pc", "phone"))
    statuses = []
    for key in (first, second, first, second):
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        statuses.append(api.get("/api/v1/windows/").status_code)
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/v1/windows/")
    assert response.status_code == 429 and response["Retry-After"]
    assert response.json()["detail"]


def test_a_token_is_throttled_on_its_own(api, clerk, rates):
    rates(user="100/minute", token="2/minute")
    first, second = (tokens.token_issue(user=clerk, name=n).key for n in ("pc", "phone"))
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert [api.get("/api/v1/windows/").status_code for _ in range(3)] == [200, 200, 429]
    api.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api.get("/api/v1/windows/").status_code == 200


def test_without_the_cache_the_api_is_not_throttled_and_does_not_fail(
    api, clerk, rates, monkeypatch
):
    from centre import throttles

    class Down:
        def incr(self, *args, **kwargs):
            raise ConnectionError("Redis is down")

        add = incr

    rates(user="1/minute", token="1/minute")
    monkeypatch.setattr(throttles, "_stand_aside_until", 0.0)
    for throttle in (throttles.UserThrottle, throttles.TokenThrottle):
        monkeypatch.setattr(throttle, "cache", Down())
    api.credentials(HTTP_AUTHORIZATION=f"Token {tokens.token_issue(user=clerk, name='pc').key}")
    assert [api.get("/api/v1/windows/").status_code for _ in range(3)] == [200, 200, 200]
    # It stands aside for a while: a hung Redis does not cost every request its timeout.
    assert throttles._stand_aside_until > 0


def test_the_locked_accounts_429_is_json(api, clerk):
    statuses = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = api.post(TOKEN_URL, {"username": "clerk", "password": "wrong"}, format="json")
        statuses.append(response.status_code)
        assert response["Content-Type"] == "application/json", response.content[:200]
    assert statuses[-1] == 429
    assert "锁定" in response.json()["detail"]


def test_a_body_too_large_is_a_json_400(api, clerk):
    api.force_authenticate(clerk)
    body = json.dumps({"summary": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = api.post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "请求体过大" in response.json()["detail"]


def test_a_url_no_route_matches_is_a_json_404(api, leader):
    api.force_authenticate(leader)
    response = api.post("/api/v1/risk/warnings/abc/acknowledge/", {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到"}


def test_pages_keep_their_html_404(client, clerk):
    client.force_login(clerk)
    response = client.get("/intake/no-such-page/")
    assert response.status_code == 404 and "text/html" in response["Content-Type"]


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01"])
def test_the_deadline_calculator_refuses_a_start_out_of_range(api, clerk, start):
    api.force_authenticate(clerk)
    response = api.get("/api/v1/deadlines/calculate/", {"rule": "review_accept", "start": start})
    assert response.status_code == 400
    assert response.json()["errors"]["start"] == ["日期应在1900-01-01至2099-12-31之间"]


def test_the_schema_documents_each_status_an_operation_returns(client, clerk):
    client.force_login(clerk)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    fire = schema["paths"]["/api/v1/cases/{number}/transitions/{name}/"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409", "429"} <= set(fire)
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert {"200", "400", "429"} <= set(token)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "429" in operation["responses"], (method, path)
