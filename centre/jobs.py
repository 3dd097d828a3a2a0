"""One pattern for background work kept as rows: claim, run, record, retry, sweep.

A job is a row with a status, an ``attempts`` counter, an error text and a timestamp of
the last start. ``Job`` binds a model and its field names to a ``JobSpec`` read from
``settings.BACKGROUND_JOBS[kind]`` (one dict, so the limits of every kind sit together):

* ``claim(pk)`` — one conditional UPDATE (pending, or failed with attempts left and its
  back-off over) → running, counting the attempt; True for exactly one worker.
* ``succeed(pk, **fields)`` / ``fail(pk, exc)`` — record the outcome of that attempt.
* ``sweep()`` — beat: a row stuck running past ``stale_after`` died with its worker; it
  goes back to pending (or to failed once its attempts are spent). Returns the pks to
  re-send: pending rows whose message was lost, failed rows whose back-off is over.

The attempt is counted at the claim, so a worker that dies mid-run still spends one and a
poison row stops after ``max_attempts``. Back-off doubles per attempt:
``backoff * 2**(attempts-1)`` after the last start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ERROR_LENGTH = 300


@dataclass(frozen=True)
class JobSpec:
    max_attempts: int
    stale_after: timedelta
    backoff: timedelta
    # A pending row older than this had its message lost: the sweep re-sends it.
    pending_grace: timedelta = timedelta(minutes=1)

    def delay(self, attempts: int) -> timedelta:
        """How long after the start of attempt ``attempts`` the next one may begin."""
        return self.backoff * 2 ** max(attempts - 1, 0)


def spec(kind: str) -> JobSpec:
    return JobSpec(**settings.BACKGROUND_JOBS[kind])


@dataclass(frozen=True)
class Job:
    kind: str
    model: type[models.Model]
    pending: str = "pending"
    running: str = "running"
    done: str = "ready"
    failed: str = "failed"
    started_field: str = "started_at"
    created_field: str = "created_at"
    # Written on a row whose worker died with its last attempt: shown to the staff.
    stale_error: str = _("处理中断，已达重试上限")

    @property
    def spec(self) -> JobSpec:
        return spec(self.kind)

    def _retry_due(self, now: datetime) -> Q:
        """Failed rows with attempts left whose back-off is over (one term per count, so
        the query stays plain SQL)."""
        s = self.spec
        due = Q(pk__in=[])
        for n in range(s.max_attempts):
            due |= Q(attempts=n, **{f"{self.started_field}__lte": now - s.delay(n)})
            if n == 0:
                due |= Q(attempts=0, **{f"{self.started_field}__isnull": True})
        return Q(status=self.failed) & due

    def claimable(self, now: datetime | None = None) -> Q:
        now = now or timezone.now()
        return (Q(status=self.pending) | self._retry_due(now)) & Q(
            attempts__lt=self.spec.max_attempts
        )

    def claim(self, pk: Any, **fields: Any) -> bool:
        """Running for exactly one caller: the conditional UPDATE is atomic in PostgreSQL,
        a second worker's update finds the row no longer claimable and changes nothing."""
        now = timezone.now()
        return (
            self.model.objects.filter(self.claimable(now), pk=pk).update(
                status=self.running,
                attempts=F("attempts") + 1,
                **{self.started_field: now},
                **fields,
            )
            == 1
        )

    def succeed(self, pk: Any, **fields: Any) -> None:
        """Done: the row leaves running only if this worker still holds it."""
        self.model.objects.filter(pk=pk, status=self.running).update(
            status=self.done, error="", **fields
        )

    def fail(self, pk: Any, exc: BaseException, *, final: bool = False, **fields: Any) -> bool:
        """Record the error; True if another attempt is left (the sweep makes it). ``final``:
        trying again cannot help (a request refused as invalid), so no attempt is left."""
        if final:
            fields["attempts"] = self.spec.max_attempts
        self.model.objects.filter(pk=pk, status=self.running).update(
            status=self.failed, error=f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH], **fields
        )
        attempts = self.model.objects.filter(pk=pk).values_list("attempts", flat=True).first()
        return attempts is not None and attempts < self.spec.max_attempts

    def sweep(self, now: datetime | None = None, limit: int = 500) -> list[Any]:
        """Reset rows stuck running, and return the pks to send again."""
        now = now or timezone.now()
        s = self.spec
        stuck = self.model.objects.filter(
            status=self.running, **{f"{self.started_field}__lt": now - s.stale_after}
        )
        stuck.filter(attempts__gte=s.max_attempts).update(
            status=self.failed, error=str(self.stale_error)
        )
        stuck.filter(attempts__lt=s.max_attempts).update(status=self.pending)
        again = self.model.objects.filter(
            Q(status=self.pending, **{f"{self.created_field}__lt": now - s.pending_grace})
            | self._retry_due(now)
        ).filter(attempts__lt=s.max_attempts)
        return list(again.order_by("pk").values_list("pk", flat=True)[:limit])
