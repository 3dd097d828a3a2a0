"""The system administrator's pages: a subscription's secret is shown once, at creation;
the delivery log is read-only, filtered by status and event, and replayed by an action;
every change is audited; other roles are refused."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from centre.models import AuditLog
from partners import signing
from partners.models import WebhookDelivery, WebhookSubscription
from partners.services import subscription_secret

pytestmark = pytest.mark.django_db

ADD = "admin:partners_webhooksubscription_add"
LOG = "admin:partners_webhookdelivery_changelist"


def _form(hotline, **over):
    return {
        "partner": hotline.pk,
        "url": "https://hooks.example.org/centre",
        "events": ["case.registered", "incident.*"],
        "algorithm": "hmac-sm3",
        "active": "on",
        **over,
    }


def test_the_secret_is_shown_once_sealed_and_the_creation_audited(client, sysadmin, hotline):
    client.force_login(sysadmin)
    response = client.post(reverse(ADD), _form(hotline), follow=True)
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    secret = subscription_secret(subscription)
    shown = [str(m) for m in get_messages(response.wsgi_request)] + [response.content.decode()]
    assert any(secret in text for text in shown)
    assert secret.encode() not in bytes(subscription.secret_enc)
    assert subscription.events == ["case.registered", "incident.*"]
    # The change page never shows it again.
    page = client.get(reverse("admin:partners_webhooksubscription_change", args=[subscription.pk]))
    assert secret not in page.content.decode()
    entry = AuditLog.objects.get(
        action=AuditLog.Action.CREATE, object_type="partners.webhooksubscription"
    )
    assert entry.actor == sysadmin and secret not in str(entry.detail)
    assert signing.signature("hmac-sm3", secret, "1", b"{}").startswith("sm3=")


@pytest.mark.parametrize(
    ("over", "field", "text"),
    [
        ({"url": "ftp://hooks.example.org/"}, "url", ""),
        ({"events": []}, "events", "至少选择一个事件"),
        ({"events": ["case.deleted"]}, "events", "case.deleted"),
    ],
)
def test_a_bad_subscription_names_the_field(client, sysadmin, hotline, over, field, text):
    client.force_login(sysadmin)
    response = client.post(reverse(ADD), _form(hotline, **over))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and text in " ".join(errors[field])
    assert not WebhookSubscription.objects.exists()


def test_the_log_is_read_only_filtered_and_replayed_with_the_same_event_id(
    client, sysadmin, clerk, ref, hotline, receiver, subscribe
):
    from partners import tasks
    from partners.tests.test_webhooks import _from_hotline

    subscribe(hotline, receiver.url)
    _from_hotline(clerk, ref)
    tasks.sweep_webhooks()
    delivery = WebhookDelivery.objects.get()
    client.force_login(sysadmin)
    page = client.get(reverse(LOG), {"status__exact": "delivered", "event": "case.registered"})
    assert str(delivery.event_id) in page.content.decode()
    assert (
        str(delivery.event_id)
        not in client.get(reverse(LOG), {"status__exact": "gave_up"}).content.decode()
    )
    change = reverse("admin:partners_webhookdelivery_change", args=[delivery.pk])
    assert client.post(change, {"status": "pending"}).status_code == 403
    response = client.post(
        reverse(LOG), {"action": "replay", "_selected_action": [delivery.pk]}, follow=True
    )
    assert response.status_code == 200
    tasks.deliver(delivery.pk)
    assert [r.headers["X-Centre-Event-Id"] for r in receiver.requests] == [
        str(delivery.event_id)
    ] * 2
    assert AuditLog.objects.filter(
        actor=sysadmin, detail__webhook_replay=[str(delivery.event_id)]
    ).exists()


def test_other_roles_are_refused(client, clerk, leader):
    for user in (clerk, leader):
        client.force_login(user)
        assert client.get(reverse(LOG)).status_code in (302, 403)
        assert client.get(reverse(ADD)).status_code in (302, 403)
