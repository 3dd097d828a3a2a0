"""GET /api/v1/mediators/: filters, and the ranked suggestion for a case."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from centre.tests.factories import CategoryFactory
from intake import workflow
from intake.tests.factories import register
from mediation.tests.factories import mediator, organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_suggest_for_ranks_with_scores_and_reasons(api, clerk, supervisor, county, ref):
    org = organisation(county)
    expert = mediator(county, "邻里专家", orgs=[org], specialties=[ref["category"]])
    plain = mediator(county, "普通", orgs=[org])
    case = register(clerk, ref)
    workflow.fire(actor=clerk, number=case.number, name="triage", data={"window": "mediation"})
    api.force_authenticate(supervisor)
    rows = api.get("/api/v1/mediators/", {"suggest_for": case.number}).json()
    assert [r["id"] for r in rows] == [expert.pk, plain.pk]
    assert rows[0]["organisation"] == {"id": org.pk, "name": org.name}
    assert rows[0]["score"] > rows[1]["score"]
    assert "擅长相邻关系" in rows[0]["reasons"]


def test_filters_by_category_and_region(api, supervisor, county, ref):
    town_org = organisation(county, "镇调委会", regions=[ref["town"]])
    other = CategoryFactory(code="07", name="交通事故")
    neighbour = mediator(county, "邻里", orgs=[town_org], specialties=[ref["parent_category"]])
    traffic = mediator(
        county, "交通", orgs=[organisation(county, "交通调委会")], specialties=[other]
    )
    api.force_authenticate(supervisor)
    by_category = api.get("/api/v1/mediators/", {"category": ref["category"].code}).json()
    assert [r["id"] for r in by_category] == [neighbour.pk]
    by_region = api.get("/api/v1/mediators/", {"region": ref["town"].code}).json()
    assert [r["id"] for r in by_region] == [neighbour.pk]
    assert {r["id"] for r in api.get("/api/v1/mediators/").json()} == {neighbour.pk, traffic.pk}


def test_clerks_and_leaders_may_not_list_mediators(api, clerk, leader):
    for user in (clerk, leader):
        api.force_authenticate(user)
        assert api.get("/api/v1/mediators/").status_code == 403
