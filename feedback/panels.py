"""The satisfaction panel on the case page: the parties' ratings and their rework
tickets. The case's ``reopen`` is taken on the ticket's page (after the call-back), so
the case page's 重新办理 step leads here, to the ticket."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from feedback.models import Rating
from intake import panels
from intake.models import Case


def panel(request: HttpRequest, case: Case) -> str | None:
    ratings = list(
        Rating.objects.filter(case=case).select_related("rework").order_by("rated_at", "id")
    )
    if not ratings:
        return None
    return render_to_string(
        "feedback/_panel.html",
        {
            "ratings": ratings,
            "can_handle": request.user.has_perm("feedback.handle_reworkticket"),
        },
        request=request,
    )


panels.register(90, panel)
