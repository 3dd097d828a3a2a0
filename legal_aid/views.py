"""The legal-aid window's desk: its queue. Its steps are fired on the case page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from centre.access import desk_required
from intake.process_views import queue_page
from legal_aid.models import LegalAid


@desk_required("legal_aid.use_legal_aid_desk")
def queue(request: HttpRequest) -> HttpResponse:
    return queue_page(request, models=(LegalAid,), heading=_("法律援助"))
