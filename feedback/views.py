"""The public rating page and the supervisors' rework tickets. Thin: parse, check, call a
service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centre.access import desk_required
from feedback import selectors, services
from feedback.forms import CallBackForm, KeepForm, PublicRatingForm, ReopenForm, StaffRatingForm
from feedback.models import Rating, ReworkTicket
from intake.access import access_case_for
from intake.models import Case
from intake.public import progress_lookup

HANDLE = services.HANDLE


def public_rate(request: HttpRequest) -> HttpResponse:
    """Public: an applicant rates a closed case, proving it as on the progress page (the
    case number and the last four digits of their phone, throttled the same way)."""
    if request.method != "POST":
        form = PublicRatingForm(
            initial={"number": request.GET.get("number", ""), "via": request.GET.get("via", "")}
        )
        return render(request, "feedback/rate.html", {"form": form})
    form = PublicRatingForm(request.POST)
    done = False
    if form.is_valid():
        data = form.cleaned_data
        found = progress_lookup(
            request=request, number=data["number"], phone_last4=data["phone_last4"]
        )
        case = Case.objects.filter(number=found.get("number", "")).first()
        party = services.applicant_by_last4(case, data["phone_last4"]) if case else None
        if found.get("throttled"):
            form.add_error(None, _("查询次数过多，请10分钟后再试。"))
        elif not found.get("found") or party is None:
            form.add_error(None, _("未找到该案件，或手机号后四位不符。"))
        else:
            channel = Rating.Channel.SMS if data["via"] == "sms" else Rating.Channel.PROGRESS
            try:
                services.rating_submit(
                    case=case,
                    party=party,
                    value=data["value"],
                    comment=data["comment"],
                    channel=channel,
                )
                done = True
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    target = field if field in form.fields else None
                    for error in errors:
                        form.add_error(target, error)
    return render(
        request,
        "feedback/rate.html",
        {"form": form, "done": done},
        status=200 if done or not form.errors else 400,
    )


@desk_required(HANDLE)
def tickets(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    rows = list(selectors.ticket_list(request.user, state="" if state == "all" else state)[:200])
    return render(
        request,
        "feedback/tickets.html",
        {"rows": rows, "state": state, "states": ReworkTicket.State.choices},
    )


def _ticket(request: HttpRequest, pk: int) -> ReworkTicket:
    ticket = selectors.tickets_for(request.user).filter(pk=pk).first()
    if ticket is None:
        raise Http404
    return ticket


@desk_required(HANDLE)
def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    return render(
        request,
        "feedback/ticket.html",
        {
            "ticket": ticket,
            "call_back_form": CallBackForm(),
            "keep_form": KeepForm(),
            "reopen_form": ReopenForm(),
        },
    )


ACTIONS = {
    "call_back": (CallBackForm, services.ticket_call_back, _("已记录回访")),
    "keep": (KeepForm, services.ticket_keep, _("已维持原办理结果")),
    "reopen": (ReopenForm, services.ticket_reopen, _("案件已重新办理")),
}


@require_POST
@desk_required(HANDLE)
def ticket_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    ticket = _ticket(request, pk)
    form_class, service, done = ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, ticket_id=ticket.pk, **form.cleaned_data)
            messages.success(request, str(done))
            return redirect("feedback:ticket", pk=ticket.pk)
        except ValidationError as exc:
            for field, errors in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
            ):
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
    forms = {"call_back_form": CallBackForm(), "keep_form": KeepForm(), "reopen_form": ReopenForm()}
    forms[f"{action}_form"] = form
    return render(request, "feedback/ticket.html", {"ticket": ticket, **forms}, status=400)


@require_POST
@desk_required(HANDLE)
def staff_rate(request: HttpRequest, number: str) -> HttpResponse:
    """The supervisor records a rating a party gave in person or on the phone."""
    case = access_case_for(request.user, number)
    form = StaffRatingForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.rating_submit(
                case=case,
                party=form.cleaned_data["party"],
                value=form.cleaned_data["value"],
                comment=form.cleaned_data["comment"],
                channel=Rating.Channel.STAFF,
                actor=request.user,
            )
            messages.success(request, _("已代录评价"))
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("intake:case", number=case.number)
