"""The pages every window's process shares: its queue (each window mounts it under its
own URL, behind its own desk permission)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from centre import selectors as centre_selectors
from intake import processes

QUEUE_LIMIT = 200


def queue_page(
    request: HttpRequest, *, models: tuple[type[processes.WindowProcess], ...], heading: Any
) -> HttpResponse:
    """Open cases at the window, the nearest statutory due date first; with each, the
    process of the window that has taken it up (the first of ``models`` that has)."""
    today = timezone.localdate()
    accessors = [processes.accessor_of(m) for m in models]
    rows = []
    for case in processes.queue(request.user, *models)[:QUEUE_LIMIT]:
        process = next(
            (p for p in (getattr(case, a, None) for a in accessors) if p is not None), None
        )
        rows.append(
            {
                "case": case,
                "process": process,
                "due_on": case.due_on,
                "days_left": (case.due_on - today).days if case.due_on else None,
            }
        )
    return render(
        request,
        "intake/window_queue.html",
        {
            "heading": heading,
            "rows": rows,
            "limit": QUEUE_LIMIT,
            "profile": centre_selectors.staff_profile(request.user),
        },
    )
