"""Writes of partners: subscriptions (with their secret), sending one delivery, replays."""

from __future__ import annotations

import http.client
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from centre import after_commit
from centre.crypto import get_keyring
from centre.models import AuditLog
from centre.services import audit_record
from partners import signing
from partners.models import WebhookDelivery, WebhookSubscription
from partners.outbox import RETRY_WINDOW

SECRET_BYTES = 32


@dataclass(frozen=True)
class Issued:
    subscription: WebhookSubscription
    secret: str  # shown once, never stored in clear


def subscription_secret(subscription: WebhookSubscription) -> str:
    return get_keyring().decrypt(bytes(subscription.secret_enc))


def subscription_create(
    *, actor: Any, subscription: WebhookSubscription, request: Any = None
) -> Issued:
    """Save a new subscription with a fresh secret; ``ValidationError`` naming the field
    (URL, events) and nothing saved if it is not valid."""
    subscription.full_clean(exclude=["secret_enc"])
    secret = secrets.token_urlsafe(SECRET_BYTES)
    subscription.secret_enc = get_keyring().encrypt(secret)
    with transaction.atomic():
        subscription.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            request=request,
            obj=subscription,
            detail={"events": subscription.events, "url": subscription.url},
        )
    return Issued(subscription, secret)


class DeliveryFailed(Exception):
    """The partner did not take the event (no connection, timeout, or not 2xx). Its text
    holds the HTTP status or the error's kind, never the payload."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def request_body(delivery: WebhookDelivery) -> bytes:
    if delivery.sealed_payload:
        return get_keyring().decrypt(bytes(delivery.sealed_payload)).encode("utf-8")
    return signing.encode(delivery.payload)


def delivery_post(delivery: WebhookDelivery) -> int:
    """POST one delivery, signed; its HTTP status (2xx), else ``DeliveryFailed``."""
    subscription = delivery.subscription
    body = request_body(delivery)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 (http/https only: the field's validator)
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "centre-webhooks/1",
            signing.EVENT_HEADER: delivery.event,
            signing.EVENT_ID_HEADER: str(delivery.event_id),
            signing.TIMESTAMP_HEADER: timestamp,
            signing.SIGNATURE_HEADER: signing.signature(
                subscription.algorithm, subscription_secret(subscription), timestamp, body
            ),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"HTTP {exc.code}", exc.code) from None
    except (OSError, ValueError, http.client.HTTPException) as exc:  # timeouts, resets
        raise DeliveryFailed(type(exc).__name__) from None
    if not 200 <= status < 300:
        raise DeliveryFailed(f"HTTP {status}", status)
    return status


def delivery_replay(
    *, actor: Any, deliveries: QuerySet[WebhookDelivery], request: Any = None
) -> int:
    """Send the chosen deliveries again with the same event id (the receiver may already
    have it, and then ignores it), retried for another 24 hours."""
    from partners.tasks import deliver

    now = timezone.now()
    with transaction.atomic():
        chosen = list(
            deliveries.select_for_update()
            .exclude(status=WebhookDelivery.Status.RUNNING)
            .values_list("pk", "event_id")
        )
        pks = [pk for pk, _ in chosen]
        WebhookDelivery.objects.filter(pk__in=pks).update(
            status=WebhookDelivery.Status.PENDING,
            attempts=0,
            started_at=None,
            error="",
            expires_at=now + RETRY_WINDOW,
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CHANGE,
            request=request,
            detail={"webhook_replay": [str(event_id) for _, event_id in chosen]},
        )
        for pk in pks:
            after_commit.send_on_commit(deliver, pk)
    return len(pks)
