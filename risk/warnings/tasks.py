"""Celery task of the risk warnings: the scan (beat every 15 minutes, centre/settings.py)."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="risk.scan_risks", acks_late=True)
def scan_risks() -> dict[str, Any]:
    """Idempotent: a rescan refreshes open warnings and never duplicates one (dedupe keys),
    so a redelivered or overlapping run is harmless (and a county being scanned is skipped)."""
    from risk.warnings.services import scan_risks as scan

    return scan()
