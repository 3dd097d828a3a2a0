"""The review window's panel on the case page: the act challenged and its organ, the
acceptance (by hand or by law), the organ's answer, the decision period and how it ended."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from intake import panels, processes
from intake.models import Case
from review.models import AdministrativeReview


def review_panel(request: HttpRequest, case: Case) -> str | None:
    review = processes.process_of(case, AdministrativeReview)
    if review is None:
        return None
    return render_to_string(
        "review/_panel.html",
        {
            "case": case,
            "process": review,
            "review": review,
            "panel_id": "review-panel",
            "state_id": "review-state",
        },
        request=request,
    )


panels.register(9, review_panel)
