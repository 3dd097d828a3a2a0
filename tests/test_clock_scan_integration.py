"""The clocks scan with real processes: a Celery worker on Redis sends each reminder once;
a worker killed in the middle of a scan leaves nothing sent twice and nothing lost; with
Redis stopped, cases are still registered and the reminders go out once it is back."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
from datetime import timedelta

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from centre import after_commit, clocks
from centre.celery import app
from centre.models import Clock, Notification
from centre.tasks import scan_clocks
from intake.models import Case
from intake.tests.factories import applicant, reference_data, register
from tests.celery_worker import wait_for, wait_idle, worker_process

pytestmark = [pytest.mark.celery_worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _due_soon_clocks(county, assignee, n: int) -> None:
    """``n`` running clocks due tomorrow (bulk: the scan, not the set-up, is under test)."""
    rule_clock = clocks.clock_start(
        rule_code="mediation_people",
        county=county,
        case_number="330523-2026-900000",
        subject="load",
        subject_id=0,
        start=timezone.localdate(),
        assignee=assignee,
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    Clock.objects.bulk_create(
        Clock(
            county=county,
            rule=rule_clock.rule,
            case_number=f"330523-2026-{i:06d}",
            subject="load",
            subject_id=i,
            assignee=assignee,
            started_on=timezone.localdate(),
            due_on=tomorrow,
        )
        for i in range(1, n + 1)
    )
    rule_clock.delete()


def _once_each(n: int) -> None:
    per_case = Notification.objects.values("case_number").annotate(n=Count("id"))
    assert per_case.count() == n
    assert max(row["n"] for row in per_case) == 1


def test_a_real_worker_runs_the_scan_and_sends_each_reminder(celery_worker, county, make_user):
    mediator = make_user("mediator")
    _due_soon_clocks(county, mediator, 30)
    after_commit.send(scan_clocks)
    after_commit.send(scan_clocks)  # the beat fires twice: still one message per clock
    wait_idle(celery_worker.worker_name)  # both scans done, not a guess at how long
    _once_each(30)
    assert Notification.objects.filter(status="sent").count() == 30


def test_a_worker_killed_mid_scan_loses_nothing_and_repeats_nothing(county, make_user):
    """The kill falls in the middle of the scan by construction, not by timing: another
    transaction has begun writing the reminder of the middle clock (its dedupe key, not
    committed), so the scan — one connection, batches in due-date order — waits at the
    batch holding that clock, with the batches before it committed and those after it not
    begun. The worker is killed there."""
    mediator = make_user("mediator")
    total = 3000
    _due_soon_clocks(county, mediator, total)
    held = Clock.objects.order_by("pk").values_list("pk", "due_on")[total // 2]
    dsn = connection.get_connection_params()
    for option in ("cursor_factory", "context", "prepare_threshold"):
        dsn.pop(option, None)
    others_active = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> ALL(%s) AND state = 'active'"
    )
    with psycopg.connect(**dsn) as holder, psycopg.connect(**dsn, autocommit=True) as probe:
        ours = [holder.info.backend_pid, probe.info.backend_pid]
        holder.execute(
            "INSERT INTO centre_notification (channel, recipient_name, subject, body, status,"
            " attempts, error, created_at, case_number, destination_masked, dedupe_key,"
            " statutory, kind, template_params, provider_message_id)"
            " VALUES ('inapp', '', '', '', 'sent', 0, '', now(), '', '', %s, true, '', '{}', '')",
            [f"clock:{held[0]}:remind:1:{held[1]:%Y%m%d}"],
        )
        with worker_process(
            settings.CELERY_BROKER_URL, CLOCK_SCAN_BATCH="50", CLOCK_SCAN_CONNECTIONS="1"
        ) as worker:
            app.conf.task_always_eager = False
            try:
                after_commit.send(scan_clocks)
                wait_for(
                    lambda: probe.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        " AND datname = current_database() AND pid <> ALL(%s)",
                        [ours],
                    ).fetchone()[0],
                    timeout=60,
                )
                os.kill(worker.pid, signal.SIGKILL)  # the worker dies halfway through the scan
                worker.wait(timeout=10)
            finally:
                app.conf.task_always_eager = True
        holder.rollback()
        # The statement the worker had sent runs to its end once the hold is gone (a
        # server does not see its client die in the middle of a statement): wait for it.
        wait_for(lambda: not probe.execute(others_active, [ours]).fetchone()[0], timeout=30)
    written = Notification.objects.count()
    # The batches before the held one, and the held one's statement; none after it.
    assert 0 < written < total, "the scan was meant to be killed halfway"
    with worker_process(settings.CELERY_BROKER_URL):
        app.conf.task_always_eager = False
        try:
            after_commit.send(scan_clocks)  # the next beat
            wait_for(lambda: Notification.objects.count() == total, timeout=120)
        finally:
            app.conf.task_always_eager = True
    _once_each(total)


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of this test's own, so stopping it disturbs no other test."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def start():
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(tmp_path),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for(
            lambda: (
                subprocess.run(
                    ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True
                ).stdout.strip()
                == "PONG"
            ),
            timeout=10,
        )
        return process

    state = {"process": start()}
    yield {"url": f"redis://127.0.0.1:{port}/0", "port": port, "state": state, "start": start}
    if state["process"].poll() is None:
        state["process"].terminate()
        state["process"].wait(timeout=10)


def _use_broker(url: str) -> None:
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def test_with_redis_stopped_cases_register_and_reminders_follow_its_return(
    private_redis, county, clerk
):
    ref = reference_data(county)
    previous = app.conf.broker_url
    _use_broker(private_redis["url"])
    app.conf.task_always_eager = False
    try:
        private_redis["state"]["process"].terminate()  # Redis goes down
        private_redis["state"]["process"].wait(timeout=10)
        numbers = [
            register(clerk, ref, nature=Case.Nature.PETITION, parties=[applicant()]).number
            for _ in range(3)
        ]
        assert Case.objects.filter(number__in=numbers).count() == 3
        # Days pass: the petitions' notice clocks (15 日) come due tomorrow.
        Clock.objects.filter(case_number__in=numbers).update(
            due_on=timezone.localdate() + timedelta(days=1)
        )
        assert not Notification.objects.exists()
        private_redis["state"]["process"] = private_redis["start"]()  # Redis is back
        _use_broker(private_redis["url"])
        with worker_process(private_redis["url"]):
            after_commit.send(scan_clocks)  # the first beat after the outage
            wait_for(lambda: Notification.objects.filter(status="sent").count() == 3, timeout=60)
    finally:
        app.conf.task_always_eager = True
        _use_broker(previous)
    reminders = Notification.objects.filter(case_number__in=numbers, recipient_user=clerk)
    assert reminders.count() == 3 and set(reminders.values_list("status", flat=True)) == {"sent"}
