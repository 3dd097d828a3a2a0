"""The legal-aid window's panel on the case page: the decision and its ground, the
objection, who was assigned, and the aided matter's result."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from intake import panels, processes
from intake.models import Case
from legal_aid.models import LegalAid


def legal_aid_panel(request: HttpRequest, case: Case) -> str | None:
    aid = processes.process_of(case, LegalAid)
    if aid is None:
        return None
    return render_to_string(
        "legal_aid/_panel.html",
        {
            "case": case,
            "process": aid,
            "aid": aid,
            "panel_id": "legal-aid-panel",
            "state_id": "legal-aid-state",
        },
        request=request,
    )


panels.register(6, legal_aid_panel)
