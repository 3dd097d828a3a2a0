"""Pages of the incident command: the board of the incidents a user may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from incidents import selectors

_SEES = (
    "incidents.view_incident",
    "incidents.view_town_incident",
    "incidents.view_department_incident",
    "incidents.report_incident",
)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """Open incidents first, the oldest deadline first; refreshed by htmx every 15 s."""
    if not any(request.user.has_perm(perm) for perm in _SEES):
        raise PermissionDenied
    incidents = list(selectors.incident_list(request.user)[:200])
    incidents.sort(key=lambda i: (i.state not in i.OPEN_STATES, i.due_on is None, i.due_on))
    template = "incidents/_board_rows.html" if request.htmx else "incidents/board.html"
    return render(request, template, {"incidents": incidents})
