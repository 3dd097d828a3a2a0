"""django-guardian rights: a mediator sees and acts only on cases assigned to them; an
organisation's head on that organisation's cases; removing an assignment removes the
right. Anyone else guessing a number gets 404 on every page and API route."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from intake.tests.factories import register
from mediation.models import Participant
from mediation.services import participant_remove
from mediation.tests.factories import agreement_data, mediator, organisation, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def mediated(clerk, supervisor, ref, org, chen):
    return start(register(clerk, ref), supervisor, org, [chen])


def _routes(number, pk=1):
    pages = [reverse("intake:case", args=[number]), reverse("intake:documents", args=[number])]
    posts = [
        reverse("mediation:session", args=[number]),
        reverse("mediation:agreement", args=[number]),
        reverse("mediation:start", args=[number]),
        reverse("mediation:performance", args=[number, pk]),
        reverse("mediation:correct", args=[number, pk]),
        reverse("intake:transition", args=[number, "fail_mediation"]),
    ]
    api_get = [
        f"/api/v1/cases/{number}/",
        f"/api/v1/cases/{number}/transitions/",
        f"/api/v1/cases/{number}/documents/",
        f"/api/v1/cases/{number}/sessions/",
    ]
    api_post = [
        f"/api/v1/cases/{number}/sessions/",
        f"/api/v1/cases/{number}/transitions/record_agreement/",
        f"/api/v1/cases/{number}/transitions/fail_mediation/",
    ]
    return pages, posts, api_get, api_post


def test_the_assigned_mediator_sees_the_case_in_full(client, mediated, chen):
    client.force_login(chen.user)
    page = client.get(reverse("intake:case", args=[mediated.number]))
    assert page.status_code == 200
    assert "显示完整信息" in page.content.decode()
    assert mediated.number in client.get(reverse("mediation:my_cases")).content.decode()


def test_another_mediator_gets_404_everywhere(client, mediated, li):
    pages, posts, api_get, api_post = _routes(mediated.number)
    client.force_login(li.user)
    for url in pages:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    api = APIClient()
    api.force_authenticate(li.user)
    for url in api_get:
        assert api.get(url).status_code == 404, url
    for url in api_post:
        assert (
            api.post(
                url,
                {"reason": "x", "place": "phone", "held_at": "2026-11-27T10:00:00+08:00"},
                format="json",
            ).status_code
            == 404
        ), url
    assert api.get("/api/v1/cases/").json()["count"] == 0
    assert api.get("/api/v1/mediators/", {"suggest_for": mediated.number}).status_code == 404
    assert mediated.number not in client.get(reverse("mediation:my_cases")).content.decode()


def test_removing_an_assignment_removes_the_right(client, clerk, supervisor, ref, org, chen, li):
    case = start(register(clerk, ref), supervisor, org, [chen, li], lead=chen)
    client.force_login(li.user)
    assert client.get(reverse("intake:case", args=[case.number])).status_code == 200
    participant_remove(
        actor=supervisor, participant=Participant.objects.get(mediator=li, mediation__case=case)
    )
    li.user.refresh_from_db()
    fresh = type(li.user).objects.get(pk=li.user.pk)  # permission caches are per object
    client.force_login(fresh)
    assert client.get(reverse("intake:case", args=[case.number])).status_code == 404


def test_the_lead_cannot_be_removed(supervisor, clerk, ref, org, chen):
    from django.core.exceptions import ValidationError

    case = start(register(clerk, ref), supervisor, org, [chen])
    with pytest.raises(ValidationError):
        participant_remove(
            actor=supervisor, participant=Participant.objects.get(mediation__case=case)
        )


def test_the_organisation_head_sees_its_cases(client, clerk, supervisor, ref, county, make_user):
    head = make_user("mediator", "head")
    org = organisation(county, "天荒坪镇人民调解委员会", head=head)
    worker = mediator(county, "调解员甲", orgs=[org])  # no account of their own
    case = start(register(clerk, ref), supervisor, org, [worker])
    client.force_login(head)
    assert client.get(reverse("intake:case", args=[case.number])).status_code == 200
    other = register(clerk, ref)
    assert client.get(reverse("intake:case", args=[other.number])).status_code == 404


def test_the_assigned_mediator_acts_through_the_api(mediated, chen):
    api = APIClient()
    api.force_authenticate(chen.user)
    response = api.post(
        f"/api/v1/cases/{mediated.number}/transitions/record_agreement/",
        agreement_data(mediated),
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "agreed"


def test_only_supervisors_start_mediation(clerk, ref, org, chen):
    from intake import workflow

    case = register(clerk, ref)
    workflow.fire(actor=clerk, number=case.number, name="triage", data={"window": "mediation"})
    with pytest.raises(workflow.Forbidden):
        workflow.fire(
            actor=clerk,
            number=case.number,
            name="start_mediation",
            data={"organisation": org.pk, "mediators": [chen.pk], "lead": chen.pk},
        )
