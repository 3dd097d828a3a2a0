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
