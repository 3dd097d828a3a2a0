"""Reference data in each process's memory: what nearly every registration reads and an
administrator changes a few times a year (categories, regions, windows, triage rules, staff
profiles, who holds which right). API tokens are not kept here: they are read from the
database on every request (centre.api_auth), so that a revocation cannot wait on Redis.

Reading it from PostgreSQL cost a registration eight queries (~4 ms of a worker's CPU, a
quarter of the request). Instead each process keeps what it read, and checks one Redis key
(the generation) at most once a second: any change to such data, saved through the ORM,
writes a new generation after its commit (signals below), so every process drops its copy
within a second, and the process that made the change at once. Entries are also dropped
after ``MAX_AGE`` seconds whatever happens (a change made by raw SQL, say, which
``manage.py clear_reference_cache`` publishes at once).

Without the shared cache (Redis down, or not answering within the socket timeouts of
``CACHES``), nothing is kept: every read goes to the database, as before, so a change is
never missed; and it is asked again only after ``RETRY_SECONDS``, so requests do not keep
waiting on it.

Values are shared by the requests of a process: callers must not modify them.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

GENERATION_KEY = "refcache:generation"
CHECK_SECONDS = 1.0
# After a failed check (Redis down, or not answering within its socket timeout), the next
# one waits this long: meanwhile every read goes to the database, and no request waits.
RETRY_SECONDS = 30.0
MAX_AGE = 300.0
# Far more than a county's categories, regions, rules, staff and live tokens; a bound all
# the same, so that nothing a client sends can grow a worker's memory.
MAX_ENTRIES = 20_000

T = TypeVar("T")

_lock = threading.Lock()
# key → (when loaded, the generation it was loaded under, value)
_store: dict[Hashable, tuple[float, str, Any]] = {}
_generation: str | None = None
_checked_at = float("-inf")


def get(key: Hashable, load: Callable[[], T]) -> T:
    """The value for ``key``: this process's copy while the generation holds, else
    ``load()``, kept for the next request unless it is None (a miss, e.g. an unknown code
    a client sent, is asked again each time)."""
    now = time.monotonic()
    if not _current(now):
        return load()
    generation = _generation
    entry = _store.get(key)
    if entry is not None and entry[1] == generation and now - entry[0] < MAX_AGE:
        return entry[2]
    # Tagged with the generation seen before reading: a copy read before a change that
    # another thread saw in the meantime is never served under the new generation.
    value = load()
    if value is not None:
        if len(_store) >= MAX_ENTRIES:
            _store.clear()
        _store[key] = (now, generation, value)
    return value


def _current(now: float) -> bool:
    """Whether this process's copies may be used; reads the generation once a second."""
    global _generation, _checked_at
    if now - _checked_at < CHECK_SECONDS:
        return _generation is not None
    with _lock:
        try:
            generation = cache.get(GENERATION_KEY)
            if generation is None:
                # First use, or Redis lost its keys: start a generation no process has seen.
                cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
                generation = cache.get(GENERATION_KEY)
        except Exception:  # Redis down: use the database, keep nothing
            log.warning("reference cache: shared generation unreadable", exc_info=True)
            _store.clear()
            _generation, _checked_at = None, now + RETRY_SECONDS - CHECK_SECONDS
            return False
        if generation != _generation:
            _store.clear()
        _generation, _checked_at = generation, now
    return True


def clear_local() -> None:
    """Forget this process's copies (tests; the process that changed something)."""
    global _checked_at
    _store.clear()
    _checked_at = float("-inf")


def changed() -> None:
    """Reference data changed: this process forgets now; every process, once the change
    has committed (before that, others would reload the old rows)."""
    clear_local()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    publish_change()


def publish_change() -> bool:
    """A new generation now: every process drops its copies within a second (also
    ``manage.py clear_reference_cache``, after a change made with SQL). False if Redis
    could not be written."""
    clear_local()
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:
        # Other processes keep their copies until MAX_AGE: say so loudly.
        log.error("reference cache: could not publish a change (Redis down)", exc_info=True)
        return False
    return True


# --- What counts as a change -------------------------------------------------------------


def _on_save(sender: Any, instance: Any = None, update_fields: Any = None, **kwargs: Any):
    # A login writes the user's last_login: not a change of rights.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    changed()


def _on_delete(sender: Any, **kwargs: Any) -> None:
    changed()


def _on_m2m(sender: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        changed()


def watch(*models: type) -> None:
    """Any save or delete of these models is a change of reference data. Each app names
    the models it reads through this cache, from its ``AppConfig.ready``: ``centre``
    imports no app."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        name = model._meta.label
        post_save.connect(_on_save, sender=model, dispatch_uid=f"refcache.save.{name}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"refcache.delete.{name}")


def connect() -> None:
    """Called once from ``CentreConfig.ready``: the reference data of ``centre`` and of
    Django's accounts (who holds which right)."""
    from django.contrib.auth.models import Group, Permission, User
    from django.db.models.signals import m2m_changed

    from centre.models import Category, County, Region, StaffProfile, Window

    watch(User, Group, Permission, StaffProfile, County, Region, Category, Window)
    for link in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_on_m2m, sender=link, dispatch_uid=f"refcache.m2m.{link.__name__}")
