"""The judges' confirmation queue."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from centre import selectors
from centre.access import desk_required


@desk_required("centre.use_judicial_desk")
def queue(request: HttpRequest) -> HttpResponse:
    return render(
        request, "judicial/queue.html", {"profile": selectors.staff_profile(request.user)}
    )
