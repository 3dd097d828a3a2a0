"""Sending Celery tasks after commit, without letting a broker outage fail the request.

The work a task does is always first a row in PostgreSQL (a pending document, a pending
notification); a beat sweep re-sends rows left pending. So when Redis is down the
registration or transition still succeeds, the message is simply not sent now, and the
sweep catches up once the broker is back.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)


def send(task: Task, *args: Any) -> bool:
    """Send now; False (and a warning) if the broker cannot be reached."""
    try:
        task.apply_async(args=args, retry=False)
    except (OperationalError, ConnectionError, OSError) as exc:
        log.warning("broker unreachable, %s%r left for the sweep: %s", task.name, args, exc)
        return False
    return True


def send_on_commit(task: Task, *args: Any) -> None:
    """Send once the current transaction commits (never for a rolled-back change)."""
    transaction.on_commit(partial(send, task, *args))
