"""Court-delegated mediation: a case from the platform, mediated on the 30-day clock from
the materials' receipt, or without limit when both parties agree."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from intake import workflow
from intake.models import Case
from intake.tests.factories import resident_id
from judicial.models import Delegation
from judicial.services import delegation_record_unlimited
from mediation.models import Mediation

pytestmark = pytest.mark.django_db


@pytest.fixture
def court_clerk(make_user, court):
    user = make_user("court_clerk", "courtclerk")
    court.clerks.add(user)
    return user


def _body(ref, **over):
    body = {
        "court_reference": "(2026)浙0523民诉前调1001号",
        "received_on": "2026-11-20",
        "nature": "dispute",
        "category": ref["category"].code,
        "region": ref["village"].code,
        "summary": "买卖合同货款纠纷，法院诉前委派调解",
        "parties": [
            {
                "role": "applicant",
                "kind": "person",
                "name": "王小明",
                "id_type": "resident_id",
                "id_number": resident_id(),
                "phone": "18657211234",
            },
            {"role": "respondent", "kind": "person", "name": "赵明"},
        ],
    }
    body.update(over)
    return body


def test_the_court_delegates_through_the_api(
    court_clerk, ref, chen, supervisor, court, time_machine
):
    time_machine.move_to("2026-11-27 10:00 +08:00")
    api = APIClient()
    api.force_authenticate(court_clerk)
    response = api.post("/api/v1/delegations/", _body(ref), format="json")
    assert response.status_code == 201, response.json()
    case = Case.objects.get(number=response.json()["number"])
    assert case.channel == "platform"
    assert Delegation.objects.get(case=case).court == court
    again = api.post("/api/v1/delegations/", _body(ref), format="json")
    assert again.status_code == 400 and "委派过" in again.json()["detail"]

    workflow.fire(actor=supervisor, number=case.number, name="triage", data={"window": "mediation"})
    workflow.fire(
        actor=supervisor,
        number=case.number,
        name="start_mediation",
        data={
            "organisation": chen.organisations.first().pk,
            "mediators": [chen.pk],
            "lead": chen.pk,
            "linkage": "court",
        },
    )
    mediation = Mediation.objects.get(case=case)
    # 30 days from the materials' receipt on 11-20 (法释〔2016〕14号 第27条).
    assert mediation.clock_rule == "mediation_court_delegated"
    assert mediation.clock_due.isoformat() == "2026-12-21"  # 12-20 is a Sunday


def test_both_parties_may_waive_the_limit(court_clerk, ref, chen, supervisor):
    api = APIClient()
    api.force_authenticate(court_clerk)
    number = api.post("/api/v1/delegations/", _body(ref), format="json").json()["number"]
    workflow.fire(actor=supervisor, number=number, name="triage", data={"window": "mediation"})
    workflow.fire(
        actor=supervisor,
        number=number,
        name="start_mediation",
        data={
            "organisation": chen.organisations.first().pk,
            "mediators": [chen.pk],
            "lead": chen.pk,
        },
    )
    delegation_record_unlimited(
        actor=chen.user, delegation=Delegation.objects.get(case__number=number)
    )
    mediation = Mediation.objects.get(case__number=number)
    assert mediation.clock_unlimited and mediation.days_left is None


def test_only_court_clerks_delegate(clerk, ref):
    api = APIClient()
    api.force_authenticate(clerk)
    assert api.post("/api/v1/delegations/", _body(ref), format="json").status_code == 403
