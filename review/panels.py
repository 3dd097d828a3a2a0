"""The review window's panel on the case page: the act challenged and its organ, the
acceptance (by hand or by law), the organ's answer, the decision period and how it ended."""

from __future__ import annotations

from intake.processes import process_panel
from review.models import AdministrativeReview

process_panel(AdministrativeReview, "review/_panel.html", order=9, name="review")
