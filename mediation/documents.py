"""The mediation agreement (人民调解协议书) as a PDF, from a template administrators can
adjust (centre.DocumentTemplate named ``mediation/agreement.html``)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from django.utils import timezone

from centre.periods import date_text
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
    # 人民调解法 第29条: the agreement takes effect when each party signs, seals or
    # fingerprints the paper original. A confirmation on the centre's screen records that
    # the party agreed to the text; it is not a signature and is never printed as one, so
    # every signing party gets an empty signature and fingerprint line.
    signers = [p for p in parties if not p["is_third"] or p["signature"]]
    onscreen = [
        {**p, "on": _signed_on(signed[p["party_id"]].get("signed_at"))}
        for p in signers
        if p["signature"] == "onscreen"
    ]
    return {
        "case": case,
        "agreement": agreement,
        "number": f"{case.number}-{agreement.version}",
        "organisation": organisation,
        "seal": _seal_data_uri(organisation),
        "mediators": agreement.mediator_names,
        "mediator_list": [n for n in agreement.mediator_names.split("、") if n],
        "parties": parties,
        "signers": signers,
        "onscreen": onscreen,
        # Each signing party keeps one original and the committee one: 一式三份 in words.
        "copies": chinese_count(len(signers) + 1),
        "issued_on": timezone.localdate(agreement.created_at),
        "centre": case.county,
    }


_DIGITS = "零一二三四五六七八九"


def chinese_count(n: int) -> str:
    """A small count in Chinese words, as documents write copies (一式三份, 一式十二份)."""
    if n == 2:
        return "两"
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return f"{_DIGITS[tens] if tens > 1 else ''}十{_DIGITS[ones] if ones else ''}"


def _signed_on(value: str | None) -> str:
    if not value:
        return ""
    try:
        return date_text(timezone.localdate(datetime.fromisoformat(value)))
    except (TypeError, ValueError):
        return ""


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
