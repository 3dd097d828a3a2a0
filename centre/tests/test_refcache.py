"""Reference data kept in each process's memory (centre.refcache): served without a query,
dropped at once by the process that changes it, by every other process within a second
of the change's commit, never kept without the shared generation (Redis down)."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings

from centre import refcache
from centre.models import Window
from intake import triage
from intake.models import Case, TriageRule

pytestmark = pytest.mark.django_db


class Clock:
    """``time.monotonic`` for refcache, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(refcache.time, "monotonic", clock)
    refcache.clear_local()
    return clock


def _counting_loader(value="v"):
    calls = []

    def load():
        calls.append(1)
        return value

    return load, calls


def test_a_value_is_loaded_once_then_served_from_memory(clock):
    load, calls = _counting_loader()
    assert [refcache.get("k", load) for _ in range(5)] == ["v"] * 5
    assert len(calls) == 1
    clock.now += 30  # the generation is read again, unchanged: the copy stays
    assert refcache.get("k", load) == "v" and len(calls) == 1


def test_another_process_change_is_seen_after_the_next_generation_check(clock):
    load, calls = _counting_loader()
    refcache.get("k", load)
    cache.set(refcache.GENERATION_KEY, "written-by-another-process", None)
    clock.now += refcache.CHECK_SECONDS / 2
    refcache.get("k", load)
    assert len(calls) == 1  # not checked again yet: at most a second old
    clock.now += refcache.CHECK_SECONDS
    refcache.get("k", load)
    assert len(calls) == 2


def test_a_copy_read_before_a_change_is_not_served_after_it(clock):
    """Thread A reads the old rows; meanwhile thread B sees the new generation (and clears
    the store); A's copy, stored after that, must not be served under the new one."""
    calls = []

    def slow_load():
        calls.append(1)
        if len(calls) == 1:
            refcache._generation = "seen-by-another-thread"  # what B's check did meanwhile
            refcache._store.clear()
        return f"v{len(calls)}"

    assert refcache.get("k", slow_load) == "v1"
    assert refcache.get("k", slow_load) == "v2"  # read again under the new generation
    assert refcache.get("k", slow_load) == "v2"


def test_entries_expire_whatever_the_generation(clock):
    load, calls = _counting_loader()
    refcache.get("k", load)
    clock.now += refcache.MAX_AGE + 1
    refcache.get("k", load)
    assert len(calls) == 2


def test_a_miss_is_not_kept_and_the_store_is_bounded(clock, monkeypatch):
    load, calls = _counting_loader(None)
    refcache.get("unknown", load)
    refcache.get("unknown", load)
    assert len(calls) == 2
    monkeypatch.setattr(refcache, "MAX_ENTRIES", 10)
    for i in range(25):
        refcache.get(("many", i), lambda: "x")
    assert len(refcache._store) <= 10


def test_without_the_shared_generation_nothing_is_kept(clock, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Redis down")

    monkeypatch.setattr(refcache.cache, "get", down)
    load, calls = _counting_loader()
    assert refcache.get("k", load) == "v"
    clock.now += refcache.CHECK_SECONDS + 1
    assert refcache.get("k", load) == "v"
    assert refcache.get("k", load) == "v"
    assert len(calls) == 3
    # Back after the retry delay: copies are kept again.
    monkeypatch.undo()
    monkeypatch.setattr(refcache.time, "monotonic", clock)
    clock.now += refcache.RETRY_SECONDS
    refcache.get("k", load)
    refcache.get("k", load)
    assert len(calls) == 4


def test_a_change_drops_this_process_copy_at_once_and_others_after_commit(
    clock, django_capture_on_commit_callbacks
):
    window = Window.objects.get(code=Window.Code.PETITION)
    TriageRule.objects.create(nature=Case.Nature.DISPUTE, window=window)
    assert triage.suggest(nature=Case.Nature.DISPUTE, category=None).window.code == "petition"
    before = cache.get(refcache.GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        TriageRule.objects.filter(nature=Case.Nature.DISPUTE).first().delete()
        # This process forgets now (it must not serve what it just changed)...
        assert triage.suggest(nature=Case.Nature.DISPUTE, category=None).window.code == (
            "mediation"
        )
        # ...the others only once the change is committed (before, they would reload the
        # old rows and keep them).
        assert cache.get(refcache.GENERATION_KEY) == before
    for callback in callbacks:
        callback()
    assert cache.get(refcache.GENERATION_KEY) != before


def test_the_command_makes_every_process_read_again(clock, monkeypatch):
    from django.core.management import CommandError, call_command

    load, calls = _counting_loader()
    refcache.get("k", load)
    before = cache.get(refcache.GENERATION_KEY)
    call_command("clear_reference_cache")
    assert cache.get(refcache.GENERATION_KEY) != before
    refcache.get("k", load)
    assert len(calls) == 2

    def down(*args, **kwargs):
        raise ConnectionError("Redis down")

    monkeypatch.setattr(refcache.cache, "set", down)
    with pytest.raises(CommandError, match="Redis"):
        call_command("clear_reference_cache")


def test_a_login_is_not_a_change_of_rights(clock, clerk, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import update_last_login

    with django_capture_on_commit_callbacks() as callbacks:
        update_last_login(None, clerk)
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        clerk.is_active = False
        clerk.save()
    assert len(callbacks) == 1


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the real Redis")
def test_the_generation_lives_in_redis_and_survives_its_loss(clock):
    """On the real Redis (the suite's cache is production's): a process publishes a change,
    another reads it; if Redis loses the key (a restart), a new generation no process has
    seen starts."""
    assert isinstance(caches["default"], RedisCache)
    cache.delete(refcache.GENERATION_KEY)
    load, calls = _counting_loader()
    refcache.get("k", load)
    first = cache.get(refcache.GENERATION_KEY)
    assert first  # started by the first reader
    refcache._new_generation()  # what a change's commit does
    assert cache.get(refcache.GENERATION_KEY) not in (None, first)
    clock.now += refcache.CHECK_SECONDS + 1
    refcache.get("k", load)
    assert len(calls) == 2
    cache.delete(refcache.GENERATION_KEY)  # Redis restarted empty
    clock.now += refcache.CHECK_SECONDS + 1
    refcache.get("k", load)
    assert len(calls) == 3
    assert cache.get(refcache.GENERATION_KEY) not in (None, first)
    cache.delete(refcache.GENERATION_KEY)


def test_a_redis_that_stops_answering_costs_seconds_not_the_request():
    """A Redis that accepts connections and never answers (hung, or the network dropped
    it): with the settings' socket timeouts the generation check gives up, and the value
    comes from the database; the next requests do not ask that Redis again (they would
    each wait for the timeout), they read the database at once.

    What the server receives is observed, not how long anything took: the first request
    sends its command, the next three send nothing and open no connection."""
    import select
    import socket

    from centre.settings import REDIS_CACHE_OPTIONS

    assert REDIS_CACHE_OPTIONS.get("socket_timeout")  # without one, the first would hang
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections complete in the kernel; nothing is ever answered
    silent.setblocking(False)
    accepted: list[socket.socket] = []

    def received() -> int:
        """Bytes the silent server got since the last call (new connections accepted)."""
        while True:
            try:
                conn, _ = silent.accept()
            except BlockingIOError:
                break
            conn.setblocking(False)
            accepted.append(conn)
        total = 0
        readable, _, _ = select.select(accepted, [], [], 0) if accepted else ([], [], [])
        for conn in readable:  # readable: recv does not block
            total += len(conn.recv(65536))
        return total

    hung = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{silent.getsockname()[1]}/0",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
    refcache.clear_local()
    try:
        with override_settings(CACHES=hung):
            load, calls = _counting_loader()
            assert refcache.get("k", load) == "v"
            assert received() > 0  # it did ask, and gave up
            connections = len(accepted)
            assert [refcache.get("k", load) for _ in range(3)] == ["v"] * 3
            assert received() == 0 and len(accepted) == connections
            assert len(calls) == 4  # each from the database, no stale copy
    finally:
        for conn in accepted:
            conn.close()
        silent.close()
        refcache.clear_local()
