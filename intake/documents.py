"""The documents intake generates: the acceptance receipt (受理回执)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from centre.documents import qr_svg_data_uri, register_editable, render_pdf
from centre.models import AuditLog
from centre.periods import date_text
from centre.services import audit_record
from intake.identity import Sex, gb11643_facts
from intake.models import Case, CaseDocument, CaseParty, Party
from intake.receipt_time_limit import receipt_time_limit


def progress_url(case: Case) -> str:
    return (
        f"{settings.PUBLIC_BASE_URL.rstrip('/')}{reverse('progress')}?"
        f"{urlencode({'number': case.number})}"
    )


def receipt_context(case: Case) -> dict[str, Any]:
    """Everything on the receipt. Parties appear masked: the receipt leaves the building."""
    county = case.county
    limit = receipt_time_limit(case.nature)
    category = case.category
    url = progress_url(case)
    return {
        "centre": {"name": county.centre_name, "address": county.address, "phone": county.phone},
        "case": {
            "number": case.number,
            "registered_on": timezone.localdate(case.registered_at),
            "channel": case.get_channel_display(),
            "category": f"{category.parent.name} / {category.name}"
            if category.parent_id
            else category.name,
            "summary": case.summary,
            "window": case.window.name if case.window_id else _suggested(case),
            "registered_by": case.registered_by.get_full_name()
            or case.registered_by.get_username(),
        },
        "parties": [
            {
                "role": cp.get_role_display(),
                "name": cp.party.name,
                "id_type": cp.party.get_id_type_display()
                if cp.party.id_type
                else ("统一社会信用代码" if cp.party.credit_code else ""),
                "id_masked": cp.party.id_number_masked or cp.party.credit_code or "",
                "phone_masked": cp.party.phone_masked,
            }
            for cp in case.case_parties.select_related("party")
        ],
        "time_limit": {"label": limit.label, "source": limit.source} if limit else None,
        "progress_url": url,
        "qr": qr_svg_data_uri(url),
        "issued_at": timezone.localtime(),
    }


def _suggested(case: Case) -> str | None:
    """Not yet triaged: the window the desk suggested, marked as pending."""
    if not case.suggested_window_id:
        return None
    return _("待分流（建议：%(window)s）") % {"window": case.suggested_window.name}


def parties_in_full(case: Case) -> list[dict[str, Any]]:
    """The parties as a legal document identifies them (the agreement a court confirms,
    the application, the ruling): full ID numbers and phones. Such documents are audited
    when downloaded (``Renderer.personal_data``)."""
    from intake.services import party_reveal_for_document

    rows = []
    for cp in case.case_parties.select_related("party"):
        party = cp.party
        full = party_reveal_for_document(party)
        rows.append(
            {
                "party_id": party.pk,
                "role": cp.get_role_display(),
                "is_third": cp.role == CaseParty.Role.THIRD_PARTY,
                "name": party.name,
                "kind": party.kind,
                "id_type": party.get_id_type_display() if party.id_type else "",
                "id_number": full["id_number"],
                "credit_code": party.credit_code or "",
                "legal_representative": party.legal_representative,
                "address": party.address,
                "phone": full["phone"],
                **person_particulars(party, full["id_number"]),
            }
        )
    return rows


def person_particulars(party: Party, id_number: str) -> dict[str, str]:
    """A natural person's sex, birth date, ethnicity and occupation as a legal document
    prints them (人民调解协议书, 民事裁定书: 民事诉讼法 第124条第1项 lists the same): sex and
    birth date from a GB 11643 number where it states them, else as told at the desk."""
    if party.kind != Party.Kind.PERSON:
        return {"sex": "", "birth": "", "ethnicity": "", "occupation": ""}
    facts = gb11643_facts(party.id_type, id_number)
    sex, born = facts if facts else (party.sex, party.birth_date)
    return {
        "sex": str(Sex(sex).label) if sex else "",
        "birth": date_text(born) if born else "",
        "ethnicity": party.get_ethnicity_display() if party.ethnicity else "",
        "occupation": party.occupation,
    }


@dataclass(frozen=True)
class Renderer:
    """How a kind of document is made: its template and the context for one document.
    Window apps register theirs (the agreement, the ruling …) from AppConfig.ready()."""

    template: str
    context: Callable[[CaseDocument, Case], dict[str, Any]]
    # An administrator's edited template (centre.DocumentTemplate) replaces the file.
    editable: bool = False
    # It shows parties' full ID numbers or phones: each download is audited.
    personal_data: bool = False
    # An editable template's sample context (every key of ``context``'s, representative
    # values, no database): an administrator's version is rendered with it before saving.
    sample: Callable[[], dict[str, Any]] | None = None


RENDERERS: dict[str, Renderer] = {}


def register_renderer(kind: str, renderer: Renderer) -> None:
    if renderer.editable:
        if renderer.sample is None:
            raise ValueError(f"An editable document template needs a sample: {renderer.template}")
        register_editable(renderer.template, renderer.sample)
    RENDERERS[kind] = renderer


register_renderer(
    CaseDocument.Kind.RECEIPT,
    Renderer("intake/receipt.html", lambda document, case: receipt_context(case)),
)


def render(document: CaseDocument) -> tuple[str, bytes]:
    """The file name and PDF bytes of a document."""
    renderer = RENDERERS[document.kind]
    case = Case.objects.select_related(
        "county",
        "category__parent",
        "region__parent",
        "window",
        "suggested_window",
        "registered_by",
    ).get(pk=document.case_id)
    context = renderer.context(document, case)
    if case.state == Case.State.CLOSED:
        # A document issued on a closed case (the window's conclusion) invites the applicant
        # to rate the result: the progress page links to the rating (feedback app).
        context.setdefault("rating_qr", qr_svg_data_uri(progress_url(case)))
        context.setdefault("rating_url", progress_url(case))
    pdf = render_pdf(renderer.template, context, editable=renderer.editable)
    suffix = f"-v{document.ref_version}" if document.ref_version else ""
    return f"{document.kind}-{case.number}{suffix}.pdf", pdf


def audit_download(*, actor, request, document: CaseDocument, case: Case) -> None:
    """A document showing full personal data is a view of it: audited like a reveal."""
    renderer = RENDERERS.get(document.kind)
    if renderer is not None and renderer.personal_data:
        audit_record(
            actor=actor,
            action=AuditLog.Action.VIEW_PERSONAL_DATA,
            request=request,
            obj=document,
            county=case.county,
            case_number=case.number,
            detail={"document": document.kind, "version": document.ref_version},
        )
