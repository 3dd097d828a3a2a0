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
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
# How long a kick stands without the task starting (a lost message, a stopped worker)
# before the next change may send the task again; the beat sweeps cover the gap.
KICK_TTL = 30


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


def kick(task: Task) -> bool:
    """Make sure ``task`` runs soon: a task without arguments that works through every row
    still pending (documents to render, say) and calls ``kicked`` first.

    Sent only if no run is already waiting to start: under load one message serves every
    change made until a worker picks it up, instead of a message per change (a Celery
    publish costs ~0.5 ms of the request's CPU, measured; the flag ~0.05 ms). A change
    made after the run started (and cleared the flag) sends another one, so none is
    missed. Without the shared cache the task is sent every time. False (and a warning)
    if the broker cannot be reached: the rows wait for the beat sweep.
    """
    key = _kick_key(task)
    try:
        if not _flag_add(key):
            return True  # a run is waiting: it will see this change
    except (RedisError, OSError):  # a cache down must cost a message, not the change
        log.warning("kick flag unavailable, sending %s anyway", task.name, exc_info=True)
        return send(task)
    if not send(task):
        _forget(key)  # the next change tries the broker again
        return False
    return True


def kick_on_commit(task: Task) -> None:
    """``kick`` once the current transaction commits."""
    transaction.on_commit(partial(kick, task))


def kicked(task: Task) -> None:
    """Called by a kicked task before it looks for work: changes committed from now on
    send a new run (they may not be in what this run reads)."""
    _forget(_kick_key(task))


def _flag_add(key: str) -> bool:
    """``cache.add(key, 1, KICK_TTL)``. On Django's Redis cache, with one redis-py client
    kept per cache backend (on the backend's own connection pool): Django builds a client,
    with its table of ~170 reply callbacks, for every call, half of the 0.2 ms it takes."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return cache.add(key, 1, KICK_TTL)
    client = backend.__dict__.get("_queue_client")
    if client is None:
        client = backend.__dict__["_queue_client"] = backend._cache.get_client(write=True)
    # What RedisCache.add sends: SET NX EX with the versioned key; an int is stored as is.
    return bool(client.set(backend.make_and_validate_key(key), 1, nx=True, ex=KICK_TTL))


def _kick_key(task: Task) -> str:
    return f"queue:kick:{task.name}"


def _forget(key: str) -> None:
    try:
        cache.delete(key)
    except (RedisError, OSError):  # it expires after KICK_TTL anyway
        log.warning("kick flag %s not cleared", key, exc_info=True)
