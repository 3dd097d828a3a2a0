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


def test_the_court_clerks_page_and_the_way_back_to_the_court(
    client, court_clerk, ref, chen, supervisor, county, clerk
):
    from judicial.models import Court, Handoff

    other = Court.objects.create(county=county, name="另一法院", code="浙0599", is_default=False)
    other.clerks.add(court_clerk)
    Court.objects.filter(pk=other.pk).update(is_default=False)
    client.force_login(court_clerk)
    assert client.get("/judicial/delegate/").status_code == 200
    response = client.post(
        "/judicial/delegate/",
        {
            "court_reference": "(2026)浙0523民诉前调2002号",
            "received_on": "2026-11-20",
            "channel": "platform",
            "nature": "dispute",
            "category": ref["category"].code,
            "town": ref["town"].code,
            "village": ref["village"].code,
            "summary": "借款纠纷委派调解",
            "involved_count": "1",
            "parties-TOTAL_FORMS": "1",
            "parties-INITIAL_FORMS": "0",
            "parties-0-role": "applicant",
            "parties-0-kind": "person",
            "parties-0-name": "孙丽",
            "parties-0-id_type": "",
            "parties-0-phone": "13912345678",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(summary="借款纠纷委派调解")
    delegation = Delegation.objects.get(case=case)
    workflow.fire(actor=supervisor, number=case.number, name="triage", data={"window": "mediation"})
    workflow.fire(
        actor=supervisor,
        number=case.number,
        name="start_mediation",
        data={
            "organisation": chen.organisations.first().pk,
            "mediators": [chen.pk],
            "lead": chen.pk,
        },
    )
    workflow.fire(
        actor=chen.user,
        number=case.number,
        name="fail_mediation",
        data={"reason": "未能达成一致", "party_refused": True},
    )
    workflow.fire(
        actor=clerk,
        number=case.number,
        name="hand_off",
        data={"cause": "neighbour", "claims": "判令被告拆除围墙。"},
    )
    assert Handoff.objects.get(case=case).court == delegation.court
