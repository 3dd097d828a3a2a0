"""The mediation agreement (人民调解协议书) as a PDF, from a template administrators can
adjust (centre.DocumentTemplate named ``mediation/agreement.html``)."""

from __future__ import annotations

import base64
from typing import Any

from django.utils import timezone

from intake import services as intake_services
from intake.documents import Renderer, register_renderer
from intake.models import Case, CaseDocument, CaseParty
from mediation.models import Agreement


def agreement_context(document: CaseDocument, case: Case) -> dict[str, Any]:
    """The agreement identifies the parties in full (name, ID document, address): it is
    the document a court confirms. Its download is audited like any full view."""
    agreement = Agreement.objects.select_related("mediation", "created_by").get(pk=document.ref_id)
    mediation = agreement.mediation
    lead = (
        mediation.participants.filter(is_lead=True, removed_at__isnull=True)
        .select_related("organisation", "mediator")
        .first()
    )
    organisation = lead.organisation if lead else None
    signed = {s["party"]: s for s in agreement.signatures}
    parties = []
    for cp in case.case_parties.select_related("party"):
        party = cp.party
        ident = intake_services.party_reveal_for_document(party)
        parties.append(
            {
                "role": cp.get_role_display(),
                "is_third": cp.role == CaseParty.Role.THIRD_PARTY,
                "name": party.name,
                "kind": party.kind,
                "id_type": party.get_id_type_display() if party.id_type else "",
                "id_number": ident["id_number"],
                "credit_code": party.credit_code or "",
                "legal_representative": party.legal_representative,
                "address": party.address,
                "phone": ident["phone"],
                "signature": signed.get(party.pk, {}).get("method", ""),
            }
        )
    return {
        "case": case,
        "agreement": agreement,
        "number": f"{case.number}-{agreement.version}",
        "organisation": organisation,
        "seal": _seal_data_uri(organisation),
        "mediators": agreement.mediator_names,
        "parties": parties,
        "issued_on": timezone.localdate(agreement.created_at),
        "centre": case.county,
    }


def _seal_data_uri(organisation) -> str:
    """The seal image inline: documents load nothing by URL except static files."""
    if organisation is None or not organisation.seal:
        return ""
    with organisation.seal.open("rb") as f:
        data = f.read()
    kind = "png" if data.startswith(b"\x89PNG") else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


register_renderer(
    CaseDocument.Kind.AGREEMENT,
    Renderer("mediation/agreement.html", agreement_context, editable=True, personal_data=True),
)
