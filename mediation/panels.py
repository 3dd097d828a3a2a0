"""Mediation's panel on the case page: who mediates, the clock, sessions, agreements."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from intake import panels, workflow
from intake.models import Case
from mediation import selectors
from mediation.forms import CorrectionForm, PerformanceForm, SessionForm
from mediation.models import Mediation
from mediation.transitions import RecordAgreementForm

# The session key of an agreement's typed text, kept when it could not be recorded.
AGREEMENT_DRAFT = "mediation-agreement-draft:%s"
# The session key of the mediators, lead and organisation chosen to start a mediation,
# kept when the start was refused.
START_DRAFT = "mediation-start-draft:%s"


def _start_choice(request: HttpRequest, case: Case, suggestions: list) -> dict:
    """What the start form shows as chosen: the choice refused a moment ago, as it was
    made; otherwise the best suggestion whose mediator can sign in, as lead."""
    draft = request.session.pop(START_DRAFT % case.number, None)
    if draft:
        return {
            "mediators": {str(pk) for pk in draft.get("mediators") or []},
            "lead": str(draft.get("lead") or ""),
            "organisation": str(draft.get("organisation") or ""),
            "linkage": draft.get("linkage") or "",
        }
    lead = next((s for s in suggestions if s.can_sign_in), None)
    if lead is None:
        return {"mediators": set(), "lead": "", "organisation": "", "linkage": ""}
    pk = str(lead.mediator.pk)
    return {
        "mediators": {pk},
        "lead": pk,
        "organisation": str(lead.organisation.pk),
        "linkage": "",
    }


def mediation_panel(request: HttpRequest, case: Case) -> str | None:
    mediation = selectors.mediation_of(case)
    can_start = case.state == Case.State.TRIAGED and workflow.may_fire(
        request.user, case, "start_mediation"
    )
    if mediation is None and not can_start:
        return None
    user = request.user
    can_agree = case.state == Case.State.MEDIATING and workflow.may_fire(
        request.user, case, "record_agreement"
    )
    context = {
        "case": case,
        "mediation": mediation,
        "can_start": can_start,
        "linkages": Mediation.Linkage.choices,
        "can_supervise": user.has_perm("centre.supervise_windows"),
        "mediating": case.state == Case.State.MEDIATING,
        "can_agree": can_agree,
        "today": timezone.localdate(),
    }
    if can_start:
        suggestions = selectors.suggest_mediators(case)[:12]
        context["suggestions"] = suggestions
        # Every organisation of the listed mediators: the lead's, whichever is chosen, is
        # among them (choosing a lead picks its organisation, static/js/mediation_start.js).
        context["organisations"] = sorted(
            {o for s in suggestions for o in s.mediator.organisations.all()}
            | {s.organisation for s in suggestions},
            key=lambda o: o.name,
        )
        context["chosen"] = _start_choice(request, case, suggestions)
    if mediation is not None:
        # An agreement not recorded (a refused scan …) comes back as it was typed, once.
        draft = request.session.pop(AGREEMENT_DRAFT % case.number, None) if can_agree else None
        context["session_form"] = SessionForm()
        context["agreement_form"] = RecordAgreementForm(
            case=case, auto_id="id_agreement_%s", initial=draft
        )
        context["agreement_draft"] = draft is not None
        context["parties"] = list(case.case_parties.all())
        for cp in context["parties"]:
            cp.signature_draft = (draft or {}).get("signatures", {}).get(str(cp.party_id), "")
        context["performance_form"] = PerformanceForm()
        agreements = list(mediation.agreements.all())
        latest = agreements[-1] if agreements else None
        context["agreements"], context["latest_agreement"] = agreements, latest
        context["correction_form"] = (
            CorrectionForm(
                initial={"terms": latest.terms, "performance_due": latest.performance_due}
            )
            if latest
            else CorrectionForm()
        )
    return render_to_string("mediation/_panel.html", context, request=request)


panels.register(10, mediation_panel)
