"""Celery tasks of intake: thin, idempotent wrappers."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from centre import after_commit, jobs
from intake import documents
from intake.models import CaseDocument

log = logging.getLogger(__name__)
# Attempts, stale-after and back-off: settings.BACKGROUND_JOBS["document"].
JOB = jobs.Job("document", CaseDocument)
PENDING_BATCH = 50


@shared_task(name="intake.tasks.render_case_document", ignore_result=True)
def render_case_document(document_id: int) -> None:
    """Render one pending document. Claimed through ``centre.jobs``, so two workers (or a
    retry and the sweep) never render the same row twice at once; a ready document is
    left alone."""
    if not JOB.claim(document_id):
        return
    document = CaseDocument.objects.get(pk=document_id)
    try:
        name, pdf = documents.render(document)
    except Exception as exc:
        log.exception("rendering document %s failed", document_id)
        JOB.fail(document_id, exc)
        return
    document.file.save(name, ContentFile(pdf), save=False)
    JOB.succeed(document_id, file=document.file.name, rendered_at=timezone.now())


@shared_task(name="intake.tasks.render_pending_documents", ignore_result=True)
def render_pending_documents() -> int:
    """Render every pending document, oldest first (``centre.after_commit.kick``): how a
    registration or a step asks for its documents. Several runs at once share the work:
    each document is claimed by ``render_case_document``'s conditional update."""
    after_commit.kicked(render_pending_documents)
    rendered, after = 0, 0
    while True:
        batch = list(
            CaseDocument.objects.filter(
                status=CaseDocument.Status.PENDING, attempts__lt=JOB.spec.max_attempts, pk__gt=after
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
    whose render failed and whose back-off is over (``settings.BACKGROUND_JOBS``)."""
    ids = JOB.sweep()
    for pk in ids:
        after_commit.send(render_case_document, pk)
    return len(ids)
