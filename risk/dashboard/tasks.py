"""The rollups' Celery task (beat: every minute; see centre/settings.py)."""

from __future__ import annotations

from celery import shared_task

from risk.dashboard import rollups


@shared_task(name="risk.refresh_rollups", acks_late=True, ignore_result=True)
def refresh_rollups() -> int:
    """Idempotent: a second run finds nothing changed; two runs queue on one row lock."""
    return rollups.refresh().cases
