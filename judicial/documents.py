"""Judicial documents: the application (司法确认申请书), the ruling (民事裁定书) and the
handoff case file (移送诉讼卷宗)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from intake.documents import Renderer, parties_in_full, register_renderer
from intake.models import Case, CaseDocument
from judicial.models import Confirmation, Handoff
from mediation.selectors import lead_participant


def application_context(document: CaseDocument, case: Case) -> dict[str, Any]:
    confirmation = Confirmation.objects.select_related("court", "agreement__mediation").get(
        pk=document.ref_id
    )
    lead = lead_participant(confirmation.agreement.mediation)
    return {
        "case": case,
        "confirmation": confirmation,
        "agreement": confirmation.agreement,
        "organisation": lead.organisation if lead else None,
        "parties": parties_in_full(case),
        "applied_on": timezone.localdate(confirmation.applied_at),
    }


def ruling_context(document: CaseDocument, case: Case) -> dict[str, Any]:
    confirmation = Confirmation.objects.select_related(
        "court", "agreement__mediation", "judge"
    ).get(pk=document.ref_id)
    lead = lead_participant(confirmation.agreement.mediation)
    return {
        "case": case,
        "confirmation": confirmation,
        "agreement": confirmation.agreement,
        "organisation": lead.organisation if lead else None,
        "parties": parties_in_full(case),
        "confirmed": confirmation.decision == Confirmation.Decision.CONFIRMED,
        "decided_on": timezone.localdate(confirmation.decided_at),
        "judge": confirmation.judge.get_full_name() or confirmation.judge.username,
    }


def handoff_context(document: CaseDocument, case: Case) -> dict[str, Any]:
    from mediation.models import Mediation

    handoff = Handoff.objects.select_related("court", "requested_by").get(case=case)
    mediation = (
        Mediation.objects.filter(case=case)
        .prefetch_related("sessions", "agreements", "participants__mediator")
        .first()
    )
    return {
        "case": case,
        "handoff": handoff,
        "parties": parties_in_full(case),
        "events": case.events.select_related("actor").order_by("at", "id"),
        "mediation": mediation,
        "sessions": list(mediation.sessions.all()) if mediation else [],
        "agreements": list(mediation.agreements.all()) if mediation else [],
        "confirmations": list(case.confirmations.select_related("court")),
        "attachments": list(case.attachments.order_by("uploaded_at", "id")),
        "generated_at": timezone.localtime(),
    }


register_renderer(
    CaseDocument.Kind.CONFIRMATION_APPLICATION,
    Renderer("judicial/application.html", application_context, personal_data=True),
)
register_renderer(
    CaseDocument.Kind.RULING, Renderer("judicial/ruling.html", ruling_context, personal_data=True)
)
register_renderer(
    CaseDocument.Kind.HANDOFF,
    Renderer("judicial/handoff.html", handoff_context, personal_data=True),
)
