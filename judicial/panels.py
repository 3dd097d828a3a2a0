"""Judicial's panel on the case page: the confirmation application and the court's steps,
the handoff package with its progress, and the court's outcome."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from intake import panels
from intake.models import Case
from judicial.forms import ClerkForm, CourtOutcomeForm, ExtendForm
from judicial.models import Delegation, Handoff


def judicial_panel(request: HttpRequest, case: Case) -> str | None:
    confirmations = list(case.confirmations.select_related("court", "judge", "clerk"))
    handoff = Handoff.objects.filter(case=case).select_related("court").first()
    delegation = Delegation.objects.filter(case=case).select_related("court").first()
    if not confirmations and handoff is None and delegation is None:
        return None
    user = request.user
    current = next((c for c in confirmations if not c.decided_at), None)
    court = current.court if current else None
    is_judge = court is not None and (
        court.judges.filter(pk=user.pk).exists() or court.president_id == user.pk
    )
    return render_to_string(
        "judicial/_panel.html",
        {
            "case": case,
            "confirmations": confirmations,
            "current": current,
            "can_accept": is_judge and current is not None and current.accepted_at is None,
            "can_extend": current is not None
            and court.president_id == user.pk
            and current.accepted_at is not None
            and current.extended_at is None,
            "extend_form": ExtendForm(),
            # The judge names the clerk; a clerk of the court may take the case himself.
            "can_set_clerk": current is not None
            and (is_judge or court.clerks.filter(pk=user.pk).exists()),
            "clerk_form": ClerkForm(
                court=court, initial={"clerk": current.clerk_id if current else None}
            )
            if current is not None
            else None,
            "handoff": handoff,
            "delegation": delegation,
            "can_record_outcome": handoff is not None
            and not handoff.court_case_number
            and case.state == Case.State.LITIGATING
            and user.has_perm("judicial.record_court_outcome"),
            "outcome_form": CourtOutcomeForm(),
            "can_unlimit": delegation is not None
            and not delegation.unlimited
            and case.state == Case.State.MEDIATING
            and user.has_perm("centre.use_mediation_desk"),
        },
        request=request,
    )


panels.register(20, judicial_panel)
