"""Judicial documents: the application (司法确认申请书), the ruling (民事裁定书) and the
handoff case file (移送诉讼卷宗)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from intake import services as intake_services
from intake.documents import Renderer, register_renderer
from intake.models import Case, CaseDocument
from judicial.models import Confirmation, Handoff


def _parties(case: Case) -> list[dict[str, Any]]:
    rows = []
    for cp in case.case_parties.select_related("party"):
        party = cp.party
        full = intake_services.party_reveal_for_document(party)
        rows.append(
            {
                "role": cp.get_role_display(),
                "name": party.name,
                "id_type": party.get_id_type_display() if party.id_type else "",
                "id_number": full["id_number"],
                "credit_code": party.credit_code or "",
                "legal_representative": party.legal_representative,
                "address": party.address,
                "phone": full["phone"],
            }
        )
    return rows


def application_context(document: CaseDocument, case: Case) -> dict[str, Any]:
    confirmation = Confirmation.objects.select_related("court", "agreement__mediation").get(
        pk=document.ref_id
    )
    lead = (
        confirmation.agreement.mediation.participants.filter(is_lead=True)
        .select_related("organisation")
        .first()
    )
    return {
        "case": case,
        "confirmation": confirmation,
        "agreement": confirmation.agreement,
        "organisation": lead.organisation if lead else None,
        "parties": _parties(case),
        "applied_on": timezone.localdate(confirmation.applied_at),
    }


def ruling_context(document: CaseDocument, case: Case) -> dict[str, Any]:
    confirmation = Confirmation.objects.select_related(
        "court", "agreement__mediation", "judge"
    ).get(pk=document.ref_id)
    lead = (
        confirmation.agreement.mediation.participants.filter(is_lead=True)
        .select_related("organisation")
        .first()
    )
    return {
        "case": case,
        "confirmation": confirmation,
        "agreement": confirmation.agreement,
        "organisation": lead.organisation if lead else None,
        "parties": _parties(case),
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
        "parties": _parties(case),
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
