"""Celery tasks of intake: thin, idempotent wrappers."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from centre import queue
from intake import documents
from intake.models import CaseDocument

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
# A render that started this long ago without finishing died with its worker.
STALE_RUNNING = timedelta(minutes=10)
PENDING_BATCH = 50


@shared_task(name="intake.tasks.render_case_document", ignore_result=True)
def render_case_document(document_id: int) -> None:
    """Render one pending document. Claimed with a conditional update, so two workers
    (or a retry and the sweep) never render the same row twice at once; a ready document
    is left alone."""
    claimed = CaseDocument.objects.filter(
        pk=document_id,
        status__in=[CaseDocument.Status.PENDING, CaseDocument.Status.FAILED],
        attempts__lt=MAX_ATTEMPTS,
    ).update(status=CaseDocument.Status.RUNNING, started_at=timezone.now())
    if claimed != 1:
        return
    document = CaseDocument.objects.get(pk=document_id)
    try:
        name, pdf = documents.render(document)
    except Exception as exc:
        log.exception("rendering document %s failed", document_id)
        CaseDocument.objects.filter(pk=document_id).update(
            status=CaseDocument.Status.FAILED,
            attempts=document.attempts + 1,
            error=f"{type(exc).__name__}: {exc}"[:300],
        )
        return
    document.file.save(name, ContentFile(pdf), save=False)
    CaseDocument.objects.filter(pk=document_id).update(
        status=CaseDocument.Status.READY,
        file=document.file.name,
        rendered_at=timezone.now(),
        attempts=document.attempts + 1,
        error="",
    )


@shared_task(name="intake.tasks.render_pending_documents", ignore_result=True)
def render_pending_documents() -> int:
    """Render every pending document, oldest first (``centre.queue.kick``): how a
    registration or a step asks for its documents. Several runs at once share the work:
    each document is claimed by ``render_case_document``'s conditional update."""
    queue.kicked(render_pending_documents)
    rendered, after = 0, 0
    while True:
        batch = list(
            CaseDocument.objects.filter(
                status=CaseDocument.Status.PENDING, attempts__lt=MAX_ATTEMPTS, pk__gt=after
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:PENDING_BATCH]
        )
        if not batch:
            return rendered
        for pk in batch:
            render_case_document(pk)
            rendered += 1
        after = batch[-1]


@shared_task(name="intake.tasks.sweep_documents", ignore_result=True)
def sweep_documents() -> int:
    """Beat: re-send documents whose message was lost, whose worker died mid-render, or
    whose render failed (up to MAX_ATTEMPTS)."""
    now = timezone.now()
    stale = CaseDocument.objects.filter(
        Q(status=CaseDocument.Status.PENDING, created_at__lt=now - timedelta(minutes=1))
        | Q(status=CaseDocument.Status.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=CaseDocument.Status.RUNNING, started_at__lt=now - STALE_RUNNING)
    )
    ids = list(stale.values_list("pk", flat=True)[:500])
    CaseDocument.objects.filter(pk__in=ids, status=CaseDocument.Status.RUNNING).update(
        status=CaseDocument.Status.PENDING
    )
    for pk in ids:
        queue.send(render_case_document, pk)
    return len(ids)
