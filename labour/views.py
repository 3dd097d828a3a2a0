"""The labour window's desk: one queue for its inspections and its arbitrations. Their
steps are fired on the case page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from centre.access import desk_required
from intake.process_views import queue_page
from labour.models import Arbitration, LabourInspection


@desk_required("labour.use_labour_desk")
def queue(request: HttpRequest) -> HttpResponse:
    return queue_page(request, models=(LabourInspection, Arbitration), heading=_("劳动监察仲裁"))
