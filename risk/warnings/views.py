"""Pages of the risk warnings: the list with its filters, acknowledge and handle.
Thin: parse, check, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from centre import selectors as centre_selectors
from centre.access import desk_required
from centre.replica import lag_tolerant
from centre.validators import refused_characters
from risk.models.warning import Kind, Level, RiskWarning
from risk.warnings import selectors, services

PAGE_SIZE = 30


@desk_required(selectors.VIEW)
@require_GET
@lag_tolerant
def warning_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    # Open warnings unless another status is asked for: what needs attention comes first.
    filters = selectors.WarningFilters(
        status=g.get("status", selectors.OPEN), kind=g.get("kind", ""), level=g.get("level", "")
    )
    page = Paginator(selectors.warning_list(request.user, filters), PAGE_SIZE).get_page(
        g.get("page")
    )
    kinds, levels = dict(Kind.choices), dict(Level.choices)
    statuses = dict(RiskWarning.Status.choices)
    profile = centre_selectors.staff_profile(request.user)
    for w in page.object_list:
        # Labels resolved once per page, not per row from lazy translations.
        w.kind_label, w.level_label = kinds[w.kind], levels[w.level]
        w.status_label = statuses[w.status]
        w.actionable = profile is not None and w.county_id == profile.county_id
    query = g.copy()
    query.pop("page", None)
    return render(
        request,
        "risk/warning_list.html",
        {
            "profile": profile,
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "statuses": [(selectors.OPEN, _("未处置")), *RiskWarning.Status.choices],
            "kinds": Kind.choices,
            "levels": Level.choices,
            "can_handle": request.user.has_perm(selectors.HANDLE),
            "case_url": reverse("intake:case", args=["0"])[:-2],
        },
    )


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    # A path of this site only (the list with its filters); anything else, even a bare
    # word that redirect() would look up as a view name, goes back to the list.
    if (
        not target.startswith("/")
        or refused_characters(target)
        or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        target = reverse("risk:warnings")
    return HttpResponseRedirect(target)


def _step(request: HttpRequest, pk: int, step) -> HttpResponse:
    warning = selectors.warning_for(request.user, pk)
    try:
        step(warning, request.user, request.POST.get("note", ""), request=request)
    except PermissionDenied:
        return render(request, "403.html", status=403)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except services.WarningConflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已签收预警：%(title)s") % {"title": warning.title}
            if step is services.acknowledge
            else _("已处置预警：%(title)s") % {"title": warning.title},
        )
    return _back(request)


@desk_required(selectors.VIEW)
@require_POST
def warning_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.acknowledge)


@desk_required(selectors.VIEW)
@require_POST
def warning_handle(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.handle)
