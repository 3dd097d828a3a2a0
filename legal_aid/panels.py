"""The legal-aid window's panel on the case page: the decision and its ground, the
objection, who was assigned, and the aided matter's result."""

from __future__ import annotations

from intake.processes import process_panel
from legal_aid.models import LegalAid

process_panel(LegalAid, "legal_aid/_panel.html", order=6, name="legal_aid")
