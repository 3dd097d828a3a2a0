"""Celery task of incident command: the overdue scan (incidents/overdue.py), run by beat
(centre/settings.py). Idempotent: each message has its dedupe key, each escalation is
checked again under the incident's lock."""

from __future__ import annotations

from celery import shared_task

from incidents.overdue import incidents_overdue_scan


@shared_task(name="incidents.tasks.scan_overdue", acks_late=True, ignore_result=True)
def scan_overdue() -> dict[str, int]:
    return incidents_overdue_scan()
