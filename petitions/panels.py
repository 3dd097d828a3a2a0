"""The petition window's panel on the case page: where the petition stands, its flags,
its replies, the mediation it was sent to and what came of it."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from intake import panels, processes
from intake.models import Case
from petitions import selectors
from petitions.models import Petition


def petition_panel(request: HttpRequest, case: Case) -> str | None:
    petition = processes.process_of(case, Petition)
    if petition is None:
        return None
    mediation = getattr(case, "mediation", None) if petition.mediation_sent_at else None
    return render_to_string(
        "petitions/_panel.html",
        {
            "case": case,
            "process": petition,
            "petition": petition,
            "panel_id": "petition-panel",
            "state_id": "petition-state",
            "flags": selectors.flags(case) if petition.pk is None else None,
            "mediation": mediation,
            "agreement": mediation.agreements.last() if mediation else None,
        },
        request=request,
    )


panels.register(5, petition_panel)
