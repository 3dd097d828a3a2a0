"""A generated document's text as its reader sees it, read back with poppler's pdftotext
(poppler-utils: scripts/ensure-debs.sh installs it on CI). Every document test checks its
statutory items through these, rather than through WeasyPrint's internals."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any


def pdf_text(source: Any, *, layout: bool = False, page: int | None = None) -> str:
    """The text of a PDF (a path, the bytes, or a ``CaseDocument`` that must be ready),
    with the layout's spaces and line breaks taken out: letter-spaced titles (受 理 回 执)
    and wrapped lines compare as the words they are. ``layout`` keeps table rows on one
    line; ``page`` reads that page only (1-based)."""
    from intake.models import CaseDocument

    data = None
    if isinstance(source, CaseDocument):
        assert source.status == CaseDocument.Status.READY, source.error
        source = source.file.path
    if isinstance(source, bytes):
        data, source = source, "-"
    command = ["pdftotext", *(["-layout"] if layout else [])]
    if page is not None:
        command += ["-f", str(page), "-l", str(page)]
    out = subprocess.run(
        [*command, str(Path(source)) if source != "-" else "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return "".join(out.split())


def document_text(case: Any, kind: str, **options: Any) -> str:
    """The text of the case's one document of ``kind``."""
    from intake.models import CaseDocument

    return pdf_text(CaseDocument.objects.get(case=case, kind=kind), **options)
