"""The satisfaction panel on the case page: the parties' ratings and their rework
tickets. The case's ``reopen`` is taken on the ticket's page (after the call-back), so
the case page's 重新办理 step leads here, to the ticket."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from feedback import services
from feedback.forms import StaffRatingForm
from feedback.models import Rating
from intake import panels
from intake.models import Case


def panel(request: HttpRequest, case: Case) -> str | None:
    ratings = list(
        Rating.objects.filter(case=case).select_related("rework").order_by("rated_at", "id")
    )
    can_handle = request.user.has_perm("feedback.handle_reworkticket")
    form = None
    if can_handle and services.rating_deadline(case) is not None:
        form = StaffRatingForm(case=case, auto_id="id_rate_%s")
        if not form.fields["party"].queryset.exists():
            form = None
    if not ratings and form is None:
        return None
    return render_to_string(
        "feedback/_panel.html",
        {"case": case, "ratings": ratings, "can_handle": can_handle, "form": form},
        request=request,
    )


panels.register(90, panel)
