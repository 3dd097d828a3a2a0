"""Building the handoff package (引导诉讼材料) in Celery: the PDF guide, then a ZIP of it
with the agreement, the confirmation papers and the attachments, with progress written to
the row the page polls."""

from __future__ import annotations

import io
import logging
import zipfile

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from centre import after_commit, jobs
from intake import documents as intake_documents
from intake.models import CaseDocument
from judicial.documents import handoff_documents, paper_title
from judicial.models import Handoff

log = logging.getLogger(__name__)
# Attempts, stale-after and back-off: settings.BACKGROUND_JOBS["handoff"].
JOB = jobs.Job("handoff", Handoff, created_field="requested_at")


def _progress(handoff_id: int, value: int) -> None:
    Handoff.objects.filter(pk=handoff_id).update(progress=value)


@shared_task(name="judicial.tasks.build_handoff", ignore_result=True)
def build_handoff(handoff_id: int) -> None:
    """Claimed once by a conditional update; re-running after a crash starts over and
    replaces the half-made files, a ready package is left alone."""
    if not JOB.claim(handoff_id, progress=5):
        return
    handoff = Handoff.objects.select_related("case__county").get(pk=handoff_id)
    case = handoff.case
    try:
        document = CaseDocument.objects.filter(
            case=case, kind=CaseDocument.Kind.HANDOFF
        ).first() or CaseDocument(case=case, kind=CaseDocument.Kind.HANDOFF)
        document.status = CaseDocument.Status.RUNNING
        document.save()
        _progress(handoff_id, 15)
        name, pdf = intake_documents.render(document)
        document.file.save(name, ContentFile(pdf), save=False)
        CaseDocument.objects.filter(pk=document.pk).update(
            status=CaseDocument.Status.READY,
            file=document.file.name,
            rendered_at=timezone.now(),
            attempts=document.attempts + 1,
            error="",
        )
        _progress(handoff_id, 60)
        attachments = list(case.attachments.order_by("uploaded_at", "id"))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{case.number}-引导诉讼材料.pdf", pdf)
            # The signed agreement, the confirmation application and any ruling go with
            # it: the parties' evidence of the mediation. One not rendered yet (its task
            # still pending) is rendered here, so the package never lacks it.
            for paper in handoff_documents(case):
                archive.writestr(f"文书/{paper_title(paper)}.pdf", _paper_bytes(paper))
            for i, attachment in enumerate(attachments, start=1):
                with attachment.file.open("rb") as f:
                    archive.writestr(f"附件/{i:02d}-{attachment.original_name}", f.read())
                _progress(handoff_id, 60 + int(35 * i / max(len(attachments), 1)))
        handoff.archive.save(
            f"{case.number}-handoff.zip", ContentFile(buffer.getvalue()), save=False
        )
        JOB.succeed(handoff_id, archive=handoff.archive.name, progress=100)
    except Exception as exc:
        log.exception("building the handoff package of %s failed", case.number)
        JOB.fail(handoff_id, exc)


def _paper_bytes(paper: CaseDocument) -> bytes:
    if paper.status == CaseDocument.Status.READY and paper.file:
        with paper.file.open("rb") as f:
            return f.read()
    return intake_documents.render(paper)[1]


@shared_task(name="judicial.tasks.sweep_handoffs", ignore_result=True)
def sweep_handoffs() -> int:
    """Beat: re-send packages whose message was lost, whose worker died mid-build, or
    whose build failed and whose back-off is over (``settings.BACKGROUND_JOBS``)."""
    ids = JOB.sweep(limit=200)
    for pk in ids:
        after_commit.send(build_handoff, pk)
    return len(ids)
