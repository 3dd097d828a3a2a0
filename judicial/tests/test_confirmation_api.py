"""The court's acceptance and the president's extension through the API, with the same
rules as on the case page (issue 17: every judicial action is an API action too)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from intake import workflow
from judicial.models import Confirmation

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_judge(court, make_user):
    judge = make_user("judge", "judge2")
    court.judges.add(judge)
    return judge


@pytest.fixture
def applied(clerk, agreed, second_judge, time_machine):
    time_machine.move_to("2026-11-27 10:00 +08:00")
    workflow.fire(actor=clerk, number=agreed.number, name="apply_confirmation", data={})
    return agreed


def _post(user, case, action, data=None):
    api = APIClient()
    api.force_authenticate(user)
    url = f"/api/v1/cases/{case.number}/confirmation/{action}/"
    return api.post(url, data or {}, format="json")


def test_the_judge_accepts_and_the_president_extends(applied, judge, second_judge):
    accepted = _post(judge, applied, "accept")
    assert accepted.status_code == 200, accepted.json()
    body = accepted.json()
    assert body["ruling_number"].startswith("（2026）浙0523民特")
    assert body["decide_due"] == "2026-12-14" and body["extended_at"] is None
    assert _post(judge, applied, "accept").status_code == 409  # once

    refused = _post(second_judge, applied, "extend", {"reason": "需调查核实"})
    assert refused.status_code == 403 and "院长" in refused.json()["detail"]
    missing = _post(judge, applied, "extend", {})
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"reason"}
    extended = _post(judge, applied, "extend", {"reason": "需调查核实"})
    assert extended.status_code == 200 and extended.json()["decide_due"] == "2026-12-22"
    again = _post(judge, applied, "extend", {"reason": "再延"})
    assert again.status_code == 400 and "一次" in str(again.json())
    confirmation = Confirmation.objects.get(case=applied)
    assert confirmation.extension_approved_by == judge


def test_only_the_court_acts(applied, clerk, supervisor, court):
    for user in (clerk, supervisor):
        response = _post(user, applied, "accept")
        assert response.status_code in (403, 404)
    assert Confirmation.objects.get(case=applied).accepted_at is None
