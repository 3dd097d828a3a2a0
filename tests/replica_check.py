"""Run by tests/test_replica.py in a child pytest whose DATABASE_URL is a primary and whose
DATABASE_REPLICA_URL is its streaming replica; not named test_*, so never collected alone."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from centre import replica
from centre.replica import STICKY_COOKIE, ReplicaMiddleware, lag_tolerant, tolerant_alias

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def _on_replica(name: str) -> bool:
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM auth_group WHERE name = %s", [name])
        return cursor.fetchone()[0] == 1


def _replayed(name: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not _on_replica(name):
        assert time.monotonic() < deadline, f"{name} not replayed on the replica in {timeout}s"
        time.sleep(0.05)


def _replay(paused: bool) -> None:
    with connections["replica"].cursor() as cursor:
        cursor.execute(
            "SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()"
        )


def test_the_replica_is_a_streaming_standby():
    assert settings.DATABASE_ROUTERS == ["centre.db_router.ReplicaRouter"]
    assert "centre.replica.ReplicaMiddleware" in settings.MIDDLEWARE
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is False


def test_lag_tolerant_reads_go_to_the_replica_others_to_the_primary():
    Group.objects.create(name="调解员")
    _replayed("调解员")
    replica.begin()  # a new request: nothing written in it yet
    assert Group.objects.all().db == "default"
    with lag_tolerant():
        qs = Group.objects.filter(name="调解员")
        assert qs.db == "replica"
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            assert [g.name for g in qs] == ["调解员"]
        assert len(on_replica) == 1
    # Writes and migrations stay on the primary.
    assert Group.objects.create(name="书记员")._state.db == "default"
    assert (
        connections["replica"].settings_dict["NAME"] == connections["default"].settings_dict["NAME"]
    )


def test_after_a_write_the_same_request_reads_the_primary_even_when_tolerant():
    replica.begin()
    _replay(paused=True)  # the replica stops replaying: the lag is there to see
    try:
        Group.objects.create(name="刚登记")
        assert not _on_replica("刚登记")
        with lag_tolerant():
            assert Group.objects.filter(name="刚登记").exists()  # read from the primary
            assert tolerant_alias() == "default"
        # Another request that wrote nothing reads the (lagging) replica and misses it.
        replica.begin()
        with lag_tolerant():
            assert not Group.objects.filter(name="刚登记").exists()
    finally:
        _replay(paused=False)
    _replayed("刚登记")


def test_the_next_request_of_whoever_wrote_reads_the_primary():
    seen: list[str] = []

    def write(request):
        Group.objects.create(name="复核")
        return HttpResponse("ok")

    @lag_tolerant
    def read(request):
        seen.append(tolerant_alias())
        return HttpResponse("ok")

    factory = RequestFactory()
    written = ReplicaMiddleware(write)(factory.post("/"))
    cookie = written.cookies[STICKY_COOKIE]
    assert cookie["max-age"] == settings.REPLICA_STICKY_SECONDS
    after = factory.get("/")
    after.COOKIES[STICKY_COOKIE] = cookie.value
    ReplicaMiddleware(read)(after)
    ReplicaMiddleware(read)(factory.get("/"))  # someone else, or long after
    forged = factory.get("/")
    forged.COOKIES[STICKY_COOKIE] = "9999999999"  # not signed: ignored
    ReplicaMiddleware(read)(forged)
    assert seen == ["default", "replica", "replica"]


def test_a_task_starts_with_nothing_written_and_its_caller_keeps_what_it_wrote():
    from celery.signals import task_postrun, task_prerun

    replica.begin()
    replica.mark_written()
    task_prerun.send(sender=None, task_id="t", task=None)
    with lag_tolerant():
        assert tolerant_alias() == "replica"
    task_postrun.send(sender=None, task_id="t", task=None)
    with lag_tolerant():
        assert tolerant_alias() == "default"


def test_the_case_search_reads_the_replica_unless_the_request_wrote():
    from django.contrib.auth import get_user_model

    from intake import selectors

    user = get_user_model().objects.create_superuser("search-clerk", password="x")
    replica.begin()
    assert selectors.case_list(user, selectors.CaseFilters(q="张三")).db == "replica"
    assert selectors.case_list(user, selectors.CaseFilters()).db == "default"  # no search
    replica.mark_written()
    assert selectors.case_list(user, selectors.CaseFilters(q="张三")).db == "default"
