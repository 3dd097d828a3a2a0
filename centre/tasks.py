"""Celery tasks of the centre app: thin wrappers around services."""

from __future__ import annotations

import random

from celery import shared_task
from django.utils import timezone

from centre.models import Heartbeat


@shared_task(name="centre.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Sent by beat every minute; a worker running it proves the whole chain works.
    Idempotent: it only moves a timestamp forward."""
    Heartbeat.objects.update_or_create(name="worker", defaults={"at": timezone.now()})


@shared_task(name="centre.tasks.send_notification", bind=True, ignore_result=True, max_retries=None)
def send_notification(self, notification_id: int) -> None:
    """Send one notification, once: claimed by a conditional update, so a redelivered
    message or the sweep finds it taken or sent and does nothing. When the gateway did not
    take it (5xx, timeout), the task comes back after the back-off (doubling, with jitter;
    the attempts are bounded by the row's own count, ``BACKGROUND_JOBS["notification"]``),
    with the same idempotency key. Run in-process (no broker), the beat sweep retries."""
    from centre.services import Delivery, notification_deliver, notification_retry_in

    outcome = notification_deliver(notification_id=notification_id)
    if outcome != Delivery.RETRY or self.request.is_eager:
        return
    delay = notification_retry_in(notification_id=notification_id)
    if delay is not None:
        jitter = random.uniform(0, 0.25)  # noqa: S311 (spreads retries, no secret)
        raise self.retry(countdown=delay.total_seconds() * (1 + jitter))


@shared_task(name="centre.tasks.sweep_notifications", ignore_result=True)
def sweep_notifications() -> int:
    from centre.services import notifications_resend

    return notifications_resend()


@shared_task(name="centre.tasks.scan_clocks", ignore_result=True)
def scan_clocks() -> dict[str, int]:
    """Beat, every few minutes: reminders and escalations (idempotent: dedupe keys)."""
    from centre.clocks import clocks_scan

    return clocks_scan()
