"""Partners' webhooks: which events each subscription gets, masked or in full, signed with
its own secret; retried until 24 hours after the event; replayed with the same event id."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from centre.models import AuditLog
from incidents import services as incident_services
from incidents.tests.factories import build_place, report
from intake import workflow
from intake.models import Case, CaseDocument
from intake.tests.factories import applicant, register, resident_id
from partners import signing, tasks
from partners.models import WebhookDelivery
from partners.services import delivery_replay

pytestmark = pytest.mark.django_db

ID_NUMBER = resident_id("19800101", serial=321)


def _from_hotline(clerk, ref, external_id="A-1", **kw) -> Case:
    return register(
        clerk,
        ref,
        channel="platform",
        source="12345-anji",
        external_id=external_id,
        parties=[applicant(name="张建华", id_number=ID_NUMBER, phone="13812345678")],
        **kw,
    )


def _sent(receiver) -> list[dict]:
    return [json.loads(r.body) for r in receiver.requests if r.answered == 200]


@pytest.mark.parametrize("algorithm", ["hmac-sha256", "hmac-sm3"])
def test_a_registration_reaches_the_partner_signed_and_masked(
    clerk, ref, hotline, receiver, subscribe, algorithm
):
    issued = subscribe(hotline, receiver.url, algorithm=algorithm)
    case = _from_hotline(clerk, ref)
    tasks.sweep_webhooks()
    [request] = receiver.requests
    headers = request.headers
    assert headers["X-Centre-Event"] == "case.registered"
    assert signing.verify(
        algorithm,
        issued.secret,
        headers["X-Centre-Timestamp"],
        request.body,
        headers["X-Centre-Signature"],
    )
    assert headers["X-Centre-Signature"].startswith("sha256=" if "sha" in algorithm else "sm3=")
    # Another secret does not verify: the signature is the subscription's own.
    assert not signing.verify(
        algorithm,
        "x" + issued.secret,
        headers["X-Centre-Timestamp"],
        request.body,
        headers["X-Centre-Signature"],
    )
    payload = json.loads(request.body)
    assert payload["id"] == headers["X-Centre-Event-Id"]
    assert payload["data"]["case"]["number"] == case.number
    assert payload["data"]["case"]["external_id"] == "A-1"
    [party] = payload["data"]["case"]["parties"]
    assert party["name"] == "张**"
    assert party["id_number"] == ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]
    assert party["phone"] == "138****5678"
    assert "13812345678" not in request.body.decode() and ID_NUMBER not in request.body.decode()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("delivered", 1, 200)
    # Delivered is done: the sweep does not send it again.
    tasks.sweep_webhooks()
    tasks.deliver(delivery.pk)
    assert len(receiver.requests) == 1


def test_the_grant_sends_personal_data_in_full_and_the_log_stays_masked(
    clerk, ref, hotline, receiver, subscribe
):
    subscribe(hotline, receiver.url, full_personal_data=True)
    _from_hotline(clerk, ref)
    tasks.sweep_webhooks()
    [payload] = _sent(receiver)
    [party] = payload["data"]["case"]["parties"]
    assert (party["name"], party["id_number"], party["phone"]) == (
        "张建华",
        ID_NUMBER,
        "13812345678",
    )
    logged = json.dumps(WebhookDelivery.objects.get().payload, ensure_ascii=False)
    assert "张建华" not in logged and ID_NUMBER not in logged and "13812345678" not in logged


def test_a_partner_gets_only_its_own_cases_unless_granted_its_county(
    clerk, ref, hotline, grid_platform, subscribe
):
    from partners.tests.receiver import serve

    servers = [serve() for _ in range(3)]
    try:
        (_, own), (_, other), (_, county_wide) = servers
        subscribe(hotline, own.url)
        subscribe(grid_platform, other.url)
        subscribe(grid_platform, county_wide.url, county_wide=True)
        case = _from_hotline(clerk, ref)
        register(clerk, ref)  # a walk-in case: no partner's own
        tasks.sweep_webhooks()
        assert [p["data"]["case"]["number"] for p in _sent(own)] == [case.number]
        assert other.requests == []
        assert len(_sent(county_wide)) == 2
    finally:
        for server, _ in servers:
            server.shutdown()
            server.server_close()


def test_transitions_closing_documents_and_incidents_are_events(
    county, clerk, ref, hotline, receiver, subscribe, make_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    subscribe(
        hotline,
        receiver.url,
        events=["case.transitioned", "case.closed", "document.ready", "incident.*"],
        county_wide=True,
    )
    case = _from_hotline(clerk, ref)
    workflow.fire(
        actor=clerk, number=case.number, name="withdraw", data={"reason": "当事人撤回申请"}
    )
    tasks.sweep_webhooks()  # renders nothing: documents are rendered by intake's own task
    from intake.tasks import render_pending_documents

    render_pending_documents()
    assert CaseDocument.objects.filter(case=case, status="ready").exists()
    place = build_place(county, make_user)
    incident = report(place)
    incident_services.incident_fire(
        actor=place.users["town_dispatcher"], number=incident.number, name="accept", data={}
    )
    tasks.sweep_webhooks()
    events = sorted(p["event"] for p in _sent(receiver))
    assert events == sorted(
        [
            "case.transitioned",
            "case.closed",
            "document.ready",
            "incident.reported",
            "incident.transitioned",
        ]
    )
    by_event = {p["event"]: p for p in _sent(receiver)}
    assert by_event["case.closed"]["data"]["transition"]["to_state"] == "closed"
    assert by_event["document.ready"]["data"]["document"]["kind"] == "receipt"
    reported = by_event["incident.reported"]["data"]["incident"]
    assert reported["number"] == incident.number and "people" not in reported
    # No case.registered: not subscribed.
    assert not WebhookDelivery.objects.filter(event="case.registered").exists()


def test_a_partner_that_keeps_failing_is_given_up_24_hours_after_the_event(
    clerk, ref, hotline, receiver, subscribe, time_machine
):
    time_machine.move_to(timezone.now())
    receiver.script = [500] * 100
    subscribe(hotline, receiver.url)
    _from_hotline(clerk, ref)
    tasks.sweep_webhooks()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status, delivery.error) == (
        "failed",
        500,
        "DeliveryFailed: HTTP 500",
    )
    sent = 1
    for minutes in (1, 2, 4, 8):  # the back-off doubles
        time_machine.shift(timedelta(minutes=minutes) - timedelta(seconds=1))
        tasks.sweep_webhooks()
        assert len(receiver.requests) == sent  # not yet
        time_machine.shift(timedelta(seconds=2))
        tasks.sweep_webhooks()
        sent += 1
        assert len(receiver.requests) == sent
    time_machine.shift(timedelta(hours=24))
    tasks.sweep_webhooks()
    delivery.refresh_from_db()
    assert delivery.status == "gave_up" and len(receiver.requests) == sent


def test_a_replay_sends_the_same_event_id_again_and_is_audited(
    clerk, ref, hotline, receiver, subscribe, make_user
):
    subscribe(hotline, receiver.url)
    _from_hotline(clerk, ref)
    tasks.sweep_webhooks()
    delivery = WebhookDelivery.objects.get()
    admin = make_user("sysadmin", "replayer")
    assert delivery_replay(actor=admin, deliveries=WebhookDelivery.objects.all()) == 1
    tasks.sweep_webhooks.apply()  # the replay's message is sent on commit; the sweep too
    tasks.deliver(delivery.pk)
    ids = [r.headers["X-Centre-Event-Id"] for r in receiver.requests]
    assert ids == [str(delivery.event_id)] * 2
    assert len(receiver.accepted) == 1
    assert AuditLog.objects.filter(detail__webhook_replay=[str(delivery.event_id)]).exists()


def test_events_before_the_subscription_are_not_sent(clerk, ref, hotline, receiver, subscribe):
    _from_hotline(clerk, ref)
    subscribe(hotline, receiver.url)
    tasks.sweep_webhooks()
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_a_registration_costs_no_query_more_with_subscriptions(
    clerk, ref, hotline, receiver, subscribe, django_assert_num_queries
):
    """The hot path: whether any subscription is active is read through the reference
    cache, and the outbox is asked after commit through Redis, not the database (the same
    10 statements as intake/tests/test_api.py's count without any subscription)."""
    from rest_framework.test import APIClient

    from intake.tests.test_api import _body

    subscribe(hotline, receiver.url)
    api = APIClient()
    api.force_authenticate(clerk)
    assert api.post("/api/v1/cases/", _body(ref), format="json").status_code == 201
    with django_assert_num_queries(10):
        assert api.post("/api/v1/cases/", _body(ref), format="json").status_code == 201


def test_the_service_refuses_a_bad_subscription_naming_the_field(hotline, subscribe):
    from django.core.exceptions import ValidationError

    from partners.models import WebhookSubscription

    with pytest.raises(ValidationError) as refused:
        subscribe(hotline, "https://hooks.example.org/", events=["case.deleted"])
    assert "case.deleted" in " ".join(refused.value.message_dict["events"])
    with pytest.raises(ValidationError) as refused:
        subscribe(hotline, "ftp://hooks.example.org/")
    assert "url" in refused.value.message_dict
    assert not WebhookSubscription.objects.exists()


def test_incidents_go_only_to_county_wide_subscriptions(
    county, hotline, grid_platform, subscribe, make_user
):
    from partners.tests.receiver import serve

    (own_server, own), (wide_server, wide) = serve(), serve()
    try:
        subscribe(hotline, own.url, events=["incident.*"])
        subscribe(grid_platform, wide.url, events=["incident.reported"], county_wide=True)
        incident = report(build_place(county, make_user))
        tasks.sweep_webhooks()
        assert own.requests == []
        [payload] = _sent(wide)
        assert (payload["event"], payload["data"]["incident"]["number"]) == (
            "incident.reported",
            incident.number,
        )
    finally:
        for server in (own_server, wide_server):
            server.shutdown()
            server.server_close()
