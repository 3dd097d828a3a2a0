"""The review window's desk: its queue. Its steps are fired on the case page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from centre.access import desk_required
from intake.process_views import queue_page
from review.models import AdministrativeReview


@desk_required("review.use_review_desk")
def queue(request: HttpRequest) -> HttpResponse:
    return queue_page(request, models=(AdministrativeReview,), heading=_("行政复议"))
