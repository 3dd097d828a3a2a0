"""Dates near the end of the calendar in the statistics API and the dashboard (issue 25):
a 400 naming the field, a message on the page, never an overflow's 500."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
MESSAGE = "日期应在1900-01-01至2099-12-31之间"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"to": "9999-12-31"}, "to"),
        ({"from": "9999-12-30"}, "from"),
        ({"from": "0001-01-01"}, "from"),
    ],
)
def test_the_stats_api_names_a_day_out_of_range(leader, params, field):
    api = APIClient()
    api.force_authenticate(leader)
    response = api.get("/api/v1/stats/overview/", params)
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [MESSAGE]}


def test_the_dashboard_says_so_and_shows_the_default_period(client, leader):
    client.force_login(leader)
    response = client.get(reverse("risk:dashboard"), {"to": "9999-12-31"})
    assert response.status_code == 200
    page = response.content.decode()
    assert MESSAGE in page and "已按默认条件显示" in page


def test_the_ledger_refuses_a_day_out_of_range(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("risk:ledger_create"), {"to": "9999-12-31"}, follow=True)
    assert response.status_code == 200
    assert "不是有效日期" in response.content.decode()
