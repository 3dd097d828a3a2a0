"""A control character in a query string (NUL above all: PostgreSQL cannot hold it in a
text parameter) is a 400 naming the parameter, on the API and on the pages — not a 500."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/cases/?q=a%00b", "q"),
        ("/api/v1/cases/?state=%00", "state"),
        ("/api/v1/cases/?region=330523%00", "region"),
        ("/api/v1/stats/overview/?region=%E2%80%AE", "region"),  # a bidi override
        ("/api/v1/cases/?q=ok&q=%07", "q"),
    ],
)
def test_the_api_names_the_parameter(leader, url, field):
    api = APIClient()
    api.force_authenticate(leader)
    response = api.get(url)
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {field}
    assert f"参数{field}" in body["detail"] and "控制字符" in body["detail"]


def test_a_page_says_which_parameter(client, clerk):
    client.force_login(clerk)
    response = client.get("/intake/cases/?region=%00")
    assert response.status_code == 400
    page = response.content.decode()
    assert "参数region" in page and "U+0000" in page


def test_ordinary_parameters_pass(client, clerk):
    client.force_login(clerk)
    assert client.get("/intake/cases/?region=330523&q=%E5%BC%A0").status_code == 200
