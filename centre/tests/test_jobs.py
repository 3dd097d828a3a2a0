"""The background-job pattern (centre.jobs): claim once, retry cap, back-off, stale sweep,
a failed run records its error. Exercised on intake's CaseDocument rows."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from centre import jobs
from intake.models import CaseDocument
from intake.tests.factories import reference_data, register

SPEC = {
    "document": {
        "max_attempts": 3,
        "stale_after": timedelta(minutes=10),
        "backoff": timedelta(seconds=30),
    }
}
JOB = jobs.Job("document", CaseDocument)


@pytest.fixture
def doc(clerk, county):
    row = CaseDocument.objects.get(case=register(clerk, reference_data(county)))
    CaseDocument.objects.filter(pk=row.pk).update(status="pending", attempts=0)
    return row


def _back(pk, **delta):
    CaseDocument.objects.filter(pk=pk).update(started_at=timezone.now() - timedelta(**delta))


@pytest.mark.django_db(transaction=True)
@override_settings(BACKGROUND_JOBS=SPEC)
def test_two_workers_at_once_claim_a_row_once(doc):
    barrier, won = threading.Barrier(2), []

    def worker():
        try:
            barrier.wait()
            won.append(JOB.claim(doc.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won) == [False, True]
    row = CaseDocument.objects.get(pk=doc.pk)
    assert (row.status, row.attempts) == ("running", 1)


@pytest.mark.django_db
@override_settings(BACKGROUND_JOBS=SPEC)
def test_a_failed_run_records_the_error_and_backs_off(doc):
    assert JOB.claim(doc.pk)
    assert JOB.fail(doc.pk, OSError("disk full")) is True
    row = CaseDocument.objects.get(pk=doc.pk)
    assert (row.status, row.attempts, row.error) == ("failed", 1, "OSError: disk full")
    assert not JOB.claim(doc.pk) and JOB.sweep() == []  # 30 s back-off not over
    _back(doc.pk, seconds=31)
    assert JOB.sweep() == [doc.pk] and JOB.claim(doc.pk)
    JOB.fail(doc.pk, OSError("again"))
    _back(doc.pk, seconds=31)
    assert JOB.sweep() == []  # second back-off doubles to 60 s
    _back(doc.pk, seconds=61)
    assert JOB.claim(doc.pk)
    JOB.succeed(doc.pk)
    row = CaseDocument.objects.get(pk=doc.pk)
    assert (row.status, row.attempts, row.error) == ("ready", 3, "")


@pytest.mark.django_db
@override_settings(BACKGROUND_JOBS=SPEC)
def test_attempts_stop_at_the_cap(doc):
    for _ in range(3):
        _back(doc.pk, hours=1)
        assert JOB.claim(doc.pk)
        JOB.fail(doc.pk, RuntimeError("boom"))
    _back(doc.pk, hours=1)
    assert not JOB.claim(doc.pk) and JOB.sweep() == []
    assert CaseDocument.objects.get(pk=doc.pk).attempts == 3


@pytest.mark.django_db
@override_settings(BACKGROUND_JOBS=SPEC)
def test_the_sweep_resets_a_stale_run_and_fails_a_spent_one(doc, clerk, county):
    assert JOB.claim(doc.pk)
    _back(doc.pk, minutes=5)
    assert JOB.sweep() == []  # still within stale_after: its worker may be busy
    _back(doc.pk, minutes=11)
    CaseDocument.objects.filter(pk=doc.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert JOB.sweep() == [doc.pk]
    assert CaseDocument.objects.get(pk=doc.pk).status == "pending"
    CaseDocument.objects.filter(pk=doc.pk).update(status="running", attempts=3)
    _back(doc.pk, minutes=11)
    assert JOB.sweep() == []
    row = CaseDocument.objects.get(pk=doc.pk)
    assert row.status == "failed" and "重试上限" in row.error
