"""Reads that may lag a little go to the streaming replica (settings.DATABASE_REPLICA_URL).

Only code inside ``lag_tolerant()`` reads the replica: the leaders' dashboard, the risk
warnings, the 台账 export and the case search. Everything else, and everything a request or
task reads after it wrote (``centre.db_router.ReplicaRouter.db_for_write`` was asked), reads
the primary; so does the next request of a user who wrote within REPLICA_STICKY_SECONDS (a
signed cookie), so nobody misses what they just did because the replica has not replayed it.
Without the setting there is no ``replica`` alias and every function here reads ``default``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from functools import wraps
from typing import Any

from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
STICKY_COOKIE = "centre_primary_until"
_SALT = "centre.replica.sticky"


@dataclass
class _State:
    tolerant: int = 0  # depth of nested lag_tolerant() scopes
    despite_writes: int = 0  # depth of lag_tolerant(ignore_own_writes=True) scopes
    wrote: bool = False  # this request or task wrote (or must read the primary)


_state: ContextVar[_State | None] = ContextVar("centre_replica_state", default=None)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def _current() -> _State:
    state = _state.get()
    if state is None:
        state = _State()
        _state.set(state)
    return state


def begin(*, wrote: bool = False) -> None:
    """A fresh context for one request or one task: nothing written yet."""
    _state.set(_State(wrote=wrote))


def mark_written() -> None:
    """From here on this request or task reads the primary (the router calls it on a write)."""
    _current().wrote = True


def wrote() -> bool:
    return _current().wrote


def read_alias() -> str:
    """The database a lag-tolerant read uses now: the replica unless it is not configured,
    this context wrote, or a transaction is open on the primary (its reads must see its own
    writes and its locks)."""
    state = _current()
    if not configured() or not state.tolerant or (state.wrote and not state.despite_writes):
        return DEFAULT_DB_ALIAS
    if not transaction.get_autocommit(DEFAULT_DB_ALIAS):
        return DEFAULT_DB_ALIAS
    return REPLICA


def tolerant_alias() -> str:
    """The alias a lag-tolerant read would use now: for a lazy queryset pinned with
    ``using()`` where it is built, since it is evaluated later, outside any scope."""
    with _scope():
        return read_alias()


@contextmanager
def _scope(*, ignore_own_writes: bool = False) -> Iterator[None]:
    state = _current()
    state.tolerant += 1
    state.despite_writes += ignore_own_writes
    try:
        yield
    finally:
        state.tolerant -= 1
        state.despite_writes -= ignore_own_writes


def lag_tolerant(func: Callable | None = None, *, ignore_own_writes: bool = False):
    """``with lag_tolerant():`` or ``@lag_tolerant``: reads inside may go to the replica.

    ``ignore_own_writes``: for a task whose writes inside are its own bookkeeping (a job's
    progress), never what it reads; its reads stay on the replica after them.
    """
    if func is None:
        return _scope(ignore_own_writes=ignore_own_writes)

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any):
        with _scope():
            return func(*args, **kwargs)

    return wrapper


def _sticky_seconds() -> int:
    return int(getattr(settings, "REPLICA_STICKY_SECONDS", 5))


class ReplicaMiddleware:
    """One read-after-write context per request; a request that wrote marks the browser so
    that its next requests, for REPLICA_STICKY_SECONDS, read the primary too. Only in
    MIDDLEWARE when the replica is configured (settings)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        until = request.get_signed_cookie(STICKY_COOKIE, default=None, salt=_SALT)
        recent = until is not None and until.isdigit() and int(until) > time.time()
        token = _state.set(_State(wrote=recent))
        try:
            response = self.get_response(request)
            if _current().wrote and (seconds := _sticky_seconds()) > 0:
                response.set_signed_cookie(
                    STICKY_COOKIE,
                    str(int(time.time()) + seconds),
                    salt=_SALT,
                    max_age=seconds,
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
            return response
        finally:
            _state.reset(token)


# A task's own context, and back to its caller's afterwards: a task run eagerly inside a
# request (the demo, the tests) must not forget that the request wrote.
_task_tokens: dict[str, Token] = {}


@task_prerun.connect(weak=False)
def _task_starts(task_id: str | None = None, **_kwargs: Any) -> None:
    token = _state.set(_State())
    if task_id:
        _task_tokens[task_id] = token


@task_postrun.connect(weak=False)
def _task_ends(task_id: str | None = None, **_kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        try:
            _state.reset(token)
            return
        except ValueError:  # set in another context (a worker's pool thread)
            pass
    _state.set(_State())
