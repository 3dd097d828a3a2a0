"""Reads of the satisfaction loop: the tickets a user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from centre.selectors import staff_of
from feedback.models import ReworkTicket


def tickets_for(user: Any) -> QuerySet[ReworkTicket]:
    """The rework tickets of the user's county, for those who handle them; none else."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(
        "feedback.handle_reworkticket"
    ):
        return ReworkTicket.objects.none()
    staff = staff_of(user)
    if staff is None:
        return ReworkTicket.objects.none()
    return ReworkTicket.objects.filter(county_id=staff.county_id).select_related(
        "case", "window", "assignee", "rating"
    )


def ticket_list(user: Any, *, state: str = "") -> QuerySet[ReworkTicket]:
    """Open tickets first (the most urgent due date first), then those done."""
    tickets = tickets_for(user)
    if state == "open":
        tickets = tickets.filter(
            state__in=[ReworkTicket.State.OPEN, ReworkTicket.State.CALLED_BACK]
        )
    elif state:
        tickets = tickets.filter(state=state)
    return tickets.order_by("closed_at", "due_on", "id")
