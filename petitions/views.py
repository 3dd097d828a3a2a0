"""The petition window's desk: its queue. Its steps are fired on the case page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from centre.access import desk_required
from intake.process_views import queue_page
from petitions.models import Petition


@desk_required("petitions.use_petition_desk")
def queue(request: HttpRequest) -> HttpResponse:
    return queue_page(request, models=(Petition,), heading=_("信访接待"))
