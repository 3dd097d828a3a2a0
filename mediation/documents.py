"""The mediation agreement (人民调解协议书) as a PDF, from a template administrators can
adjust (centre.DocumentTemplate named ``mediation/agreement.html``)."""

from __future__ import annotations

import base64
from typing import Any

from django.utils import timezone

from intake.documents import Renderer, parties_in_full, register_renderer
from intake.models import Case, CaseDocument
from mediation.models import Agreement
from mediation.selectors import lead_participant


def agreement_context(document: CaseDocument, case: Case) -> dict[str, Any]:
    """The agreement identifies the parties in full (name, ID document, address): it is
    the document a court confirms. Its download is audited like any full view."""
    agreement = Agreement.objects.select_related("mediation", "created_by").get(pk=document.ref_id)
    mediation = agreement.mediation
    lead = lead_participant(mediation)
    organisation = lead.organisation if lead else None
    signed = {s["party"]: s for s in agreement.signatures}
    parties = parties_in_full(case)
    for row in parties:
        row["signature"] = signed.get(row["party_id"], {}).get("method", "")
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
