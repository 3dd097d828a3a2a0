"""The intake desk (registration and triage) and the grid workers' page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from centre import selectors
from centre.access import desk_required


@desk_required("centre.use_intake_desk")
def desk(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "intake/desk.html",
        {
            "profile": selectors.staff_profile(request.user),
            "windows": selectors.window_list(),
            "categories": selectors.category_list().filter(parent__isnull=True),
        },
    )


@desk_required("centre.report_from_grid")
def grid(request: HttpRequest) -> HttpResponse:
    profile = selectors.staff_profile(request.user)
    region = profile.region if profile else None
    return render(
        request,
        "intake/grid.html",
        {"profile": profile, "region_path": selectors.region_path(region) if region else []},
    )
