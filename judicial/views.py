"""Judicial pages: the court's queue, the court's steps on the case page, the court
clerk's delegation desk and outcome form. Thin: access, then a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centre import selectors as centre_selectors
from centre.access import desk_required
from intake.access import access_case_for
from intake.forms import CaseForm, PartyFormSet, case_input, initial_parties
from judicial import selectors, services
from judicial.forms import ClerkForm, CourtOutcomeForm, DelegationForm, ExtendForm
from judicial.models import Delegation, Handoff

DESK = "centre.use_judicial_desk"


@desk_required(DESK)
def queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "judicial/queue.html",
        {
            "profile": centre_selectors.staff_profile(request.user),
            "courts": selectors.courts_of(request.user),
            "pending": selectors.queue(request.user),
            "decided": selectors.decided(request.user)[:20],
            "awaiting": selectors.awaiting_outcome(request.user),
        },
    )


def _messages_from(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


@require_POST
def accept(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case_for(request.user, number)
    confirmation = services.open_confirmation(case)
    if confirmation is None:
        raise Http404
    try:
        services.confirmation_accept(actor=request.user, confirmation=confirmation)
        messages.success(request, _("已受理，审查期限开始计算"))
    except ValidationError as exc:
        _messages_from(request, exc)
    return redirect("intake:case", number=number)


@require_POST
def clerk(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case_for(request.user, number)
    confirmation = services.open_confirmation(case)
    if confirmation is None:
        raise Http404
    form = ClerkForm(request.POST, court=confirmation.court)
    try:
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        services.confirmation_clerk_set(
            actor=request.user, confirmation=confirmation, clerk=form.cleaned_data["clerk"]
        )
        messages.success(request, _("已指定书记员"))
    except ValidationError as exc:
        _messages_from(request, exc)
    return redirect("intake:case", number=number)


@require_POST
def extend(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case_for(request.user, number)
    confirmation = services.open_confirmation(case)
    form = ExtendForm(request.POST)
    if confirmation is None:
        raise Http404
    try:
        if not form.is_valid():
            raise ValidationError(_("请填写延长理由"))
        services.confirmation_extend(
            actor=request.user, confirmation=confirmation, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("已批准延长审查期限"))
    except ValidationError as exc:
        _messages_from(request, exc)
    return redirect("intake:case", number=number)


@require_POST
def outcome(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case_for(request.user, number)
    if not request.user.has_perm("judicial.record_court_outcome"):
        return render(request, "403.html", status=403)
    form = CourtOutcomeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        services.court_outcome_record(actor=request.user, case=case, **form.cleaned_data)
        messages.success(request, _("已登记法院立案，案件办结"))
    except ValidationError as exc:
        _messages_from(request, exc)
    except Exception as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
    return redirect("intake:case", number=number)


@require_POST
def unlimit(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case_for(request.user, number)
    delegation = Delegation.objects.filter(case=case).first()
    if delegation is None or not request.user.has_perm("centre.use_mediation_desk"):
        raise Http404
    services.delegation_record_unlimited(actor=request.user, delegation=delegation)
    messages.success(request, _("已记录双方同意不受期限限制"))
    return redirect("intake:case", number=number)


def handoff_status(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case_for(request.user, number)
    handoff = Handoff.objects.filter(case=case).select_related("court").first()
    if handoff is None:
        raise Http404
    return render(request, "judicial/_handoff_box.html", {"handoff": handoff, "case": case})


def handoff_zip(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case_for(request.user, number)
    handoff = Handoff.objects.filter(case=case, status=Handoff.Status.READY).first()
    if handoff is None or not handoff.archive:
        raise Http404
    from intake.documents import audit_download
    from intake.models import CaseDocument

    document = CaseDocument.objects.filter(case=case, kind=CaseDocument.Kind.HANDOFF).first()
    if document is not None:
        audit_download(actor=request.user, request=request, document=document, case=case)
    return FileResponse(
        handoff.archive.open("rb"), as_attachment=True, filename=f"{case.number}-引导诉讼材料.zip"
    )


@desk_required("judicial.add_delegation")
def delegate(request: HttpRequest) -> HttpResponse:
    """The court clerk's page: a dispute delegated before filing becomes a case."""
    profile = centre_selectors.staff_profile(request.user)
    courts = selectors.courts_of(request.user)
    court = courts.first()
    if profile is None or court is None:
        raise Http404
    if request.method == "POST":
        form = DelegationForm(request.POST)
        case_form = CaseForm(request.POST, county=profile.county)
        parties = PartyFormSet(request.POST, prefix="parties")
        if form.is_valid() and case_form.is_valid() and parties.is_valid():
            try:
                case = services.delegation_register(
                    actor=request.user,
                    court=court,
                    data=case_input(case_form, parties),
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                _messages_from(request, exc)
            else:
                messages.success(
                    request, _("已委派中心调解，案件编号%(number)s") % {"number": case.number}
                )
                return redirect("intake:case", number=case.number)
    else:
        form = DelegationForm()
        case_form = CaseForm(county=profile.county, initial={"channel": "platform"})
        parties = PartyFormSet(prefix="parties", initial=initial_parties())
    return render(
        request,
        "judicial/delegate.html",
        {
            "profile": profile,
            "court": court,
            "form": form,
            "case_form": case_form,
            "parties": parties,
        },
    )
