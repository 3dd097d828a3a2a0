"""Celery tasks of the ledger export: build a job's workbook, sweep lost and expired jobs.

The job row (``risk.models.ExportJob``) is written by the view before anything is sent;
a message lost in a broker outage delays the ledger until the sweep, never loses it.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
import uuid
from datetime import timedelta

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db.models import F, Q
from django.utils import timezone

from centre import after_commit, jobs
from centre.replica import lag_tolerant
from risk.models import ExportJob

log = logging.getLogger(__name__)
# Limits from settings.BACKGROUND_JOBS["export"] (centre.jobs). The claim and sweep stay
# here: a ledger's staleness is its progress heartbeat, a redelivered message takes the
# job over, and a failed export is final (the user asks again) rather than retried.
EXPORT_JOB = jobs.spec("export")
# A running job whose progress has not moved for this long lost its worker (a chunk of
# 2,000 rows takes about a second).
STALE_RUNNING = EXPORT_JOB.stale_after
# A queued job whose message has not arrived after this long was lost with the broker.
LOST_QUEUED = timedelta(minutes=1)
# The file is kept this long after it is ready; the sweep deletes it then.
KEEP_FILE = timedelta(hours=24)
MAX_ATTEMPTS = EXPORT_JOB.max_attempts


def _claim(job_id: int, task_id: str) -> int | None:
    """The attempt number if this delivery may run the job, else None.

    A queued job is claimed once (a conditional update: two deliveries of it never both
    run). A running job is taken over when its worker is known dead: this very message
    came back (acks_late: a message is delivered again only when the worker holding it
    died), or its progress stopped moving. A done or failed job is left alone."""
    now = timezone.now()
    claimable = (
        Q(status=ExportJob.Status.QUEUED)
        | Q(status=ExportJob.Status.RUNNING, task_id=task_id)
        | Q(status=ExportJob.Status.RUNNING, heartbeat_at__lt=now - STALE_RUNNING)
    )
    claimed = ExportJob.objects.filter(claimable, pk=job_id, attempts__lt=MAX_ATTEMPTS).update(
        status=ExportJob.Status.RUNNING,
        attempts=F("attempts") + 1,
        task_id=task_id,
        started_at=now,
        heartbeat_at=now,
        done=0,
        total=None,
        error="",
    )
    if claimed != 1:
        return None
    return ExportJob.objects.values_list("attempts", flat=True).get(pk=job_id)


@shared_task(name="risk.build_ledger", bind=True, acks_late=True, ignore_result=True)
def build_ledger(self, job_id: int) -> None:
    from risk.ledger import export

    # Called directly (not through Celery) there is no message id: one for this run.
    attempt = _claim(job_id, self.request.id or uuid.uuid4().hex)
    if attempt is None:
        return
    job = ExportJob.objects.select_related("county").get(pk=job_id)
    mine = ExportJob.objects.filter(pk=job_id, attempts=attempt)
    user = get_user_model().objects.select_related("staff__county").get(pk=job.requested_by_id)
    try:
        filters = export.filters_from_params(job.params)
        with lag_tolerant(ignore_own_writes=True):
            total = export.ledger_cases(user, filters).count()
        mine.update(total=total, heartbeat_at=timezone.now())

        def progress(done: int) -> None:
            # Its own short UPDATE (autocommit), so the page sees the bar move.
            mine.update(done=done, heartbeat_at=timezone.now())

        # The cases may lag the primary a little; the job's own progress writes do not
        # send them back to it.
        with tempfile.TemporaryFile(suffix=".xlsx") as out, lag_tolerant(ignore_own_writes=True):
            count = export.ledger_xlsx(
                out,
                user=user,
                params=job.params,
                on_chunk=progress,
                today=timezone.localdate(job.created_at),
            )
            out.seek(0)
            name = f"ledger-{job.pk}-{timezone.localdate():%Y%m%d}-{secrets.token_hex(8)}.xlsx"
            job.file.save(name, File(out), save=False)
    except Exception as exc:
        log.exception("ledger export %s failed", job_id)
        mine.update(
            status=ExportJob.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:300],
            finished_at=timezone.now(),
            expires_at=timezone.now() + KEEP_FILE,
        )
        return
    now = timezone.now()
    updated = mine.update(
        status=ExportJob.Status.DONE,
        file=job.file.name,
        total=count,
        done=count,
        finished_at=now,
        heartbeat_at=now,
        expires_at=now + KEEP_FILE,
    )
    if not updated:
        # Another run took the job over while this one was presumed dead: its file wins.
        job.file.delete(save=False)


@shared_task(name="risk.sweep_ledgers", ignore_result=True)
def sweep_ledgers() -> dict[str, int]:
    """Beat: re-send jobs whose message was lost (queued over a minute) or whose worker
    died (running without progress), fail those that died too often, delete expired files."""
    now = timezone.now()
    ExportJob.objects.filter(
        status=ExportJob.Status.RUNNING,
        heartbeat_at__lt=now - STALE_RUNNING,
        attempts__gte=MAX_ATTEMPTS,
    ).update(
        status=ExportJob.Status.FAILED,
        error="worker lost",
        finished_at=now,
        expires_at=now + KEEP_FILE,
    )
    lost = list(
        ExportJob.objects.filter(
            Q(status=ExportJob.Status.QUEUED, created_at__lt=now - LOST_QUEUED)
            | Q(status=ExportJob.Status.RUNNING, heartbeat_at__lt=now - STALE_RUNNING),
            kind=ExportJob.Kind.LEDGER,
        ).values_list("pk", flat=True)[:100]
    )
    for pk in lost:
        after_commit.send(build_ledger, pk)
    expired = 0
    for job in ExportJob.objects.filter(expires_at__lt=now).exclude(file=""):
        job.file.delete(save=False)
        expired += ExportJob.objects.filter(pk=job.pk).update(file="")
    return {"resent": len(lost), "expired": expired}
