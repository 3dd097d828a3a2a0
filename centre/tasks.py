"""Celery tasks of the centre app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from centre.models import Heartbeat


@shared_task(name="centre.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Sent by beat every minute; a worker running it proves the whole chain works.
    Idempotent: it only moves a timestamp forward."""
    Heartbeat.objects.update_or_create(name="worker", defaults={"at": timezone.now()})


@shared_task(name="centre.tasks.send_notification", ignore_result=True)
def send_notification(notification_id: int) -> None:
    """Send one notification, once: claimed by a conditional update, so a redelivered
    message or the sweep finds it taken or sent and does nothing."""
    from centre.services import notification_deliver

    notification_deliver(notification_id=notification_id)


@shared_task(name="centre.tasks.sweep_notifications", ignore_result=True)
def sweep_notifications() -> int:
    from centre.services import notifications_resend

    return notifications_resend()


@shared_task(name="centre.tasks.scan_clocks", ignore_result=True)
def scan_clocks() -> dict[str, int]:
    """Beat, every few minutes: reminders and escalations (idempotent: dedupe keys)."""
    from centre.clocks import clocks_scan

    return clocks_scan()
