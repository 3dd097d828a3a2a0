"""The legal-aid window's documents (《法律援助法》2021): 给予法律援助决定书 (第43条),
不予法律援助决定书 with the objection route (第43、49条), 指派通知书 (第44条)."""

from __future__ import annotations

from intake.documents import Renderer, register_renderer
from intake.models import CaseDocument
from intake.processes import notice_context
from legal_aid.models import LegalAid

_context = notice_context(LegalAid, "法律援助中心")

for kind, template in [
    (CaseDocument.Kind.LEGAL_AID_DECISION, "legal_aid/decision.html"),
    (CaseDocument.Kind.LEGAL_AID_REFUSAL, "legal_aid/refusal.html"),
    (CaseDocument.Kind.LEGAL_AID_ASSIGNMENT, "legal_aid/assignment.html"),
]:
    register_renderer(kind, Renderer(template, _context))
