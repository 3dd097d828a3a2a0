"""The mediator's desk."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from centre import selectors
from centre.access import desk_required


@desk_required("centre.use_mediation_desk")
def my_cases(request: HttpRequest) -> HttpResponse:
    return render(
        request, "mediation/my_cases.html", {"profile": selectors.staff_profile(request.user)}
    )
