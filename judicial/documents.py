"""Judicial documents: the application (司法确认申请书), the acceptance notice (受理通知书),
the rulings (民事裁定书: confirmed, refused, not accepted) and the handoff case file
(移送诉讼卷宗)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from centre.deadlines import date_text
from centre.numerals import date_in_numerals, province_name
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
        "court__county", "agreement__mediation", "judge"
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
    if confirmation.judge_id:
        context["judge"] = confirmation.judge.get_full_name() or confirmation.judge.username
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
