"""Judicial documents: the application (司法确认申请书), the acceptance notice (受理通知书),
the rulings (民事裁定书: confirmed, refused, not accepted) and the handoff case file
(引导诉讼材料)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from centre.numerals import date_in_numerals, province_name
from centre.periods import date_text
from intake.documents import Renderer, parties_in_full, register_renderer
from intake.models import Case, CaseDocument
from judicial.models import Confirmation, Court, Handoff
from mediation.selectors import lead_participant

# 民诉法解释 第358条 (refusal) and 第355条第1款 (not accepted): the item of the article
# each ground is, for the ruling's citation.
_REFUSAL_ITEMS = dict(zip(Confirmation.Ground.values, "一二三四五六", strict=True))
_NOT_ACCEPTED_ITEMS = dict(zip(Confirmation.NotAcceptedGround.values, "一二三四五", strict=True))


def court_heading(court: Court) -> str:
    """A court document is headed by the court's full name, its province first
    (浙江省安吉县人民法院): the province is the county code's (GB/T 2260)."""
    province = province_name(court.county.code) or court.county.province_name
    return court.name if court.name.startswith(province) else f"{province}{court.name}"


def applicants(case: Case, *, with_phone: bool) -> list[dict[str, Any]]:
    """A judicial confirmation is applied for jointly: every party is 申请人 (民事诉讼法
    第205条), whatever their role at the centre. Only the application (the parties' own
    paper) carries their phones; the court's documents do not."""
    parties = parties_in_full(case)
    for party in parties:
        party["role"] = "申请人"
        if not with_phone:
            party["phone"] = ""
    return parties


def _grounds(subject: str, reason: str, label: str) -> str:
    """本院经审查认为 …: the judge's words, then the statutory ground they fall under —
    the ground left out when the words already say it, so that nothing is said twice."""
    reason = reason.strip().rstrip("。；;，, ")
    category = label.removesuffix("的情形").removesuffix("情形")
    if not reason:
        return f"{subject}属于“{category}”的情形。"
    if label in reason or category in reason:
        return f"{reason}。"
    return f"{reason}，{subject}属于“{category}”的情形。"


def _confirmation_context(document: CaseDocument, case: Case) -> dict[str, Any]:
    confirmation = Confirmation.objects.select_related(
        "court__county", "agreement__mediation", "judge", "clerk"
    ).get(pk=document.ref_id)
    agreement = confirmation.agreement
    lead = lead_participant(agreement.mediation)
    parties = applicants(case, with_phone=False)
    context = {
        "case": case,
        "confirmation": confirmation,
        "agreement": agreement,
        "organisation": lead.organisation if lead else None,
        "court_heading": court_heading(confirmation.court),
        "parties": parties,
        "names": "、".join(p["name"] for p in parties),
        "applied_on": date_text(timezone.localdate(confirmation.applied_at)),
        "effective_on": date_text(confirmation.agreement_effective_on),
        "terms": agreement.terms.strip().rstrip("。；;，, "),
        "method": agreement.performance_method.strip().rstrip("。；;，, "),
        "performance_due": date_text(agreement.performance_due),
        "accepted_on": date_text(timezone.localdate(confirmation.accepted_at))
        if confirmation.accepted_at
        else "",
    }
    # The ruling ends with the judge and, under the certification of the copy, the clerk
    # (书记员); a clerk not yet named leaves the line to be filled in by hand.
    for role in ("judge", "clerk"):
        user = getattr(confirmation, role)
        if user is not None:
            context[role] = user.get_full_name() or user.get_username()
    return context


def application_context(document: CaseDocument, case: Case) -> dict[str, Any]:
    context = _confirmation_context(document, case)
    context["parties"] = applicants(case, with_phone=True)
    return context


def acceptance_context(document: CaseDocument, case: Case) -> dict[str, Any]:
    """受理通知书 (法释〔2011〕5号 第4条): the number, the acceptance and the review period."""
    context = _confirmation_context(document, case)
    confirmation = context["confirmation"]
    context["decide_due"] = date_text(confirmation.decide_due) if confirmation.decide_due else ""
    context["issued_on"] = date_in_numerals(timezone.localdate(confirmation.accepted_at))
    return context


def ruling_context(document: CaseDocument, case: Case) -> dict[str, Any]:
    context = _confirmation_context(document, case)
    confirmation = context["confirmation"]
    confirmed = confirmation.decision == Confirmation.Decision.CONFIRMED
    context["confirmed"] = confirmed
    context["decided_on"] = date_in_numerals(timezone.localdate(confirmation.decided_at))
    if not confirmed:
        context["grounds"] = _grounds(
            "该调解协议", confirmation.reason, confirmation.get_ground_display()
        )
        context["item"] = _REFUSAL_ITEMS.get(confirmation.ground, "六")
    return context


def not_accepted_context(document: CaseDocument, case: Case) -> dict[str, Any]:
    """不予受理 (民诉法解释 第355条第1款): the court never reviewed the agreement."""
    context = _confirmation_context(document, case)
    confirmation = context["confirmation"]
    context["decided_on"] = date_in_numerals(timezone.localdate(confirmation.decided_at))
    context["grounds"] = _grounds(
        "该申请", confirmation.reason, confirmation.get_not_accepted_ground_display()
    )
    context["item"] = _NOT_ACCEPTED_ITEMS[confirmation.not_accepted_ground]
    return context


def handoff_context(document: CaseDocument, case: Case) -> dict[str, Any]:
    """The guide to suing (引导诉讼材料): what a complaint needs (民事诉讼法 第124条) and the
    mediation record. The parties' full ID numbers and phones are decrypted as for the
    agreement (``parties_in_full``); the document is audited when downloaded."""
    from centre.periods import date_text
    from mediation.models import Mediation

    handoff = Handoff.objects.select_related("court", "requested_by").get(case=case)
    mediation = (
        Mediation.objects.filter(case=case)
        .prefetch_related("sessions", "agreements", "participants__mediator")
        .first()
    )
    parties = parties_in_full(case)
    for party in parties:
        # 民事诉讼法 第124条第1项 (sex, birth date, ethnicity, occupation, employer): what
        # the parties told at the handoff wins over the case file.
        told = handoff.party_details.get(str(party["party_id"]), {})
        party.update({key: value for key, value in told.items() if value})
    attachments = list(case.attachments.order_by("uploaded_at", "id"))
    bundled = handoff_documents(case)
    # 第124条第4项: each piece of evidence with its source. The clerk's list comes first,
    # then the papers of the mediation and the attachments gathered in it.
    evidence = [
        *handoff.evidence,
        *(
            {
                "name": paper_title(d),
                "source": "人民调解委员会" if d.kind == CaseDocument.Kind.AGREEMENT else "人民法院",
                "proves": "调解达成的协议内容"
                if d.kind == CaseDocument.Kind.AGREEMENT
                else "申请司法确认的经过和结果",
            }
            for d in bundled
        ),
        *(
            {
                "name": a.original_name,
                "source": f"调解中收集，{date_text(timezone.localdate(a.uploaded_at))}附卷",
                "proves": "",
            }
            for a in attachments
        ),
    ]
    files = [
        *(
            {"name": paper_title(d), "kind": "文书", "size": None, "on": d.created_at}
            for d in bundled
        ),
        *(
            {"name": a.original_name, "kind": a.content_type, "size": a.size, "on": a.uploaded_at}
            for a in attachments
        ),
    ]
    return {
        "case": case,
        "handoff": handoff,
        "cause": handoff.get_cause_display(),
        "parties": parties,
        "evidence": evidence,
        "files": files,
        "events": case.events.select_related("actor").order_by("at", "id"),
        "mediation": mediation,
        "sessions": list(mediation.sessions.all()) if mediation else [],
        "agreements": list(mediation.agreements.all()) if mediation else [],
        "confirmations": list(case.confirmations.select_related("court")),
        "attachments": attachments,
        "bundled": bundled,
        "generated_at": timezone.localtime(),
    }


# The papers the parties take to court besides the guide itself: the signed agreement,
# the confirmation application, and the court's rulings on it (第124条: evidence).
BUNDLED_KINDS = (
    CaseDocument.Kind.AGREEMENT,
    CaseDocument.Kind.CONFIRMATION_APPLICATION,
    CaseDocument.Kind.CONFIRMATION_NOT_ACCEPTED,
    CaseDocument.Kind.RULING,
)


def paper_title(document: CaseDocument) -> str:
    if document.kind == CaseDocument.Kind.AGREEMENT:
        return f"{document.get_kind_display()}（第{document.ref_version}版）"
    return str(document.get_kind_display())


def handoff_documents(case: Case) -> list[CaseDocument]:
    """The case's documents that go into the package, in the order they were made."""
    return list(
        CaseDocument.objects.filter(case=case, kind__in=BUNDLED_KINDS).order_by("created_at", "id")
    )


register_renderer(
    CaseDocument.Kind.CONFIRMATION_APPLICATION,
    Renderer("judicial/application.html", application_context, personal_data=True),
)
register_renderer(
    CaseDocument.Kind.RULING, Renderer("judicial/ruling.html", ruling_context, personal_data=True)
)
register_renderer(
    CaseDocument.Kind.CONFIRMATION_ACCEPTANCE,
    Renderer("judicial/acceptance.html", acceptance_context, personal_data=True),
)
register_renderer(
    CaseDocument.Kind.CONFIRMATION_NOT_ACCEPTED,
    Renderer("judicial/not_accepted.html", not_accepted_context, personal_data=True),
)
register_renderer(
    CaseDocument.Kind.HANDOFF,
    Renderer("judicial/handoff.html", handoff_context, personal_data=True),
)
