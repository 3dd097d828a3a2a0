"""Pages of the incident command: the grid worker's phone page, the command board, one
incident with its steps, and the county's towns side by side. Every write goes through
``incidents.services``, as the API's do."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from centre.access import desk_required
from centre.selectors import staff_of
from incidents import selectors, services
from incidents.access import access_incident_for
from incidents.forms import ReportForm
from incidents.models import Incident

_SEES = (
    "incidents.view_incident",
    "incidents.view_town_incident",
    "incidents.view_department_incident",
    "incidents.report_incident",
)


# --- the grid worker -----------------------------------------------------------------------
@desk_required("incidents.report_incident")
def report(request: HttpRequest) -> HttpResponse:
    """Report from the phone, and the worker's own incidents. The page's script sends the
    form to the API with an idempotency key (and keeps it while offline); without the
    script the form posts here and errors come back next to the fields."""
    staff = staff_of(request.user)
    # Bound on every POST, an empty one too: its errors are then the form's to show.
    form = ReportForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            incident = services.incident_report(
                actor=request.user,
                data=request.POST,
                photos=request.FILES.getlist("photos"),
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except ValidationError as exc:
            # Cleaned first: add_error needs cleaned_data, and the fields' own errors
            # are then not repeated.
            form.is_valid()
            for name, errors in exc.message_dict.items():
                for error in errors:
                    if error not in form.errors.get(name, []):
                        form.add_error(name if name in form.fields else None, error)
            form.photo_errors = exc.message_dict.get("photos", [])
        else:
            messages.success(request, _("已上报，事件编号%(number)s") % {"number": incident.number})
            return redirect("incidents:report")
    _area_choices(form, staff)
    mine = selectors.incident_list(request.user).filter(reporter=request.user)[:50]
    if request.htmx:
        return render(request, "incidents/_my_incidents.html", {"mine": mine})
    return render(
        request,
        "incidents/report.html",
        {"form": form, "mine": mine, "profile": staff},
        status=400 if form.is_bound else 200,
    )


def _area_choices(form: ReportForm, staff: Any) -> None:
    """The grid list is the worker's area, their own grid chosen first."""
    region = staff.region if staff else None
    grids = form.fields["grid"].queryset.filter(county_id=staff.county_id if staff else None)
    if region is not None:
        grids = grids.filter(pk=region.pk) | grids.filter(parent=region)
        grids = grids | form.fields["grid"].queryset.filter(parent__parent=region)
        if not form.is_bound and region.level == "grid":
            form.initial["grid"] = region.code
    form.fields["grid"].queryset = grids.order_by("code")
    form.fields["grid"].label_from_instance = lambda g: f"{g.parent.name} {g.name}"
    form.fields["urgency"].initial = Incident.Urgency.NORMAL


# --- the command board ---------------------------------------------------------------------
_URGENCY_RANK = {"urgent": 0, "important": 1, "normal": 2}


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """Open incidents first, overdue ones at the top, then by urgency and deadline;
    refreshed by htmx every 15 s (the filters go along)."""
    if not any(request.user.has_perm(perm) for perm in _SEES):
        raise PermissionDenied
    filters = selectors.IncidentFilters(
        state=request.GET.get("state", ""),
        urgency=request.GET.get("urgency", ""),
        town=request.GET.get("town", ""),
    )
    incidents = list(selectors.incident_list(request.user, filters)[:200])
    today = timezone.localdate()
    for incident in incidents:
        incident.overdue = bool(
            incident.due_on and incident.due_on < today and incident.state == "assigned"
        )
    incidents.sort(
        key=lambda i: (
            i.state not in i.OPEN_STATES,
            not i.overdue,
            _URGENCY_RANK[i.urgency],
            i.due_on is None,
            i.due_on or today,
        )
    )
    counts = selectors.state_counts(request.user)
    counts = [(value, label, counts.get(value, 0)) for value, label in Incident.State.choices]
    context = {
        "incidents": incidents,
        "counts": counts,
        "filters": filters,
        "states": Incident.State.choices,
        "urgencies": Incident.Urgency.choices,
        "query": request.GET.urlencode(),
        "department_only": not request.user.has_perm("incidents.view_town_incident")
        and request.user.has_perm("incidents.view_department_incident"),
    }
    template = "incidents/_board_rows.html" if request.htmx else "incidents/board.html"
    return render(request, template, context)


# --- one incident --------------------------------------------------------------------------
@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    incident = selectors.incident_detail(access_incident_for(request.user, number))
    return _detail(request, incident)


def _detail(
    request: HttpRequest,
    incident: Incident,
    *,
    bound: Any = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    states = dict(Incident.State.choices)
    for event in incident.events.all():
        step = services.STEPS.get(event.transition)
        event.label = step.label if step else _("上报")
        event.to_label = states.get(event.to_state, "")
    forms = [
        (step, bound[1] if bound and bound[0] == step.name else _step_form(step, incident))
        for step in services.available(incident, request.user)
    ]
    return render(
        request,
        "incidents/detail.html",
        {"incident": incident, "steps": forms, "error": error},
        status=status,
    )


def _step_form(step: services.Step, incident: Incident, data: Any = None) -> Any:
    # Several steps' forms share a page: ids carry the step's name (their labels stay apart).
    return step.form(data=data, incident=incident, auto_id=f"id_{step.name}_%s")


@login_required
def step(request: HttpRequest, number: str, name: str) -> HttpResponse:
    """Take one step through the same service as the API: field errors next to the fields
    (400), a step taken meanwhile by someone else as a clear message (409)."""
    if request.method != "POST":
        return redirect("incidents:detail", number=number)
    data = request.POST.copy()
    version = data.pop("version", [""])[0]
    try:
        incident = services.incident_fire(
            actor=request.user,
            number=number,
            name=name,
            data=data,
            version=int(version) if version.isdigit() else None,
            photos=request.FILES.getlist("photos"),
        )
    except services.StepError as exc:
        incident = selectors.incident_detail(access_incident_for(request.user, number))
        bound = None
        if isinstance(exc, services.Invalid) and name in services.STEPS:
            form = _step_form(services.STEPS[name], incident, data=data)
            form.is_valid()
            for field, errors in exc.errors.items():
                for message in errors:
                    if message not in form.errors.get(field, []):
                        form.add_error(field if field in form.fields else None, message)
            bound = (name, form)
        return _detail(request, incident, bound=bound, error=exc.message, status=exc.status)
    messages.success(
        request,
        _("已完成「%(step)s」：事件现为「%(state)s」")
        % {"step": services.STEPS[name].label, "state": incident.get_state_display()},
    )
    return redirect("incidents:detail", number=incident.number)


@login_required
def photo(request: HttpRequest, number: str, pk: int) -> FileResponse:
    incident = access_incident_for(request.user, number)
    item = get_object_or_404(incident.photos, pk=pk)
    return FileResponse(item.file.open("rb"), content_type=item.content_type)


# --- the county ----------------------------------------------------------------------------
@desk_required("incidents.view_incident")
def county(request: HttpRequest) -> HttpResponse:
    """Every town of the county side by side: open incidents by state, overdue, escalated."""
    staff = staff_of(request.user)
    towns = selectors.town_figures(staff.county_id if staff else None, timezone.localdate())
    return render(
        request,
        "incidents/county.html",
        {"towns": towns, "states": Incident.State.choices, "profile": staff},
    )
