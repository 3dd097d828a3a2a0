"""The labour window's panels on the case page: the inspection (with what the employer
owes across its open complaints) and the arbitration (tribunal, hearing, award)."""

from __future__ import annotations

from intake.models import Case
from intake.processes import process_panel
from labour import selectors
from labour.models import Arbitration, LabourInspection

process_panel(
    LabourInspection,
    "labour/_inspection_panel.html",
    order=7,
    name="inspection",
    # Before it is opened, only while the complaint waits at the window.
    shown=lambda i: i.pk is not None or i.case.state == Case.State.TRIAGED,
    extra=lambda i: {"employer": selectors.employer_summary(i.case) if i.pk else None},
)
process_panel(
    Arbitration,
    "labour/_arbitration_panel.html",
    order=8,
    name="arbitration",
    # Before the application, only when a party may apply (第14条).
    shown=lambda a: a.pk is not None or a._may_apply(),
)
