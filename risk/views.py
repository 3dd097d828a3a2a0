"""The county leaders' dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from centre import selectors
from centre.access import desk_required


@desk_required("centre.view_dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    profile = selectors.staff_profile(request.user)
    towns = list(selectors.town_overview(county=profile.county)) if profile else []
    towns_data = {
        "towns": [t.name for t in towns],
        "villages": [t.villages for t in towns],
        "grids": [t.grids for t in towns],
        "labels": {"villages": _("村/社区"), "grids": _("网格")},
    }
    return render(request, "risk/dashboard.html", {"profile": profile, "towns_data": towns_data})
