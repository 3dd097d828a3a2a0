"""The labour window's panels on the case page: the inspection (with what the employer
owes across its open complaints) and the arbitration (tribunal, hearing, award)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from intake import panels, processes
from intake.models import Case
from labour import selectors
from labour.models import Arbitration, LabourInspection


def inspection_panel(request: HttpRequest, case: Case) -> str | None:
    inspection = processes.process_of(case, LabourInspection)
    if inspection is None or (inspection.pk is None and case.state != Case.State.TRIAGED):
        return None
    return render_to_string(
        "labour/_inspection_panel.html",
        {
            "case": case,
            "process": inspection,
            "inspection": inspection,
            "employer": selectors.employer_summary(case) if inspection.pk else None,
            "panel_id": "inspection-panel",
            "state_id": "inspection-state",
        },
        request=request,
    )


def arbitration_panel(request: HttpRequest, case: Case) -> str | None:
    arbitration = processes.process_of(case, Arbitration)
    if arbitration is None or (arbitration.pk is None and not arbitration._may_apply()):
        return None
    return render_to_string(
        "labour/_arbitration_panel.html",
        {
            "case": case,
            "process": arbitration,
            "arbitration": arbitration,
            "panel_id": "arbitration-panel",
            "state_id": "arbitration-state",
        },
        request=request,
    )


panels.register(7, inspection_panel)
panels.register(8, arbitration_panel)
