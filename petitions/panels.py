"""The petition window's panel on the case page: where the petition stands, its flags,
its replies, the mediation it was sent to and what came of it."""

from __future__ import annotations

from typing import Any

from intake.processes import process_panel
from petitions import selectors
from petitions.models import Petition


def _extra(petition: Petition) -> dict[str, Any]:
    case = petition.case
    mediation = getattr(case, "mediation", None) if petition.mediation_sent_at else None
    return {
        "flags": selectors.flags(case) if petition.pk is None else None,
        "mediation": mediation,
        "agreement": mediation.agreements.last() if mediation else None,
    }


process_panel(Petition, "petitions/_panel.html", order=5, name="petition", extra=_extra)
