"""Mediation pages: the mediator's desk, and the actions of the case page's panel. Thin:
each checks access through intake.access and calls a service or the workflow."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centre import selectors as centre_selectors
from centre.access import desk_required
from intake import services as intake_services
from intake import workflow
from intake.access import access_case_for
from mediation import selectors, services
from mediation.forms import CorrectionForm, PerformanceForm, SessionForm
from mediation.models import Agreement, Participant
from mediation.panels import AGREEMENT_DRAFT, START_DRAFT

DESK = "centre.use_mediation_desk"


@desk_required(DESK)
def my_cases(request: HttpRequest) -> HttpResponse:
    """Today's and this week's sessions; the cases being mediated, most urgent first."""
    today = timezone.localdate()
    start, _end = selectors.day_bounds(today)
    return render(
        request,
        "mediation/my_cases.html",
        {
            "profile": centre_selectors.staff_profile(request.user),
            "today_sessions": selectors.my_sessions(
                request.user, start=start, end=start + timedelta(days=1)
            ),
            "week_sessions": selectors.my_sessions(
                request.user, start=start + timedelta(days=1), end=start + timedelta(days=7)
            ),
            "mediations": selectors.my_cases(request.user)[:200],
            "follow_ups": selectors.my_follow_ups(request.user)[:100],
            "today": today,
        },
    )


ASSIGN_LIMIT = 200


@desk_required("intake.start_mediation_case")
def assign_queue(request: HttpRequest) -> HttpResponse:
    """The supervisor's home: cases waiting for mediators, riskiest and oldest first, each
    with the mediator the case page would propose."""
    return render(
        request,
        "mediation/assign_queue.html",
        {
            "profile": centre_selectors.staff_profile(request.user),
            "rows": selectors.assignment_rows(request.user, limit=ASSIGN_LIMIT),
            "limit": ASSIGN_LIMIT,
        },
    )


def _back(number: str) -> HttpResponse:
    return redirect("intake:case", number=number)


def _fire(request: HttpRequest, number: str, name: str, data: dict) -> bool:
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        workflow.fire(actor=request.user, number=number, name=name, data=data, version=version)
    except workflow.TransitionError as exc:
        detail = "；".join(f"{e['message']}" for errs in exc.errors.values() for e in errs)
        messages.error(request, f"{exc.message}{('：' + detail) if detail else ''}")
        return False
    return True


@require_POST
def start(request: HttpRequest, number: str) -> HttpResponse:
    access_case_for(request.user, number)
    data = {
        "organisation": request.POST.get("organisation"),
        "mediators": request.POST.getlist("mediators"),
        "lead": request.POST.get("lead"),
        "linkage": request.POST.get("linkage", ""),
    }
    if _fire(request, number, "start_mediation", data):
        messages.success(request, _("已启动调解，调解期限开始计算"))
    else:
        # The panel shows the choice again as it was made, with the error, not reset.
        request.session[START_DRAFT % number] = data
    return _back(number)


@require_POST
def session(request: HttpRequest, number: str) -> HttpResponse:
    case = access_case_for(request.user, number)
    if not request.user.has_perm(DESK):
        raise Http404
    mediation = getattr(case, "mediation", None)
    if mediation is None:
        raise Http404
    form = SessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return _back(number)
    try:
        with transaction.atomic():
            services.session_save(actor=request.user, mediation=mediation, **form.cleaned_data)
            # Papers handed in at the session (evidence, statements) join the case file.
            for upload in request.FILES.getlist("files"):
                intake_services.attachment_add(actor=request.user, case=case, upload=upload)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("调解记录已保存"))
    return _back(number)


@require_POST
def agreement(request: HttpRequest, number: str) -> HttpResponse:
    """The agreement form of the panel: per-party signature methods become the
    ``signatures`` list of ``record_agreement``; scanned signature pages are attached."""
    case = access_case_for(request.user, number)
    signatures = [
        {"party": cp.party_id, "method": request.POST.get(f"sig_{cp.party_id}")}
        for cp in case.case_parties.all()
        if request.POST.get(f"sig_{cp.party_id}")
    ]
    fields = services.AGREEMENT_CONTENT
    data = {f: request.POST.get(f, "") for f in fields} | {"signatures": signatures}
    try:
        with transaction.atomic():
            if not _fire(request, number, "record_agreement", data):
                raise _NotRecorded
            for upload in request.FILES.getlist("scans"):
                intake_services.attachment_add(actor=request.user, case=case, upload=upload)
    except _NotRecorded:
        pass
    except ValidationError as exc:  # a scan refused: the agreement is not recorded either
        messages.error(
            request,
            _("签名页扫描件有误，协议未确认：%(problem)s") % {"problem": "；".join(exc.messages)},
        )
    else:
        request.session.pop(AGREEMENT_DRAFT % case.number, None)
        messages.success(request, _("调解协议已确认，协议书正在生成"))
        return _back(number)
    # What the mediator typed is shown again in the panel (mediation.panels), not lost.
    request.session[AGREEMENT_DRAFT % case.number] = {f: data[f] for f in fields} | {
        "signatures": {str(s["party"]): s["method"] for s in signatures}
    }
    return redirect(f"{reverse('intake:case', args=[number])}#panel-record_agreement")


class _NotRecorded(Exception):
    """The workflow refused the agreement (and said why in a message)."""


def _agreement_for(request: HttpRequest, number: str, pk: int) -> Agreement:
    case = access_case_for(request.user, number)
    if not workflow.may_fire(request.user, case, "record_agreement"):
        raise Http404
    return get_object_or_404(
        Agreement.objects.select_related("mediation__case"), pk=pk, mediation__case=case
    )


@require_POST
def performance(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    item = _agreement_for(request, number, pk)
    form = PerformanceForm(request.POST)
    if form.is_valid():
        services.performance_record(actor=request.user, agreement=item, **form.cleaned_data)
        messages.success(request, _("履行情况已记录"))
    else:
        messages.error(request, _("请选择履行情况"))
    return _back(number)


@require_POST
def correct(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    item = _agreement_for(request, number, pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return _back(number)
    data = form.cleaned_data
    try:
        services.agreement_correct(
            actor=request.user,
            agreement=item,
            note=data["correction_note"],
            terms=data["terms"],
            performance_due=data["performance_due"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已生成更正后的新版本，原版本保留"))
    return _back(number)


@require_POST
def remove(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = access_case_for(request.user, number)
    if not request.user.has_perm("centre.supervise_windows"):
        return render(request, "403.html", status=403)
    participant = get_object_or_404(
        Participant.objects.select_related("mediator", "mediation"),
        pk=pk,
        mediation__case=case,
        removed_at__isnull=True,
    )
    try:
        services.participant_remove(actor=request.user, participant=participant)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已移除调解员"))
    return _back(number)
